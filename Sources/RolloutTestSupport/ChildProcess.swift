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
    }

    /// Runs `path` with `arguments`; its standard output goes to `output` (or nowhere), its errors nowhere.
    public static func run(_ path: String, _ arguments: [String], output: String = "/dev/null") throws -> Ending {
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
                      seconds: Date().timeIntervalSince(started), peakKB: Int(usage.ru_maxrss))
    }
}
