import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

extension SQLCampaignStore {
    /// Counter values at a moment.
    public func counters(at moment: ReadMoment) async throws -> CounterValues {
        let byScan = pastKnowledgeByScan.withLockedValue { $0 }
        return try await read { db in try await CounterReader.values(at: moment, db: db, byScan: byScan) }
    }

    /// The counter values of one region at a moment (`""`: the campaign-wide ones).
    public func counters(at moment: ReadMoment, region: String) async throws -> CounterValues {
        let byScan = pastKnowledgeByScan.withLockedValue { $0 }
        return try await read { db in try await CounterReader.values(at: moment, db: db, region: region, byScan: byScan) }
    }

    /// The figures' inputs at a moment, read from one snapshot.
    public func figureSource(at moment: ReadMoment, campaign: Campaign) async throws -> FigureSource {
        let byScan = pastKnowledgeByScan.withLockedValue { $0 }
        return try await read { db in
            let regions = try await SQLCampaignStore.regions(db)
            let records = try await SQLCampaignStore.targetRecords(db)
            let startCut = Cutoff(before: campaign.start)
            let paceCut = Figures.paceStart(for: moment, campaign: campaign)
            let paceDays = Double(moment.asOf.before.seconds - paceCut.before.seconds) / 86_400
            let cuts = [moment, moment.at(startCut), moment.at(paceCut), moment.at(Figures.windowStart(for: moment))]
            let read = try await CounterReader.values(at: cuts, db: db, byScan: byScan)
            let (now, atStart, paceStart, windowStart) = (read[0], read[1], read[2], read[3])
            return FigureSource(regions: regions, targets: Targets(records, at: moment),
                                inputs: Figures.Inputs(now: now, atStart: atStart, paceStart: paceStart, paceDays: paceDays,
                                                       windowStart: windowStart))
        }
    }

    /// The targets in force at a moment.
    public func targets(at moment: ReadMoment) async throws -> Targets {
        try await read { db in Targets(try await SQLCampaignStore.targetRecords(db), at: moment) }
    }

    static func targetRecords(_ db: any SQLDatabase) async throws -> [TargetRecord] {
        var records = try await db.raw("SELECT * FROM targets ORDER BY seq").all().map { r in
            TargetRecord(
                setting: TargetSetting(regionCode: try r.string("region_code"),
                                       operator: try r.optionalString("operator").flatMap(Operator.init(rawValue:)),
                                       keyArea: try r.optionalString("key_area"), target: Int(try r.int("target")),
                                       due: Instant(seconds: try r.int("due_at")), reason: try r.optionalString("reason")),
                setAt: Instant(seconds: try r.int("set_at")), recordedAt: Instant(seconds: try r.int("recorded_at")),
                seq: try r.int("seq"))
        }
        // A milestone's move names the date it moves from only in its event: read from the log, for the few that do.
        let decoder = JSONDecoder()
        let moves = try await db.raw("SELECT \(unsafeRaw: EventRow.select) FROM events WHERE kind = 'target.set' AND payload LIKE '%movedFrom%'").all()
        var movedFrom: [Int64: Instant] = [:]
        for row in moves {
            let e = try EventRow.decode(row, decoder: decoder)
            if case .targetSet(let t) = e.event.body, let from = t.movedFrom { movedFrom[e.seq] = from }
        }
        if !movedFrom.isEmpty {
            for i in records.indices { records[i].setting.movedFrom = movedFrom[records[i].seq] }
        }
        return records
    }

    /// Sites at a moment by operator and code; a stage filter reads every site the others keep.
    public func sites(_ query: SiteQuery, at moment: ReadMoment) async throws -> SitePage {
        let dialect = self.dialect
        return try await read { db in
            var filter = SQLQueryString("registered_at < \(bind: moment.asOf.before.seconds)")
            if let k = moment.knownAt { filter.appendInterpolation(unsafeRaw: " AND registered_recorded_at < "); filter.appendInterpolation(bind: k.before.seconds) }
            if let r = query.region { filter.appendInterpolation(unsafeRaw: " AND region_code = "); filter.appendInterpolation(bind: r) }
            if let o = query.operator { filter.appendInterpolation(unsafeRaw: " AND operator = "); filter.appendInterpolation(bind: o.rawValue) }
            if query.networkOnly { filter.appendInterpolation(unsafeRaw: " AND operator <> 'tower'") }
            if let contractor = query.contractor {
                // Read from the stored registration (no column of its own: a contractor's page is the only reader).
                filter.appendInterpolation(unsafeRaw: dialect == .sqlite ? " AND json_extract(state, '$.registration.contractor') = " : " AND (state::jsonb #>> '{registration,contractor}') = ")
                filter.appendInterpolation(bind: contractor)
            }
            var window = filter
            if let after = query.after {
                window.appendInterpolation(unsafeRaw: " AND (operator > "); window.appendInterpolation(bind: after.operator.rawValue)
                window.appendInterpolation(unsafeRaw: " OR (operator = "); window.appendInterpolation(bind: after.operator.rawValue)
                window.appendInterpolation(unsafeRaw: " AND code > "); window.appendInterpolation(bind: after.code)
                window.appendInterpolation(unsafeRaw: "))")
            }
            let offset = query.after == nil ? (query.page - 1) * query.perPage : 0
            if query.stage == nil {
                // Every site the filter keeps is listed (as known at a moment too: the filter holds
                // the registration's recording), so a page is a LIMIT. Reading on from a site (an
                // export), the total is not counted again for every page.
                var total = -1
                if query.after == nil {
                    var countQ = SQLQueryString("SELECT COUNT(*) AS n FROM sites WHERE ")
                    countQ.appendInterpolation(filter)
                    total = Int(try await db.raw(countQ).first()!.int("n"))
                }
                var q = SQLQueryString("SELECT state FROM sites WHERE ")
                q.appendInterpolation(window)
                q.appendInterpolation(unsafeRaw: " ORDER BY operator, code LIMIT \(query.perPage) OFFSET \(offset)")
                let states = try await db.raw(q).all().map { try StoredJSON.siteState(try $0.string("state")) }
                var steps: [SiteKey: [TimelineStep]] = [:]
                if let knownAt = moment.knownAt { steps = try await SQLCampaignStore.timelines(states, knownAt: knownAt, db: db) }
                let rows = states.map { SQLCampaignStore.row($0, steps: steps[$0.registration.site] ?? $0.steps, at: moment) }
                return SitePage(total: total, page: query.page, perPage: query.perPage, sites: rows)
            }
            var q = SQLQueryString("SELECT state FROM sites WHERE ")
            q.appendInterpolation(window)
            q.appendInterpolation(unsafeRaw: " ORDER BY operator, code")
            let states = try await db.raw(q).all().map { try StoredJSON.siteState(try $0.string("state")) }
            var steps: [SiteKey: [TimelineStep]] = [:]
            if let knownAt = moment.knownAt { steps = try await SQLCampaignStore.timelines(states, knownAt: knownAt, db: db) }
            var rows = states.map { SQLCampaignStore.row($0, steps: steps[$0.registration.site] ?? $0.steps, at: moment) }
            if let stage = query.stage { rows = rows.filter { $0.stage == stage.rawValue } }
            let page = Array(rows.dropFirst(offset).prefix(query.perPage))
            return SitePage(total: rows.count, page: query.page, perPage: query.perPage, sites: page)
        }
    }

    /// One site at a moment, or nil when it did not exist (or was not known) then.
    public func site(_ key: SiteKey, at moment: ReadMoment) async throws -> SiteDetail? {
        try await read { db in
            guard let r = try await db.raw("SELECT state FROM sites WHERE operator = \(bind: key.operator.rawValue) AND code = \(bind: key.code)").first() else {
                return nil
            }
            let state = try StoredJSON.siteState(try r.string("state"))
            guard moment.asOf.includes(state.steps[0].at), moment.knownAt?.includes(state.registeredRecordedAt) ?? true else { return nil }
            let decoder = JSONDecoder()
            let events = try await db.raw("SELECT \(unsafeRaw: EventRow.select) FROM events WHERE entity = \(bind: key.entity) ORDER BY seq")
                .all().map { try EventRow.decode($0, decoder: decoder) }
                .filter { moment.asOf.includes($0.event.occurredAt) && (moment.knownAt?.includes($0.event.recordedAt) ?? true) }
            var steps = state.steps
            if let knownAt = moment.knownAt { steps = try await SQLCampaignStore.timelines([state], knownAt: knownAt, db: db)[key] ?? steps }
            let shown = steps.filter { moment.asOf.includes($0.at) }
            let log = events.map { e -> SiteDetail.LogEntry in
                var stage: String? = nil, note: String? = nil
                switch e.event.body {
                case .stageReported(_, let s, let n): stage = s.rawValue; note = n
                case .stageRolledBack(_, let s, let reason): stage = s.rawValue; note = reason
                default: break
                }
                return SiteDetail.LogEntry(seq: e.seq, kind: e.event.body.kind, stage: stage, occurredAt: e.event.occurredAt.description,
                                           recordedAt: e.event.recordedAt.description, actor: e.event.actor, note: note)
            }
            // Each folded as of the moment: its state, unit and clock (a reopened one included).
            let table = try await SQLCampaignStore.dispatchTable(at: moment, db: db)
            let obstacles = try await db.raw("SELECT state FROM obstacles WHERE operator = \(bind: key.operator.rawValue) AND site_code = \(bind: key.code) ORDER BY opened_at, entity")
                .all().compactMap { ObstacleRow(try StoredJSON.obstacleState(try $0.string("state")), at: moment, table: table) }
            return SiteDetail(site: SQLCampaignStore.row(state, steps: steps, at: moment),
                              timeline: shown.map { SiteDetail.Step(stage: $0.stage.rawValue, at: $0.at.description) },
                              events: log, obstacles: obstacles)
        }
    }

    /// Sites' timelines as the platform knew them at a moment: their changes recorded before it, folded.
    static func timelines(_ states: [SiteState], knownAt: Cutoff, db: any SQLDatabase) async throws -> [SiteKey: [TimelineStep]] {
        try await timelines(keys: states.map(\.registration.site),
                            registeredAt: Dictionary(states.map { ($0.registration.site, $0.registeredAt) }, uniquingKeysWith: { a, _ in a }),
                            knownAt: knownAt, db: db)
    }

    /// Sites' timelines as the platform knew them at a moment, from their keys and registrations' field times.
    static func timelines(keys list: [SiteKey], registeredAt: [SiteKey: Instant], knownAt: Cutoff, db: any SQLDatabase) async throws -> [SiteKey: [TimelineStep]] {
        let keys = Set(list)
        let histories = try await Projector.loadHistories(keys, before: Int64.max, db: db)
        var recorded: [Int64: Instant] = [:]
        let entities = keys.map(\.entity)
        for chunk in entities.chunked() {
            for r in try await db.raw("SELECT seq, recorded_at FROM events WHERE entity IN (\(binds: chunk))").all() {
                recorded[try r.int("seq")] = Instant(seconds: try r.int("recorded_at"))
            }
        }
        var out: [SiteKey: [TimelineStep]] = [:]
        for key in keys {
            guard let at = registeredAt[key] else { continue }
            let known = (histories[key] ?? []).filter { recorded[$0.seq].map(knownAt.includes) ?? false }
            out[key] = SiteTimeline.fold(registeredAt: at, changes: known)
        }
        return out
    }

    static func row(_ s: SiteState, steps: [TimelineStep], at moment: ReadMoment) -> SiteRow {
        let r = s.registration
        let stage = SiteTimeline.stage(of: steps, at: moment.asOf) ?? .planned
        let late = !stage.isBuilt && (r.plannedOnAir.map { moment.asOf.includes($0) } ?? false)
        var row = SiteRow(operator: r.site.operator.rawValue, siteCode: r.site.code, regionCode: r.regionCode, name: r.name,
                          lat: r.lat, lon: r.lon, kind: r.kind.rawValue, band: r.band, host: r.host.rawValue,
                          resourceId: r.resourceId, stage: stage.rawValue, registeredAt: steps[0].at.description,
                          plannedOnAir: r.plannedOnAir.map { ShanghaiCalendar.dateString($0) }, late: late)
        row.contractor = r.contractor
        return row
    }
}

extension SQLCampaignStore {
    /// The points a region's map draws (at most `limit`), with how many sites the region has then.
    public func mapPoints(region: String, limit: Int, at moment: ReadMoment) async throws -> (total: Int, points: [MapPoint]) {
        let dialect = self.dialect
        let fast: (Int, [MapPoint])? = try await read { db in
            // As known now and after every field time in the log: the stored stage is the stage, and
            // the points come straight from SQL (decoding 5,000 sites' states took 250 ms).
            guard moment.knownAt == nil,
                  let o = try await db.raw("SELECT MAX(occurred_at) AS o FROM events").first(), let last = try o.optionalInt("o"),
                  last < moment.asOf.before.seconds
            else { return nil }
            // China Tower's records stand under the operators' sites: the map draws the base stations.
            let total = Int(try await db.raw("SELECT COUNT(*) AS n FROM sites WHERE region_code = \(bind: region) AND operator <> 'tower'").first()!.int("n"))
            let field: (String) -> String = { name in
                dialect == .sqlite ? "json_extract(state, '$.registration.\(name)')" : "(state::jsonb #>> '{registration,\(name)}')::float8"
            }
            let rows = try await db.raw("""
                SELECT stage, \(unsafeRaw: field("lat")) AS lat, \(unsafeRaw: field("lon")) AS lon, \(unsafeRaw: field("plannedOnAir")) AS planned
                FROM sites WHERE region_code = \(bind: region) AND operator <> 'tower' ORDER BY operator, code LIMIT \(bind: Int64(limit))
                """).all()
            let points = try rows.map { r -> MapPoint in
                let stage = Stage(rawValue: try r.string("stage")) ?? .planned
                let planned = try r.decode(column: "planned", as: Double?.self).map { Instant(seconds: Int64($0)) }
                return MapPoint(lat: try r.decode(column: "lat", as: Double.self), lon: try r.decode(column: "lon", as: Double.self),
                                stage: stage.rawValue, late: !stage.isBuilt && (planned.map { moment.asOf.includes($0) } ?? false))
            }
            return (total, points)
        }
        if let fast { return fast }
        let page = try await sites(SiteQuery(region: region, perPage: limit, networkOnly: true), at: moment)
        return (page.total, page.sites.map { MapPoint(lat: $0.lat, lon: $0.lon, stage: $0.stage, late: $0.late) })
    }
}
