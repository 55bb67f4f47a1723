import RolloutCore

/// The records reconciliation compares.
public protocol ReconciliationReads: Sendable {
    /// China Tower's sites, and the operators' sites that stand on a tower or name a China Tower
    /// site, with their timelines as known now, or as known at `knownAt`, by operator and code.
    func reconciliationTimelines(knownAt: Cutoff?) async throws -> [Reconciliation.Timeline]
    /// The timelines as known now of those of `sites` that reconciliation compares (none for the
    /// others), by operator and code.
    func reconciliationTimelines(of sites: [SiteKey]) async throws -> [Reconciliation.Timeline]
    /// The sites whose own events (their entity's) were appended after `afterSeq` up to `throughSeq`.
    func sitesNamed(after afterSeq: Int64, through throughSeq: Int64) async throws -> [SiteKey]
}
