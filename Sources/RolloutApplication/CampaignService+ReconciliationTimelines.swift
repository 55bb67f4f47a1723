import Logging
import RolloutCore

extension CampaignService {
    /// The name reconciliation's timelines are kept under (``SnapshotStore``).
    static let reconciliationSnapshot = "reconciliation_timelines"

    /// The timelines reconciliation compares, as known now for the log's version `seq`, or as
    /// known at `knownAt` (read whole each time).
    ///
    /// Read whole once, then grown: after a write only the sites the appended events name are
    /// read again (``Reconciliation/updated(_:named:fresh:)``). A server that starts takes the
    /// timelines kept in the database and grows them the same way, instead of reading every site's
    /// stored state (4 million at `--scale 100`); it reads them whole only when none are kept, when
    /// the kept ones cannot be read or disagree with the sites table, or when so many sites were
    /// named since that a whole read is quicker.
    func reconciliationTimelines(seq: Int64, knownAt: Cutoff?) async throws -> [Reconciliation.Timeline] {
        if let knownAt { return try await store.reconciliationTimelines(knownAt: knownAt) }
        return try await reconciliationTimelineKeeper.value(at: seq) { [self] previous in
            if let previous, previous.version < seq,
               let grown = try await growTimelines(previous.value, named: try await store.sitesNamed(after: previous.version, through: seq)) {
                return grown
            }
            if previous == nil, let kept = try await keptReconciliation(through: seq), let grown = try await growTimelines(kept.timelines, named: kept.named) {
                if seq - kept.version >= Self.eventsBeforeKeepingAgain { keepReconciliationInBackground(grown, version: seq) }
                return grown
            }
            let whole = try await store.reconciliationTimelines(knownAt: nil)
            reconciliationDerivations.withLockedValue { $0 += 1 }
            keepReconciliationInBackground(whole, version: seq)
            return whole
        }
    }

    /// The timelines kept in the database, if kept by the log's version `seq` or before, readable,
    /// and agreeing with the sites table on sites drawn at random among those not named since;
    /// with the sites named since.
    private func keptReconciliation(through seq: Int64) async throws -> (version: Int64, timelines: [Reconciliation.Timeline], named: [SiteKey])? {
        guard let kept = try await store.snapshot(Self.reconciliationSnapshot), kept.version <= seq else { return nil }
        guard let timelines = try? Reconciliation.TimelineBytes.timelines(kept.bytes) else {
            Logger(label: "rollout.reconciliation").warning("kept reconciliation timelines unreadable; reading them again")
            return nil
        }
        let named = try await store.sitesNamed(after: kept.version, through: seq)
        let since = Set(named)
        let sample = Reconciliation.sample(timelines, Self.sitesChecked, seed: UInt64(kept.version)).filter { !since.contains($0.key) }
        let now = Dictionary(try await store.reconciliationTimelines(of: sample.map(\.key)).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        // A timeline kept by another build that reads the sites differently is read again, not trusted.
        guard sample.allSatisfy({ now[$0.key] == $0 }) else {
            Logger(label: "rollout.reconciliation").warning("kept reconciliation timelines disagree with the sites; reading them again")
            return nil
        }
        return (kept.version, timelines, named)
    }

    /// `timelines` with those of the `named` sites read again; nil when so many are named that a
    /// whole read is quicker.
    private func growTimelines(_ timelines: [Reconciliation.Timeline], named: [SiteKey]) async throws -> [Reconciliation.Timeline]? {
        guard !named.isEmpty else { return timelines }
        if named.count > max(50_000, timelines.count / 5) { return nil }
        return Reconciliation.updated(timelines, named: Set(named), fresh: try await store.reconciliationTimelines(of: named))
    }

    /// Keeps the timelines in the database without holding up the read that made them (one
    /// write at a time); a failure is logged, and the next server reads them whole again.
    private func keepReconciliationInBackground(_ timelines: [Reconciliation.Timeline], version: Int64) {
        let store = self.store
        reconciliationKeeping.withLockedValue { running in
            guard running == nil else { return }
            running = Task.detached(priority: .background) { [reconciliationKeeping] in
                do {
                    try await store.keepSnapshot(Self.reconciliationSnapshot, version: version, bytes: Reconciliation.TimelineBytes.bytes(timelines))
                } catch {
                    Logger(label: "rollout.reconciliation").warning("could not keep reconciliation's timelines: \(error)")
                }
                reconciliationKeeping.withLockedValue { $0 = nil }
            }
        }
    }
}
