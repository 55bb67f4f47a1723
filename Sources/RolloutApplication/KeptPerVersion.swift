import NIOConcurrencyHelpers

/// A value made from the log once per version of what it depends on, kept until a newer version's
/// is made; a caller asking for a version whose value is being made waits for that making instead
/// of making it again. Kept events (``KeptEvents``) and verification's timeline are made this way: a
/// server reads verification's events as it starts, and its first summary, asked meanwhile, read the
/// same 0.84 million events again beside it at `--scale 10` (4.2 s and 4.1 s, side by side on two
/// cores, every other statement waiting behind both); two pages asked at once after a write each
/// made the timeline. The making is a task on the global executor: it no longer inherits the
/// executor the asking task prefers (a `Task {}` does; `KeptPerVersionTests` shows it). Measured on
/// a fresh `--scale 10` demo's first start, two runs each: `/healthz`, asked during the first
/// overview, answered in at most 4.2 s before and 0.17 s since. (`rollout serve` installs NIO's
/// event loops as the global executor, so the makings still run on the server's loops.)
final class KeptPerVersion<Version: Comparable & Sendable, Value: Sendable>: Sendable {
    private struct State: Sendable {
        var kept: (version: Version, value: Value)?
        var making: (version: Version, task: Task<Value, any Error>)?
    }

    private enum Step {
        case kept(Value)
        case making(Task<Value, any Error>)
    }

    private let state = NIOLockedValueBox(State())

    /// An empty keeper.
    init() {}

    /// The keeper of `key` in a table of keepers (one per radius, one per set of thresholds),
    /// made when first asked for.
    static func keeper<Key: Hashable & Sendable>(_ key: Key, in table: NIOLockedValueBox<[Key: KeptPerVersion]>) -> KeptPerVersion {
        table.withLockedValue { keepers in
            if let k = keepers[key] { return k }
            let k = KeptPerVersion()
            keepers[key] = k
            return k
        }
    }

    /// The value at `version`: the one kept or being made for it, else made by `make` from the
    /// value kept before (if any; `make` decides whether it can start from it). A failed making is
    /// not kept: the next caller makes it again.
    func value(at version: Version, make: @escaping @Sendable ((version: Version, value: Value)?) async throws -> Value) async throws -> Value {
        let step: Step = state.withLockedValue { s in
            if let kept = s.kept, kept.version == version { return .kept(kept.value) }
            if let making = s.making, making.version == version { return .making(making.task) }
            let previous = s.kept
            // On the global executor, not on the one the asking task prefers.
            let task = Task(executorPreference: globalConcurrentExecutor) { try await make(previous) }
            s.making = (version, task)
            return .making(task)
        }
        switch step {
        case .kept(let value):
            return value
        case .making(let task):
            do {
                let value = try await task.value
                state.withLockedValue { s in
                    // Another making may have finished a newer version meanwhile: the newest stays.
                    if s.kept.map({ $0.version < version }) ?? true { s.kept = (version, value) }
                    if s.making?.version == version { s.making = nil }
                }
                return value
            } catch {
                state.withLockedValue { s in if s.making?.version == version { s.making = nil } }
                throw error
            }
        }
    }
}
