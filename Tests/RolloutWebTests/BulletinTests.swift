import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutAccess
import RolloutCore
import RolloutExport
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// The weekly bulletin: issued once, its bytes identical on every later read whatever is imported
/// since, its numbers the dashboard's, the API's and the export's for the same moment.
@Suite struct BulletinTests {
    /// (rank, target, progress) by region code, from rows of a table marked with `data-region`.
    static func rows(_ html: String, link: Bool) -> [String: [String]] {
        let name = link ? #"<td class="l"><a [^>]*>[^<]*</a></td>"# : #"<td class="l">[^<]*</td>"#
        let pattern = #"data-region="(\d+)"><td>(\d+)</td>"# + name + #"<td>([0-9—]+)</td><td>(\d+)</td>"#
        let regex = try! NSRegularExpression(pattern: pattern)
        var out: [String: [String]] = [:]
        for m in regex.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let g = (1...4).map { String(html[Range(m.range(at: $0), in: html)!]) }
            out[g[0]] = [g[1], g[2], g[3]]
        }
        return out
    }

    @Test(arguments: Backend.available)
    func aBulletinIsIssuedOnceAndReadTheSameAfterLaterImports(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let clock = try await service.campaign().now(service.clock)
            let day = ShanghaiCalendar.dateString(clock.adding(days: -2))
            let site = try #require(try await service.sites(SiteQuery(stage: .installed, perPage: 1), asOf: day).sites.first)
            try await app.test(.router) { client in
                let office = try await TestAccess.client(client, service.store, role: .cityOffice)
                let leader = try await TestAccess.client(client, service.store, role: .leader)
                // Who may issue, and which cut-offs.
                try await leader.execute(uri: "/api/v1/bulletins?as_of=\(day)", method: .post) { #expect($0.status == .forbidden) }
                try await office.execute(uri: "/api/v1/bulletins?as_of=2999-01-01", method: .post) { r in
                    #expect(r.status == .badRequest && String(buffer: r.body).contains("as_of_in_future"))
                }
                try await office.execute(uri: "/api/v1/bulletins?as_of=\(day)T12:00:00%2B08:00", method: .post) { r in
                    #expect(r.status == .badRequest && String(buffer: r.body).contains("bulletin_needs_day"))
                }
                let info = try await office.execute(uri: "/api/v1/bulletins?as_of=\(day)", method: .post) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                    return try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any]
                }
                let id = try #require(info["id"] as? Int)
                let sha = try #require(info["sha256"] as? String)
                try await office.execute(uri: "/api/v1/bulletins?as_of=\(day)", method: .post) { r in
                    #expect(r.status == .conflict && String(buffer: r.body).contains("bulletin_exists"))
                }
                func read() async throws -> (html: String, csv: String) {
                    let html = try await leader.execute(uri: "/api/v1/bulletins/\(id)", method: .get) { r in
                        #expect(r.status == .ok && r.headers[.contentType]?.hasPrefix("text/html") == true)
                        #expect(r.headers[.init("X-Content-SHA256")!] == sha)
                        #expect(r.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                        return String(buffer: r.body)
                    }
                    let csv = try await leader.execute(uri: "/api/v1/bulletins/\(id)/csv", method: .get) { String(buffer: $0.body) }
                    return (html, csv)
                }
                let first = try await read()
                #expect(AccountService.sha256(first.html) == sha)
                #expect(first.html.contains("<svg") && first.html.contains("@page{size:A4") && !first.html.contains("<script"))
                // Later imports, including a late report dated inside the bulletin's period.
                let shownBefore = try await service.summary(asOf: day).progress
                let knownBefore = try await service.summary(asOf: day, knownAt: day).progress
                let csv = "site_code,operator,stage,occurred_at\r\n\(site.siteCode),\(site.operator),on_air,\(ShanghaiCalendar.dateString(clock.adding(days: -3)))\r\n"
                try await office.execute(uri: "/api/v1/imports/progress", method: .post, body: ByteBuffer(string: csv)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                }
                let after = try await read()
                #expect(after.html == first.html && after.csv == first.csv)
                // The dashboard as of the cut-off (without known_at) now shows the late report; the bulletin does not.
                #expect(try await service.summary(asOf: day).progress == shownBefore + 1)
                #expect(try await service.summary(asOf: day, knownAt: day).progress == knownBefore)
                // Rendered again for the same cut-off, as known then: the same bytes (nothing in it depends on when it is made).
                let model = try await service.bulletinContent(day: day)
                #expect(Bulletin.render(model) == first.html)
                // The list, and the log's event.
                let list = try await leader.execute(uri: "/bulletins", method: .get) { String(buffer: $0.body) }
                #expect(list.contains("id=\"bulletins\"") && !list.contains("id=\"bulletin-form\""), "only the city office has the button")
                let log = try await service.store.events(after: 0, limit: 10_000_000).filter { $0.event.body.kind == "bulletin.issued" }
                #expect(log.count == 1 && log[0].event.actor == office.account)
            }
        }
    }

    @Test(arguments: Backend.available)
    func itsNumbersAreTheDashboardsTheAPIsAndTheExportsForTheSameMoment(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let day = ShanghaiCalendar.dateString(try await service.campaign().now(service.clock).adding(days: -1))
            try await app.test(.router) { client in
                let office = try await TestAccess.client(client, service.store, role: .cityOffice)
                let id = try await office.execute(uri: "/api/v1/bulletins?as_of=\(day)", method: .post) { r in
                    (try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [String: Any])["id"] as! Int
                }
                let html = try await office.execute(uri: "/api/v1/bulletins/\(id)", method: .get) { String(buffer: $0.body) }
                let csv = try await office.execute(uri: "/api/v1/bulletins/\(id)/csv", method: .get) { String(buffer: $0.body) }
                // 1. The bulletin's own table and its CSV.
                let inBulletin = Self.rows(html, link: false)
                var inCSV: [String: [String]] = [:]
                for line in csv.split(separator: "\r\n").dropFirst() where line.hasPrefix("region,") {
                    let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    inCSV[f[1]] = [f[6], f[3].isEmpty ? "—" : f[3], f[4]]
                }
                // 2. The API.
                let api = try await office.execute(uri: "/api/v1/regions?as_of=\(day)&known_at=\(day)", method: .get) { r in
                    try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as! [[String: Any]]
                }
                var inAPI: [String: [String]] = [:]
                for r in api { inAPI[r["region_code"] as! String] = ["\(r["rank"]!)", (r["target"] as? Int).map(String.init) ?? "—", "\(r["progress"]!)"] }
                // 3. The export (`rollout export regions --as-of D --known-at D`).
                let exported = try await Exporter.text(.regions, format: .csv, service: service, asOf: day, knownAt: day)
                var inExport: [String: [String]] = [:]
                for line in exported.split(separator: "\r\n").dropFirst() {
                    let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    inExport[f[1]] = [f[0], f[5].isEmpty ? "—" : f[5], f[9]]
                }
                // 4. The dashboard.
                let page = try await office.execute(uri: "/?as_of=\(day)&known_at=\(day)", method: .get) { String(buffer: $0.body) }
                let onPage = Self.rows(page, link: true)
                #expect(inBulletin.count == 41)
                #expect(inBulletin == inCSV)
                #expect(inBulletin == inAPI)
                #expect(inBulletin == inExport)
                #expect(inBulletin == onPage)
                let summary = try await service.summary(asOf: day, knownAt: day)
                #expect(csv.contains("total,,\(summary.campaign),\(summary.target),\(summary.progress),"))
                #expect(page.contains("data-live=\"progress\">\(summary.progress)<"))
            }
        }
    }

    @Test(arguments: Backend.available)
    func storedBulletinsCannotBeChangedInTheDatabase(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await store.createCampaign(Campaign(name: "c", start: Instant(seconds: 0), deadline: Instant(seconds: 86_400 * 100)), clock: nil,
                                           regions: [Region(code: "500103", nameZh: "渝中区", nameEn: "Yuzhong", kind: .district)], outlines: [:],
                                           now: Instant(seconds: 0))
            let info = try await store.issueBulletin(cutoff: Instant(seconds: 86_400), html: "<p>x</p>", csv: "a\r\n", sha256: "s", csvSha256: "c",
                                                     actor: "office", via: nil, now: Instant(seconds: 90_000))
            await #expect(throws: (any Error).self) { try await store.write { db in try await db.raw("UPDATE bulletins SET html = 'y'").run() } }
            await #expect(throws: (any Error).self) { try await store.write { db in try await db.raw("DELETE FROM bulletins").run() } }
            #expect(try await store.bulletin(id: info.id)?.html == "<p>x</p>")
        }
    }
}
