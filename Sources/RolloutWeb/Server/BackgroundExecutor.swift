import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A task executor on a thread of its own at a lower scheduling priority (nice 10), for long
/// work that must not hold up the event loops: an import of 20,000 rows checks its chunks in
/// stretches of a few hundred milliseconds without a suspension point, and on the server's event
/// loops every reader whose request landed on that loop would wait behind it. On this thread the
/// kernel gives the readers' loops the processor first, and the import takes what is left
/// (`rollout bench load` measures both sides).
final class BackgroundExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = BackgroundExecutor()

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init() {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "rollout-background"
        thread.stackSize = 8 << 20
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        #if canImport(Glibc)
        // On Linux the nice value is per thread, and `who` 0 names the calling thread.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
