import NIOConcurrencyHelpers
import RolloutCore
import RolloutStorage

/// Events of a few kinds read from the log and kept from one read to the next, a list per set of
/// kinds: the log only grows, so after a write only the events appended since are read and
/// decoded. The safety findings, the reporting events and the evidence rules were read and decoded
/// whole on every page that shows them: on the demo at `--scale 10` (51,000 safety events) that
/// was half of a site page's 1.0–1.4 s. Each list is read once per version of the log, however
/// many ask for it at once (``KeptPerVersion``).
final class KeptEvents: Sendable {
    private let lists = NIOLockedValueBox<[String: KeptPerVersion<Int64, [LoggedEvent]>]>([:])

    /// The events of `kinds` up to the log's current version, oldest first; without the stage
    /// reports below `on_air` when `reportsBelowBuilt` is false (a list of its own).
    func events(kinds: [String], store: any CampaignStore, reportsBelowBuilt: Bool = true) async throws -> [LoggedEvent] {
        let key = kinds.joined(separator: "|") + (reportsBelowBuilt ? "" : "#built")
        let list = lists.withLockedValue { lists in
            if let list = lists[key] { return list }
            let list = KeptPerVersion<Int64, [LoggedEvent]>()
            lists[key] = list
            return list
        }
        // The version first: the events read after it hold at least what it says.
        let seq = try await store.currentSeq()
        return try await list.value(at: seq) { previous in
            // What was kept stands while the log only grew (a log found shorter is read again whole).
            let base = previous.flatMap { $0.version < seq ? $0 : nil }
            return (base?.value ?? []) + (try await store.events(kinds: kinds, after: base?.version ?? 0, through: seq, reportsBelowBuilt: reportsBelowBuilt))
        }
    }
}
