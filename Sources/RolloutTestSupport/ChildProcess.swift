import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to its end as a user would start it, and tells how it ended: its exit status
/// (or the signal that ended it), its wall time and its peak resident memory (from wait4).
public enum ChildProcess {
    /// How a program ended.
    public struct Ending: Sendable {
        /// The exit status; -1 when a signal ended it.
        public var status: Int32
        /// The signal that ended it; nil when it exited.
        public var signal: Int32?
        /// Wall time from its start to its end, in seconds.
        public var seconds: Double
        /// Its peak resident memory, in KiB.
        public var peakKB: Int
        /// The processor time it used (user and system), in seconds: what it cost, however busy
        /// the machine was (its wall time on a loaded machine says more about the other programs).
        public var cpuSeconds: Double
    }

    /// Runs `path` with `arguments`; its standard output goes to `output` (or nowhere), its errors
    /// nowhere. The wait is on a thread of its own, not one of the two the tests share.
    public static func run(_ path: String, _ arguments: [String], output: String = "/dev/null") async throws -> Ending {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try spawnAndWait(path, arguments, output: output) }) }.start()
        }
    }

    private static func spawnAndWait(_ path: String, _ arguments: [String], output: String) throws -> Ending {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { (s: String) in strdup(s) } + [nil]
        defer { for p in argv { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let started = Date()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw CocoaError(.executableNotLoadable) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let signalled = (status & 0x7F) != 0
        return Ending(status: signalled ? -1 : (status >> 8) & 0xFF, signal: signalled ? status & 0x7F : nil,
                      seconds: Date().timeIntervalSince(started), peakKB: Int(usage.ru_maxrss),
                      cpuSeconds: Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6)
    }
}

/// A program run to its end while the test that started it waits without holding a thread: the
/// tests share two (one per core), and a test blocked on a child's output held one for the child's
/// whole run, so pages, streams and database checks elsewhere in the suite waited on it.
public enum Program {
    /// How a program ended and what it printed.
    public struct Output: Sendable {
        /// Its exit status (the signal's number when a signal ended it).
        public var status: Int32
        /// What it wrote to its standard output.
        public var out: Data
        /// What it wrote to its standard error.
        public var err: Data
    }

    /// Runs `executable` with `arguments` (and `environment`, else this process's) to its end,
    /// `input` given as its standard input.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil) async throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let given = Pipe()
        if input != nil { process.standardInput = given }
        let done = DispatchGroup()
        done.enter()
        process.terminationHandler = { _ in done.leave() }
        try process.run()
        if let input {
            Thread {
                given.fileHandleForWriting.write(input)
                try? given.fileHandleForWriting.close()
            }.start()
        }
        let printed = Printed()
        for (pipe, isOut) in [(out, true), (err, false)] {
            done.enter()
            Thread {
                printed.set(pipe.fileHandleForReading.readDataToEndOfFile(), out: isOut)
                done.leave()
            }.start()
        }
        await exit(done)
        return Output(status: process.terminationStatus, out: printed.out, err: printed.err)
    }

    /// Waits for a started program to end.
    public static func exit(of process: Process) async {
        let done = DispatchGroup()
        done.enter()
        Thread {
            process.waitUntilExit()
            done.leave()
        }.start()
        await exit(done)
    }

    private static func exit(_ done: DispatchGroup) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            done.notify(queue: .global()) { continuation.resume() }
        }
    }

    private final class Printed: @unchecked Sendable {
        private let lock = NSLock()
        private var o = Data(), e = Data()
        func set(_ data: Data, out: Bool) { lock.withLock { if out { o = data } else { e = data } } }
        var out: Data { lock.withLock { o } }
        var err: Data { lock.withLock { e } }
    }
}
