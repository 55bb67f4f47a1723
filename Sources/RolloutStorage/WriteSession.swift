import RolloutCore

/// What checking an import's rows needs to know of the stored state: the campaign's regions,
/// the sites, obstacles, targets and resources the rows refer to, and which events the log
/// holds already. The importer turns rows into validated events against this alone.
public protocol ImportChecks: Sendable {
    /// The campaign's regions.
    func regions() async throws -> [Region]
    /// The stored outline geometry (GeoJSON) of each region that has one.
    func outlines() async throws -> [String: String]
    /// The current states of sites (missing keys are unknown sites).
    func sites(_ keys: Set<SiteKey>) async throws -> [SiteKey: SiteState]
    /// The current states of obstacles, by entity.
    func obstacles(_ entities: Set<String>) async throws -> [String: ObstacleState]
    /// The history of every target line.
    func targetRecords() async throws -> [TargetRecord]
    /// The offered resources with these ids (an id may belong to several owners).
    func resources(_ ids: Set<String>) async throws -> [String: [ResourceOffer]]
    /// Whether events with these dedup keys are already in the log.
    func knownDedupKeys(_ keys: [String]) async throws -> Set<String>
    /// Every event of these kinds, in log order (those appended in this write too): for the few
    /// kinds read from the log itself (adoption's records).
    func loggedEvents(kinds: [String]) async throws -> [LoggedEvent]
    /// The contractors the sites' registrations name.
    func contractors() async throws -> Set<String>
}

/// One write transaction, for work that reads and appends in several steps (an import): what it
/// appends is committed together when the body returns, or not at all when it throws.
public protocol WriteSession: ImportChecks {
    /// Appends events (re-sent ones change nothing) with their projection changes.
    func append(_ events: [NewEvent]) async throws -> AppendResult
    /// The same, when the caller has just looked up which of the events' dedup keys the log holds.
    func append(_ events: [NewEvent], knownDedupKeys: Set<String>) async throws -> AppendResult
}
