import RolloutCore
import SQLKit

/// The rows a ledger's changes write to the site, obstacle, target and resource projections: made
/// apart from the writing, so a bulk load can make a batch's rows while the previous batch is written.
struct ProjectionRows: Sendable {
    private var sites: [[any Encodable & Sendable]] = []
    private var obstacles: [[any Encodable & Sendable]] = []
    private var targets: [[any Encodable & Sendable]] = []
    private var resources: [[any Encodable & Sendable]] = []

    /// The rows of what the ledger changed.
    init(_ ledger: Ledger) throws {
        let encoder = EventRow.encoder()
        for key in ledger.changedSites.sorted() {
            let s = ledger.sites[key]!
            sites.append([key.operator.rawValue, key.code, s.registration.regionCode, s.stage.rawValue,
                          s.steps[0].at.seconds, s.registeredRecordedAt.seconds,
                          FastJSON.siteState(s),
                          s.registration.plannedOnAir?.seconds, s.builtSince?.seconds,
                          s.steps.first(where: { $0.stage.isBuilt })?.at.seconds])
        }
        for entity in ledger.changedObstacles.sorted() {
            let o = ledger.obstacles[entity]!
            obstacles.append([entity, o.opening.regionCode, o.opening.operator?.rawValue, o.opening.site?.code,
                              o.opening.category.rawValue, o.openedAt.seconds, o.resolvedAt?.seconds,
                              String(decoding: try encoder.encode(o), as: UTF8.self), o.escalatedAt?.seconds, o.opening.responsible,
                              o.units.isEmpty ? "" : "|" + o.units.sorted().joined(separator: "|") + "|", o.wasReopened ? 1 : 0,
                              o.resolvedRecordedAt?.seconds])
        }
        targets = ledger.newTargets.map { t in
            [t.seq, t.setting.entity, t.setting.regionCode, t.setting.operator?.rawValue, t.setting.keyArea, Int64(t.setting.target),
             t.setting.due.seconds, t.setAt.seconds, t.recordedAt.seconds, t.setting.reason]
        }
        resources = ledger.newResources.map { r in
            [r.offer.entity, r.offer.resourceId, r.offer.owner, r.offer.kind.rawValue, r.offer.regionCode, r.offer.lat, r.offer.lon,
             r.offer.heightM, r.at.seconds]
        }
    }

    /// Writes the rows: sites and obstacles replace their earlier state, targets and resources are
    /// new. `fresh` (a bulk load into an empty log, each entity's events in one batch): sites and
    /// obstacles are new too, inserted without an upsert (on PostgreSQL COPY straight into the
    /// table, not through a scratch table and a merge); one written twice fails the load.
    func write(db: any SQLDatabase, fresh: Bool = false) async throws {
        try await db.insertRows("sites", columns: ["operator", "code", "region_code", "stage", "registered_at", "registered_recorded_at", "state",
                                                   "planned_at", "built_at", "first_built_at"],
                                rows: sites,
                                suffix: fresh ? "" : "ON CONFLICT (operator, code) DO UPDATE SET stage = excluded.stage, state = excluded.state, built_at = excluded.built_at, first_built_at = excluded.first_built_at")
        try await db.insertRows("obstacles", columns: ["entity", "region_code", "operator", "site_code", "category", "opened_at", "resolved_at", "state",
                                                       "escalated_at", "responsible", "units", "reopened", "resolved_recorded_at"],
                                rows: obstacles,
                                suffix: fresh ? "" : "ON CONFLICT (entity) DO UPDATE SET resolved_at = excluded.resolved_at, state = excluded.state, escalated_at = excluded.escalated_at, units = excluded.units, reopened = excluded.reopened, resolved_recorded_at = excluded.resolved_recorded_at")
        try await db.insertRows("targets", columns: ["seq", "entity", "region_code", "operator", "key_area", "target", "due_at", "set_at", "recorded_at", "reason"],
                                rows: targets)
        try await db.insertRows("resources", columns: ["entity", "resource_id", "owner", "kind", "region_code", "lat", "lon", "height_m", "offered_at"],
                                rows: resources)
    }
}
