import NIOConcurrencyHelpers
import RolloutCore
import RolloutStorage

/// Events of a few kinds read from the log and kept from one read to the next, a list per set of
/// kinds: the log only grows, so after a write only the events appended since are read and
/// decoded. The safety findings, the reporting events and the evidence rules were read and decoded
/// whole on every page that shows them: on the demo at `--scale 10` (51,000 safety events) that
/// was half of a site page's 1.0–1.4 s.
///
/// One read a list at a time: a caller that finds the list being read up to its version (or
/// further) waits for that read instead of making its own. A server reads verification's events
/// as it starts; its first summary, asked meanwhile, read the same 0.84 million events again
/// beside it at `--scale 10` (4.2 s and 4.1 s, side by side on two cores, and every other
/// statement waited behind both).
final class KeptEvents: Sendable {
    private struct List: Sendable {
        var seq: Int64
        var events: [LoggedEvent]
    }

    private struct State: Sendable {
        var kept: [String: List] = [:]
        var reading: [String: (seq: Int64, task: Task<List, any Error>)] = [:]
    }

    private enum Step {
        case kept([LoggedEvent])
        case read(seq: Int64, task: Task<List, any Error>)
    }

    private let state = NIOLockedValueBox(State())

    /// The events of `kinds` up to the log's current version, oldest first;
    /// without the stage reports below `on_air` when `reportsBelowBuilt` is false (a list of its own).
    func events(kinds: [String], store: any CampaignStore, reportsBelowBuilt: Bool = true) async throws -> [LoggedEvent] {
        let key = kinds.joined(separator: "|") + (reportsBelowBuilt ? "" : "#built")
        // The version first: the events read after it hold at least what it says.
        let seq = try await store.currentSeq()
        let step: Step = state.withLockedValue { s in
            if let kept = s.kept[key], kept.seq == seq { return .kept(kept.events) }
            if let reading = s.reading[key], reading.seq == seq { return .read(seq: seq, task: reading.task) }
            // What was kept stands while the log only grew (a log found shorter is read again whole).
            let base = s.kept[key].flatMap { $0.seq < seq ? $0 : nil }
            let task = Task { () throws -> List in
                let more = try await store.events(kinds: kinds, after: base?.seq ?? 0, through: seq, reportsBelowBuilt: reportsBelowBuilt)
                return List(seq: seq, events: (base?.events ?? []) + more)
            }
            s.reading[key] = (seq, task)
            return .read(seq: seq, task: task)
        }
        switch step {
        case .kept(let events):
            return events
        case .read(let readSeq, let task):
            do {
                let list = try await task.value
                state.withLockedValue { s in
                    // Another read may have caught up further meanwhile: the newest stays.
                    if (s.kept[key]?.seq ?? -1) < list.seq { s.kept[key] = list }
                    if s.reading[key]?.seq == list.seq { s.reading[key] = nil }
                }
                return list.events
            } catch {
                // A failed read is not kept: the next caller reads again.
                state.withLockedValue { s in if s.reading[key]?.seq == readSeq { s.reading[key] = nil } }
                throw error
            }
        }
    }
}
