import Dispatch
import Metrics
import NIOConcurrencyHelpers

/// How long a transaction waited for its connection (the pool's free connection, or SQLite's one
/// writer) and for its BEGIN, by engine and kind: the `rollout_db_wait_seconds` histogram of
/// `/metrics`. A read that waits long means too few connections for the readers; a write, imports
/// queued behind one another.
public struct DatabaseWaits: Sendable {
    /// The four timers, made on first use (the factory's lookup is too dear for every transaction).
    private static let timers = NIOLockedValueBox<[String: Metrics.Timer]>([:])

    /// Forgets the timers made so far: the server calls it once it has set up its metrics system,
    /// so a transaction before that (a migration) leaves no timer bound to the no-op default.
    public static func rebind() { timers.withLockedValue { $0.removeAll() } }

    private static func timer(_ engine: String, _ kind: String) -> Metrics.Timer {
        timers.withLockedValue { t in
            if let made = t[engine + kind] { return made }
            let made = Metrics.Timer(label: "rollout_db_wait_seconds", dimensions: [("engine", engine), ("kind", kind)], preferredDisplayUnit: .seconds)
            t[engine + kind] = made
            return made
        }
    }

    private let timer: Metrics.Timer
    private let started: UInt64

    static func start(_ dialect: Dialect, write: Bool) -> DatabaseWaits {
        DatabaseWaits(timer: timer(dialect == .sqlite ? "sqlite" : "postgres", write ? "write" : "read"),
                      started: DispatchTime.now().uptimeNanoseconds)
    }

    /// The transaction has begun: the wait ends here.
    func began() { timer.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - started) }
}
