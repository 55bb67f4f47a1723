import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import RolloutApplication

/// A value made once per version: callers asking at once share one making, a failed making is not
/// kept, an older version's making does not replace a newer value, and a new version is made from
/// the one kept before; the making runs on the global pool, not on the executor of the caller
/// (a server's event loop).
@Suite struct KeptPerVersionTests {
    struct Boom: Error {}

    /// A task executor with one thread of its own, standing for an event loop.
    final class OneThread: TaskExecutor, @unchecked Sendable {
        private let condition = NSCondition()
        private var jobs: [UnownedJob] = []
        /// The jobs it ran.
        let ran = NIOLockedValueBox(0)

        init() {
            let thread = Thread { [unowned self] in
                while true {
                    condition.lock()
                    while jobs.isEmpty { condition.wait() }
                    let job = jobs.removeFirst()
                    condition.unlock()
                    ran.withLockedValue { $0 += 1 }
                    job.runSynchronously(on: asUnownedTaskExecutor())
                }
            }
            thread.start()
        }

        func enqueue(_ job: consuming ExecutorJob) {
            let unowned = UnownedJob(job)
            condition.lock()
            jobs.append(unowned)
            condition.signal()
            condition.unlock()
        }
    }

    /// The thread running the caller.
    static func thread() -> UInt { UInt(pthread_self()) }

    @Test func theMakingDoesNotRunOnTheCallersExecutor() async throws {
        let loop = OneThread()
        let kept = KeptPerVersion<Int, UInt>()
        let (asker, maker, after) = try await Task(executorPreference: loop) {
            let asker = Self.thread()
            let maker = try await kept.value(at: 1) { _ in Self.thread() }
            return (asker, maker, Self.thread())
        }.value
        #expect(loop.ran.withLockedValue { $0 } >= 2 && asker == after, "the caller runs on the stand-in event loop")
        #expect(maker != asker, "the making ran on the caller's executor")
    }

    @Test func callersAtOnceShareOneMakingAndAFailureIsNotKept() async throws {
        let kept = KeptPerVersion<Int, String>()
        let makings = NIOLockedValueBox(0)
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await kept.value(at: 1) { _ in
                        makings.withLockedValue { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(50))
                        return "v1"
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values == Array(repeating: "v1", count: 20))
        #expect(makings.withLockedValue { $0 } == 1)
        // Kept: asked again, not made again.
        #expect(try await kept.value(at: 1) { _ in "again" } == "v1")
        // A newer version is made from the one kept; a failure leaves it unmade.
        await #expect(throws: Boom.self) { try await kept.value(at: 2) { _ in throw Boom() } }
        #expect(try await kept.value(at: 2) { previous in "\(previous?.value ?? "-")+v2" } == "v1+v2")
        // An older version's value is given to its caller but does not replace the newer one kept.
        #expect(try await kept.value(at: 1) { _ in "old" } == "old")
        #expect(try await kept.value(at: 2) { _ in "made again" } == "v1+v2")
    }
}
