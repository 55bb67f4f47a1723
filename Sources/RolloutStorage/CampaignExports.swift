import Foundation
import RolloutCore

/// The exports of `rollout export`: the same numbers as the API for the same moment, as CSV or JSON.
public enum CampaignExports {
    /// The kinds that can be exported.
    public static let kinds = ["regions", "sites", "events"]

    /// Renders an export.
    public static func render(_ kind: String, format: String, service: CampaignService, asOf: String?, knownAt: String?) async throws -> String {
        guard ["csv", "json"].contains(format) else { throw RolloutError("bad_format", ["value": format]) }
        switch kind {
        case "regions": return try regions(try await service.regions(asOf: asOf, knownAt: knownAt), format: format)
        case "sites": return try await sites(service, format: format, asOf: asOf, knownAt: knownAt)
        case "events": return try await events(service, format: format, asOf: asOf, knownAt: knownAt)
        default: throw RolloutError("unknown_export_kind", ["value": kind])
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return String(decoding: try e.encode(value), as: UTF8.self) + "\n"
    }

    /// The regions table, ranked.
    public static func regions(_ rows: [RegionFigures], format: String) throws -> String {
        if format == "json" { return try json(rows) }
        let header = ["rank", "region_code", "name", "name_en", "kind", "target", "due", "built", "built_at_start", "progress",
                      "completion", "sites", "open_obstacles", "pace_per_day", "expected_at_deadline"] + Stage.allCases.map(\.rawValue)
            + ["shared", "sharing_rate"]
        let body = rows.sorted { $0.rank < $1.rank }.map { r -> [String] in
            ["\(r.rank)", r.regionCode, r.name, r.nameEn, r.kind, r.target.map(String.init) ?? "", r.due ?? "", "\(r.built)",
             "\(r.builtAtStart)", "\(r.progress)", r.completion.map { String($0) } ?? "", "\(r.sites)", "\(r.openObstacles)",
             String(r.forecast.pacePerDay), "\(r.forecast.expectedAtDeadline)"] + Stage.allCases.map { "\(r.stages[$0.rawValue] ?? 0)" }
                + ["\(r.shared)", r.sharingRate.map { String($0) } ?? ""]
        }
        return CSVTable.render(header: header, rows: body)
    }

    static func sites(_ service: CampaignService, format: String, asOf: String?, knownAt: String?) async throws -> String {
        var all: [SiteRow] = []
        var page = 1
        while true {
            let p = try await service.sites(SiteQuery(page: page, perPage: 1000), asOf: asOf, knownAt: knownAt)
            all += p.sites
            if p.sites.count < 1000 { break }
            page += 1
        }
        if format == "json" { return try json(all) }
        let header = ["operator", "site_code", "region_code", "name", "lat", "lon", "kind", "band", "host", "resource_id", "stage",
                      "registered_at", "planned_on_air", "late"]
        return CSVTable.render(header: header, rows: all.map { s in
            [s.operator, s.siteCode, s.regionCode, s.name, String(s.lat), String(s.lon), s.kind, s.band ?? "", s.host,
             s.resourceId ?? "", s.stage, s.registeredAt, s.plannedOnAir ?? "", s.late ? "true" : "false"]
        })
    }

    static func events(_ service: CampaignService, format: String, asOf: String?, knownAt: String?) async throws -> String {
        let (_, moment) = try await service.moment(asOf: asOf, knownAt: knownAt)
        var rows: [[String]] = []
        var after: Int64 = 0
        let encoder = EventRow.encoder()
        while true {
            let batch = try await service.store.events(after: after, limit: 10_000)
            guard let last = batch.last else { break }
            after = last.seq
            for e in batch where moment.asOf.includes(e.event.occurredAt) && (moment.knownAt?.includes(e.event.recordedAt) ?? true) {
                rows.append(["\(e.seq)", e.event.body.kind, e.event.body.entity, e.event.occurredAt.description,
                             e.event.recordedAt.description, e.event.actor, e.event.via ?? "", String(decoding: try encoder.encode(e.event.body), as: UTF8.self)])
            }
        }
        let header = ["seq", "kind", "entity", "occurred_at", "recorded_at", "actor", "via", "payload"]
        if format == "json" { return try json(rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }) }
        return CSVTable.render(header: header, rows: rows)
    }
}
