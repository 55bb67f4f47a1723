import ArgumentParser
import Foundation
import RolloutCore
import RolloutStorage

/// `rollout export`: the same numbers as the API, as CSV or JSON.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export regions, sites or events as CSV or JSON.")

    @OptionGroup var common: CommonOptions
    @Argument(help: "regions, sites or events") var kind: String
    @Option(name: .customLong("as-of"), help: "A date (end of that day, Asia/Shanghai) or an ISO-8601 instant.") var asOf: String?
    @Option(name: .customLong("known-at"), help: "Show what the platform knew at this moment.") var knownAt: String?
    @Option(help: "csv or json") var format = "csv"
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

    func run() async throws {
        try await common.run {
            guard ["csv", "json"].contains(format) else { throw RolloutError("bad_format", ["value": format]) }
            let store = try await common.openChecked()
            let service = CampaignService(store: store)
            let text: String
            do {
                switch kind {
                case "regions": text = try await regions(service)
                case "sites": text = try await sites(service)
                case "events": text = try await events(service)
                default: throw RolloutError("unknown_export_kind", ["value": kind])
                }
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
                common.say("written_to", ["value": output])
            } else {
                print(text, terminator: "")
            }
        }
    }

    private func json<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return String(decoding: try e.encode(value), as: UTF8.self) + "\n"
    }

    private func regions(_ service: CampaignService) async throws -> String {
        let rows = try await service.regions(asOf: asOf, knownAt: knownAt)
        if format == "json" { return try json(rows) }
        let header = ["rank", "region_code", "name", "name_en", "kind", "target", "due", "built", "built_at_start", "progress",
                      "completion", "sites", "open_obstacles", "pace_per_day", "expected_at_deadline"] + Stage.allCases.map(\.rawValue)
        let body = rows.sorted { $0.rank < $1.rank }.map { r -> [String] in
            ["\(r.rank)", r.regionCode, r.name, r.nameEn, r.kind, r.target.map(String.init) ?? "", r.due ?? "", "\(r.built)",
             "\(r.builtAtStart)", "\(r.progress)", r.completion.map { String($0) } ?? "", "\(r.sites)", "\(r.openObstacles)",
             String(r.forecast.pacePerDay), "\(r.forecast.expectedAtDeadline)"] + Stage.allCases.map { "\(r.stages[$0.rawValue] ?? 0)" }
        }
        return CSVTable.render(header: header, rows: body)
    }

    private func sites(_ service: CampaignService) async throws -> String {
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

    private func events(_ service: CampaignService) async throws -> String {
        let (_, moment) = try await service.moment(asOf: asOf, knownAt: knownAt)
        var rows: [[String]] = []
        var after: Int64 = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        while true {
            let batch = try await service.store.events(after: after, limit: 10_000)
            guard let last = batch.last else { break }
            after = last.seq
            for e in batch where moment.asOf.includes(e.event.occurredAt) && (moment.knownAt?.includes(e.event.recordedAt) ?? true) {
                rows.append(["\(e.seq)", e.event.body.kind, e.event.body.entity, e.event.occurredAt.description,
                             e.event.recordedAt.description, e.event.actor, String(decoding: try encoder.encode(e.event.body), as: UTF8.self)])
            }
        }
        if format == "json" {
            let objects = rows.map { r in ["seq": r[0], "kind": r[1], "entity": r[2], "occurred_at": r[3], "recorded_at": r[4], "actor": r[5], "payload": r[6]] }
            return try json(objects)
        }
        return CSVTable.render(header: ["seq", "kind", "entity", "occurred_at", "recorded_at", "actor", "payload"], rows: rows)
    }
}
