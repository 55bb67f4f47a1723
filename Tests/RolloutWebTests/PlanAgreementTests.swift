import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import RolloutCore
import RolloutTestSupport
import RolloutExport
import RolloutFiles
@testable import RolloutStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// The plan and its spend as the API, the export, the pages and the bulletin show them: the same
/// milestones, pro-rata numbers, densities and spend everywhere, and the spend equal to a naive
/// fold of the log.
@Suite struct PlanAgreementTests {
    static func json(_ buffer: ByteBuffer) throws -> Any { try JSONSerialization.jsonObject(with: Data(buffer: buffer)) }

    @Test func theAPITheExportThePagesAndTheBulletinAgreeOnThePlan() async throws {
        try await RolloutTestSupport.withApp { raw, service in
            let client = try await TestAccess.client(raw, service.store)
            let day = "2020-06-10"
            let summary = try #require(try await client.execute(uri: "/api/v1/summary?as_of=\(day)", method: .get) { try Self.json($0.body) } as? [String: Any])
            let regions = try #require(try await client.execute(uri: "/api/v1/regions?as_of=\(day)", method: .get) { try Self.json($0.body) } as? [[String: Any]])
            let spend = try #require(try await client.execute(uri: "/api/v1/investments?as_of=\(day)", method: .get) { try Self.json($0.body) } as? [String: Any])
            let milestones = try #require(summary["milestones"] as? [[String: Any]])
            #expect(milestones.map { $0["due"] as? String } == ["2020-06-30", "2022-12-31"])
            #expect(summary["due"] as? String == "2020-06-30")
            #expect(summary["target"] as? Int == milestones.first?["target"] as? Int)
            // The city's milestones are the sums of the regions'.
            for (i, m) in milestones.enumerated() {
                #expect(m["target"] as? Int == regions.reduce(0) { $0 + ((($1["milestones"] as? [[String: Any]]) ?? [])[i]["target"] as? Int ?? 0) })
            }
            // The spend: the last record of each region, operator and year in the log.
            var last: [String: InvestmentFigure] = [:]
            let cut = try ReadMoment.validated(asOf: day, knownAt: nil, campaign: try await service.campaign().campaign, now: try await service.campaign().now(service.clock))
            for e in try await service.store.events(kinds: Investments.kinds).sorted(by: { $0.seq < $1.seq }) where cut.asOf.includes(e.event.occurredAt) {
                if case .investmentReported(let f) = e.event.body { last[f.entity] = f }
            }
            let city = try #require(spend["city"] as? [String: Any])
            #expect((city["planned_cny"] as? NSNumber)?.int64Value == last.values.compactMap(\.plannedCNY).reduce(0, +))
            #expect(!last.isEmpty)
            // The export has the API's numbers.
            let work = try PrivateTemporaryDirectory()
            defer { work.remove() }
            let url = work.url.appendingPathComponent("regions.csv")
            try await Exporter.write(.regions, format: .csv, service: service, asOf: day, knownAt: nil, to: url)
            var rows: [[String]] = []
            try TestCSV.parse(try Data(contentsOf: url)) { rows.append($0) }
            let header = rows.removeFirst()
            func column(_ name: String, _ row: [String]) -> String { row[header.firstIndex(of: name)!] }
            let spendByRegion = Dictionary(uniqueKeysWithValues: ((spend["regions"] as? [[String: Any]]) ?? []).map { ($0["key"] as! String, $0) })
            #expect(rows.count == regions.count)
            for row in rows {
                let r = try #require(regions.first { $0["region_code"] as? String == column("region_code", row) })
                #expect(column("due", row) == (r["due"] as? String ?? ""))
                #expect(column("planned_by_now", row) == (r["planned_by_now"] as? Int).map(String.init) ?? "")
                #expect(column("milestones", row) == ((r["milestones"] as? [[String: Any]]) ?? []).map { "\($0["due"]!):\($0["target"]!)" }.joined(separator: ";"))
                #expect(column("population", row) == (r["population"] as? Int).map(String.init) ?? "")
                let planned = (spendByRegion[column("region_code", row)]?["planned_cny"] as? NSNumber)?.int64Value
                #expect(column("planned_cny", row) == planned.map(String.init) ?? "")
            }
            // The overview and the plan page list the same milestones; the bulletin too, with the spend.
            for uri in ["/?as_of=\(day)&lang=en", "/plan?as_of=\(day)&lang=en"] {
                let html = try await client.execute(uri: uri, method: .get) { String(buffer: $0.body) }
                for m in milestones {
                    #expect(html.contains("<tr data-milestone=\"\(m["due"]!)\"") && html.contains("<td>\(m["target"]!)</td>"), "\(uri)")
                }
            }
            let bulletin = Bulletin.render(try await service.bulletinContent(day: day))
            for m in milestones { #expect(bulletin.contains("<td class=\"l\">\(m["due"]!)</td><td>\(m["target"]!)</td>")) }
            let billions = Double((city["planned_cny"] as? NSNumber)?.int64Value ?? 0) / 1e8
            #expect(bulletin.contains(String(format: "%.2f 亿元", billions)))
        }
    }
}
