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
                 .applicationRecorded, .subscribersReported, .subscriberTargetSet, .findingRecorded, .findingStep,
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
                    let s = try StoredJSON.decode(SiteState.self, try row.string("state"))
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
                out[try row.string("entity")] = try StoredJSON.decode(ObstacleState.self, try row.string("state"))
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
        let encoder = EventRow.encoder()
        var siteRows: [[any Encodable & Sendable]] = []
        for key in ledger.changedSites.sorted() {
            let s = ledger.sites[key]!
            siteRows.append([key.operator.rawValue, key.code, s.registration.regionCode, s.stage.rawValue,
                             s.steps[0].at.seconds, s.registeredRecordedAt.seconds,
                             FastJSON.siteState(s),
                             s.registration.plannedOnAir?.seconds, s.builtSince?.seconds,
                             s.steps.first(where: { $0.stage.isBuilt })?.at.seconds])
        }
        try await db.insertRows("sites", columns: ["operator", "code", "region_code", "stage", "registered_at", "registered_recorded_at", "state",
                                                   "planned_at", "built_at", "first_built_at"],
                                rows: siteRows,
                                suffix: "ON CONFLICT (operator, code) DO UPDATE SET stage = excluded.stage, state = excluded.state, built_at = excluded.built_at, first_built_at = excluded.first_built_at")
        var obstacleRows: [[any Encodable & Sendable]] = []
        for entity in ledger.changedObstacles.sorted() {
            let o = ledger.obstacles[entity]!
            obstacleRows.append([entity, o.opening.regionCode, o.opening.operator?.rawValue, o.opening.site?.code,
                                 o.opening.category.rawValue, o.openedAt.seconds, o.resolvedAt?.seconds,
                                 String(decoding: try encoder.encode(o), as: UTF8.self), o.escalatedAt?.seconds, o.opening.responsible,
                                 o.units.isEmpty ? "" : "|" + o.units.sorted().joined(separator: "|") + "|", o.wasReopened ? 1 : 0,
                                 o.resolvedRecordedAt?.seconds])
        }
        try await db.insertRows("obstacles", columns: ["entity", "region_code", "operator", "site_code", "category", "opened_at", "resolved_at", "state",
                                                       "escalated_at", "responsible", "units", "reopened", "resolved_recorded_at"],
                                rows: obstacleRows,
                                suffix: "ON CONFLICT (entity) DO UPDATE SET resolved_at = excluded.resolved_at, state = excluded.state, escalated_at = excluded.escalated_at, units = excluded.units, reopened = excluded.reopened, resolved_recorded_at = excluded.resolved_recorded_at")
        let targetRows: [[any Encodable & Sendable]] = ledger.newTargets.map { t in
            [t.seq, t.setting.entity, t.setting.regionCode, t.setting.operator?.rawValue, t.setting.keyArea, Int64(t.setting.target),
             t.setting.due.seconds, t.setAt.seconds, t.recordedAt.seconds, t.setting.reason]
        }
        try await db.insertRows("targets", columns: ["seq", "entity", "region_code", "operator", "key_area", "target", "due_at", "set_at", "recorded_at", "reason"],
                                rows: targetRows)
        let resourceRows: [[any Encodable & Sendable]] = ledger.newResources.map { r in
            [r.offer.entity, r.offer.resourceId, r.offer.owner, r.offer.kind.rawValue, r.offer.regionCode, r.offer.lat, r.offer.lon,
             r.offer.heightM, r.at.seconds]
        }
        try await db.insertRows("resources", columns: ["entity", "resource_id", "owner", "kind", "region_code", "lat", "lon", "height_m", "offered_at"],
                                rows: resourceRows)
    }
}
