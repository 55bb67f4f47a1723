import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

/// Runs the core ``Ledger`` over a batch of logged events against the stored projections: loads
/// the states the batch touches, applies it, and writes back the site, obstacle and target
/// projections. The counter deltas it returns go to a ``CounterWriter``.
enum Projector {
    /// Applies a batch. `existing`: whether the projections may already hold the touched entities
    /// (false for a fresh bulk load, which then skips the look-ups).
    static func project(_ batch: [LoggedEvent], db: any SQLDatabase, existing: Bool) async throws -> [CounterDelta] {
        try await project(batch, db: db, existing: existing, known: [:]).deltas
    }

    /// Applies a batch, given site states already read in this transaction (`known`, current);
    /// returns the counter deltas and the states of the sites the batch changed.
    static func project(_ batch: [LoggedEvent], db: any SQLDatabase, existing: Bool,
                        known: [SiteKey: SiteState]) async throws -> (deltas: [CounterDelta], sites: [SiteKey: SiteState]) {
        guard !batch.isEmpty else { return ([], [:]) }
        var siteKeys: Set<SiteKey> = []
        var obstacleEntities: Set<String> = []
        for e in batch {
            switch e.event.body {
            case .siteRegistered(let r): siteKeys.insert(r.site)
            case .stageReported(let s, _, _), .stageRolledBack(let s, _, _): siteKeys.insert(s)
            case .obstacleOpened(let o): obstacleEntities.insert(o.entity)
            case .obstacleResolved, .obstacleEscalated, .obstacleStep: obstacleEntities.insert(e.event.body.entity)
            case .resourceRequestAnswered(let r, _, _): siteKeys.insert(r.site)
            case .contractorSet(let site, _): siteKeys.insert(site)
            case .targetSet, .resourceOffered, .bulletinIssued, .supervision, .supervisionRuleSet, .resourceRequested, .dispatchRuleSet,
                 .reportReceived, .reportingRuleSet, .workingCalendarSet, .reportingEscalated,
                 .reconciliationResolved, .reconciliationThresholdsSet, .scorecardWeightsSet,
                 .applicationRecorded, .subscribersReported, .subscriberTargetSet, .investmentReported, .findingRecorded, .findingStep,
                 .evidenceRuleSet, .evidenceAttached, .verificationDecided, .spotCheckDrawn: break
            }
        }
        var sites: [SiteKey: SiteState] = [:]
        var obstacles: [String: ObstacleState] = [:]
        var histories: [SiteKey: [StageChange]] = [:]
        if existing {
            // Looked up key by key: `known` holds every site read in this write, far more than a batch touches.
            for k in siteKeys { if let state = known[k] { sites[k] = state } }
            sites.merge(try await loadSites(siteKeys.filter { known[$0] == nil }, db: db)) { a, _ in a }
            obstacles = try await loadObstacles(obstacleEntities, db: db)
            let needs = Ledger.sitesNeedingHistory(batch.map(\.event), states: sites)
            histories = try await loadHistories(needs.filter { sites[$0] != nil }, before: batch[0].seq, db: db)
        }
        var ledger = Ledger(sites: sites, obstacles: obstacles, histories: histories)
        for e in batch { try ledger.apply(e) }
        try await write(ledger, db: db)
        var changed: [SiteKey: SiteState] = [:]
        for key in ledger.changedSites { changed[key] = ledger.sites[key] }
        return (ledger.deltas, changed)
    }

    static func loadSites(_ keys: Set<SiteKey>, db: any SQLDatabase) async throws -> [SiteKey: SiteState] {
        var out: [SiteKey: SiteState] = [:]
        let byOperator = Dictionary(grouping: keys, by: \.operator)
        for (op, group) in byOperator {
            let codes = group.map(\.code)
            for chunk in codes.chunked() {
                let rows = try await db.raw("SELECT state FROM sites WHERE operator = \(bind: op.rawValue) AND code IN (\(binds: chunk))").all()
                for row in rows {
                    let s = try StoredJSON.siteState(try row.string("state"))
                    out[s.registration.site] = s
                }
            }
        }
        return out
    }

    static func loadObstacles(_ entities: Set<String>, db: any SQLDatabase) async throws -> [String: ObstacleState] {
        var out: [String: ObstacleState] = [:]
        let list = Array(entities)
        for chunk in list.chunked() {
            for row in try await db.raw("SELECT entity, state FROM obstacles WHERE entity IN (\(binds: chunk))").all() {
                out[try row.string("entity")] = try StoredJSON.obstacleState(try row.string("state"))
            }
        }
        return out
    }

    /// The stage changes of sites, from the log, before a sequence number.
    static func loadHistories(_ keys: Set<SiteKey>, before seq: Int64, db: any SQLDatabase) async throws -> [SiteKey: [StageChange]] {
        var out: [SiteKey: [StageChange]] = [:]
        for k in keys { out[k] = [] }
        let entities = keys.map(\.entity)
        let decoder = JSONDecoder()
        for chunk in entities.chunked() {
            let rows = try await db.raw("""
                SELECT \(unsafeRaw: EventRow.select) FROM events WHERE entity IN (\(binds: chunk)) AND seq < \(bind: seq)
                  AND kind IN ('stage.reported', 'stage.rolled_back') ORDER BY seq
                """).all()
            for row in rows {
                let e = try EventRow.decode(row, decoder: decoder)
                switch e.event.body {
                case .stageReported(let s, let stage, _):
                    out[s]?.append(StageChange(.report, stage, at: e.event.occurredAt, seq: e.seq))
                case .stageRolledBack(let s, let stage, _):
                    out[s]?.append(StageChange(.rollback, stage, at: e.event.occurredAt, seq: e.seq))
                default: break
                }
            }
        }
        return out
    }

    static func write(_ ledger: Ledger, db: any SQLDatabase) async throws {
        try await ProjectionRows(ledger).write(db: db)
    }
}
