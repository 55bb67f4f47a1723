import RolloutCore

/// The records reconciliation compares.
public protocol ReconciliationReads: Sendable {
    /// China Tower's sites, and the operators' sites that stand on a tower or name a China Tower
    /// site, with their timelines as known now, or as known at `knownAt`.
    func reconciliationTimelines(knownAt: Cutoff?) async throws -> [Reconciliation.Timeline]
}
