import NIOConcurrencyHelpers
import RolloutCore
import RolloutStorage

/// Events of a few kinds read from the log and kept from one read to the next, a list per set of
/// kinds: the log only grows, so after a write only the events appended since are read and
/// decoded. The safety findings, the reporting events and the evidence rules were read and decoded
/// whole on every page that shows them: on the demo at `--scale 10` (51,000 safety events) that
/// was half of a site page's 1.0–1.4 s.
final class KeptEvents: Sendable {
    private let lists = NIOLockedValueBox<[String: (seq: Int64, events: [LoggedEvent])]>([:])

    /// The events of `kinds` up to the log's current version, oldest first; without the stage
    /// reports below `on_air` when `reportsBelowBuilt` is false (a list of its own).
    func events(kinds: [String], store: any CampaignStore, reportsBelowBuilt: Bool = true) async throws -> [LoggedEvent] {
        let key = kinds.joined(separator: "|") + (reportsBelowBuilt ? "" : "#built")
        // The version first: the events read after it hold at least what it says.
        let seq = try await store.currentSeq()
        let kept = lists.withLockedValue { $0[key] }
        if let kept, kept.seq == seq { return kept.events }
        // What was kept stands while the log only grew (a log found shorter is read again whole).
        let base = kept.flatMap { $0.seq < seq ? $0 : nil }
        let events = (base?.events ?? []) + (try await store.events(kinds: kinds, after: base?.seq ?? 0, through: seq, reportsBelowBuilt: reportsBelowBuilt))
        lists.withLockedValue { lists in
            // Another read may have caught up further meanwhile: the newest stays.
            if (lists[key]?.seq ?? -1) < seq { lists[key] = (seq, events) }
        }
        return events
    }
}
