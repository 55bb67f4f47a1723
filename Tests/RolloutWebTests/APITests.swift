import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import RolloutCore
import RolloutReference
import RolloutTestSupport
import RolloutExport
import RolloutFiles
import RolloutDemo
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

@Suite struct APITests {
    /// The shared demo on `backend`, served by the router, and a city office's client.
    func withApp(_ backend: Backend = .sqlite, _ body: @escaping @Sendable (any TestClientProtocol, CampaignService) async throws -> Void) async throws {
        try await RolloutTestSupport.withApp(backend) { client, service in try await body(try await TestAccess.client(client, service.store), service) }
    }

    static func json(_ buffer: ByteBuffer) throws -> Any { try JSONSerialization.jsonObject(with: Data(buffer: buffer)) }

    @Test(arguments: Backend.available)
    func summaryAnswersWithTheCampaignsNumbersAsOfADay(backend: Backend) async throws {
        try await withApp(backend) { client, service in
            try await client.execute(uri: "/api/v1/summary?as_of=2020-05-31", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body) as! [String: Any]
                for key in ["target", "built", "stages", "open_obstacles", "forecast", "progress", "as_of"] { #expect(body[key] != nil, "\(key)") }
                let expected = try await service.summary(asOf: "2020-05-31")
                #expect(body["built"] as? Int == expected.built)
                #expect(body["target"] as? Int == expected.target)
                #expect(body["as_of"] as? String == "2020-05-31T23:59:59+08:00")
                #expect((body["stages"] as? [String: Int])?.count == 9)
            }
        }
    }

    @Test(arguments: Backend.available)
    func regionsAgreeWithTheSummaryAndTheExport(backend: Backend) async throws {
        try await withApp(backend) { client, service in
            let summary = try await service.summary(asOf: "2020-06-10")
            try await client.execute(uri: "/api/v1/regions?as_of=2020-06-10", method: .get) { response in
                #expect(response.status == .ok)
                let rows = try Self.json(response.body) as! [[String: Any]]
                #expect(rows.count == 41)
                #expect(rows.reduce(0) { $0 + ($1["built"] as! Int) } == summary.built)
                #expect(rows.reduce(0) { $0 + ($1["target"] as? Int ?? 0) } == summary.target)
                #expect(Set(rows.map { $0["rank"] as! Int }) == Set(1...41))
                // The CSV export has the same numbers, row by row.
                let csv = try await Exporter.text(.regions, format: .csv, service: service, asOf: "2020-06-10", knownAt: nil)
                let lines = csv.split(separator: "\r\n").dropFirst()
                #expect(lines.count == 41)
                for line in lines {
                    let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    let row = rows.first { $0["region_code"] as? String == cells[1] }!
                    #expect(Int(cells[0]) == row["rank"] as? Int)
                    #expect(Int(cells[7]) == row["built"] as? Int)
                    #expect(Int(cells[9]) == row["progress"] as? Int)
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func sitesArePagedFilteredAndAgreeWithTheSummary(backend: Backend) async throws {
        try await withApp(backend) { client, service in
            let summary = try await service.summary(asOf: "2020-05-01")
            // The list holds China Tower's records too; the summary counts the operators' sites.
            func towers(_ stage: String) async throws -> Int {
                try await client.execute(uri: "/api/v1/sites?as_of=2020-05-01&operator=tower\(stage)&per_page=1", method: .get) { response in
                    (try Self.json(response.body) as! [String: Any])["total"] as? Int ?? -1
                }
            }
            let allTowers = try await towers(""), onAirTowers = try await towers("&stage=on_air")
            #expect(allTowers > 0)
            try await client.execute(uri: "/api/v1/sites?as_of=2020-05-01&per_page=5", method: .get) { response in
                let body = try Self.json(response.body) as! [String: Any]
                #expect(body["total"] as? Int == summary.sites + allTowers)
                #expect((body["sites"] as? [[String: Any]])?.count == 5)
            }
            try await client.execute(uri: "/api/v1/sites?as_of=2020-05-01&stage=on_air&per_page=1", method: .get) { response in
                let body = try Self.json(response.body) as! [String: Any]
                #expect(body["total"] as? Int == summary.stages["on_air"]! + onAirTowers)
            }
            let page = try await service.sites(SiteQuery(region: "500101", operator: .cmcc, perPage: 1), asOf: "2020-05-01")
            let site = try #require(page.sites.first)
            #expect(site.regionCode == "500101" && site.operator == "cmcc")
            try await client.execute(uri: "/api/v1/sites/cmcc/\(site.siteCode)?as_of=2020-05-01", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body) as! [String: Any]
                let timeline = body["timeline"] as! [[String: Any]]
                #expect(timeline.last?["stage"] as? String == site.stage)
                #expect((body["events"] as! [[String: Any]]).allSatisfy { $0["recorded_at"] != nil && $0["occurred_at"] != nil })
            }
        }
    }

    @Test(arguments: Backend.available)
    func knownAtShowsWhatThePlatformKnewThen(backend: Backend) async throws {
        try await withApp(backend) { _, service in
            let now = try await service.summary(asOf: "2020-05-31")
            let then = try await service.summary(asOf: "2020-05-31", knownAt: "2020-05-31")
            #expect(then.built <= now.built)
            #expect(then.knownAt == "2020-05-31T23:59:59+08:00")
        }
    }

    @Test(arguments: [
        ("/api/v1/summary?as_of=31%20May", 400, "bad_as_of"),
        ("/api/v1/summary?as_of=2019-01-01", 400, "as_of_before_campaign"),
        ("/api/v1/summary?as_of=2031-01-01", 400, "as_of_in_future"),
        ("/api/v1/regions?known_at=%3Cscript%3E", 400, "bad_known_at"),
        ("/api/v1/sites?region=999999", 400, "unknown_region"),
        ("/api/v1/sites?operator=att", 400, "unknown_operator"),
        ("/api/v1/sites?page=0", 400, "bad_page"),
        ("/api/v1/sites/cmcc/NO-SUCH-SITE", 404, "unknown_site"),
        ("/api/v1/nothing", 404, "not_found"),
    ])
    func badInputGetsACodeAndAMessageInTheUsersLanguage(uri: String, status: Int, code: String) async throws {
        try await withApp { client, _ in
            for (header, expectChinese) in [(nil, true), ("en-US,en;q=0.9", false)] as [(String?, Bool)] {
                var headers = HTTPFields()
                if let header { headers[.acceptLanguage] = header }
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status.code == status, "\(uri)")
                    let body = try Self.json(response.body) as! [String: [String: String]]
                    #expect(body["error"]?["code"] == code)
                    let message = body["error"]?["message"] ?? ""
                    let cjk = message.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }
                    // Chinese by default; in English the sentence is English (it may quote Chinese names).
                    if expectChinese { #expect(cjk, "\(message)") } else { #expect(message.unicodeScalars.first!.isASCII, "\(message)") }
                    #expect(!message.contains("Swift") && !message.contains(".swift"))
                }
            }
        }
    }

    @Test func theOverviewPageRendersInBothLanguagesAndEscapes() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/?as_of=2020-06-01", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("重庆市2020年5G网络建设攻坚"))
                #expect(html.contains("<html lang=\"zh-CN\">"))
                #expect(html.contains("渝中区"))
            }
            try await client.execute(uri: "/?as_of=2020-06-01&lang=en", method: .get) { response in
                #expect(String(buffer: response.body).contains("Yuzhong District"))
            }
            try await client.execute(uri: "/?as_of=%3Cscript%3Ealert(1)%3C/script%3E", method: .get) { response in
                #expect(response.status == .badRequest)
                let html = String(buffer: response.body)
                #expect(!html.contains("<script>alert(1)"))
                #expect(html.contains("&lt;script&gt;"))
            }
        }
    }

    @Test func healthz() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
        }
    }

    @Test func readyzSaysWhetherTheDatabaseAnswers() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ready"}"#)
            }
        }
        // A database that stopped answering (closed under the server): 503 with a clear error, nothing more.
        let directory = try PrivateTemporaryDirectory()
        let store = try await SQLCampaignStore.open(.sqlite(path: directory.url.appendingPathComponent("gone.sqlite").path))
        _ = try await store.migrate(now: Instant(Date()))
        try await store.close()
        let app = Application(router: buildRouter(service: CampaignService(store: store, clock: .system)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get, headers: [.acceptLanguage: "en"]) { response in
                #expect(response.status == .serviceUnavailable)
                let body = String(buffer: response.body)
                #expect(body.contains("database_not_ready") && body.contains("not ready"), "\(body)")
            }
            try await client.execute(uri: "/healthz", method: .get) { response in #expect(response.status == .ok) }
        }
    }
}

@Suite struct ImportAPITests {
    @Test func anImportThroughTheAPIAnswersLikeTheCommandLine() async throws {
        let service = try await DemoFixture.shared.service()
        let app = Application(router: buildRouter(service: service))
        let csv = "site_code,operator,stage,occurred_at\nNO-SUCH,cmcc,on_air,2020-05-01\nX,att,on_air,2020-05-01\n"
        try await app.test(.router) { client in
            let client = try await TestAccess.client(client, service.store)
            try await client.execute(uri: "/api/v1/imports/progress?dry_run=true", method: .post,
                                     headers: [.acceptLanguage: "en"], body: ByteBuffer(string: csv)) { response in
                #expect(response.status == .unprocessableContent)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
                #expect(body["committed"] as? Bool == false && body["dry_run"] as? Bool == true && body["rows"] as? Int == 2)
                let errors = body["errors"] as! [[String: Any]]
                #expect(errors.map { $0["code"] as! String } == ["unknown_site", "bad_operator"])
                #expect(errors.map { $0["row"] as! Int } == [2, 3])
                #expect((errors[0]["message"] as! String).hasPrefix("the operator has no site"))
                #expect(Set(body.keys) == ["kind", "committed", "dry_run", "rows", "applied", "unchanged", "errors"])
            }
            try await client.execute(uri: "/api/v1/imports/nonsense", method: .post, body: ByteBuffer(string: csv)) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    /// An absent value is null and its key is always there: a campaign without targets answers
    /// `"target": null` for every region, and every object of a list has the same keys.
    @Test func absentValuesAreNullWithTheirKeyAlwaysThere() async throws {
        try await Backend.sqlite.withStore { store, _ in
            let now = ShanghaiCalendar.parseInstant("2020-06-15T12:00:00+08:00")!
            try await store.createCampaign(Campaign(name: "无目标", start: ShanghaiCalendar.parseInstant("2020-01-01")!, deadline: now),
                                           clock: now, regions: try Chongqing.regions(), outlines: [:], now: now)
            let service = CampaignService(store: store, clock: .system)
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            try await app.test(.router) { base in
                let client = try await TestAccess.client(base, store)
                try await client.execute(uri: "/api/v1/regions", method: .get) { r in
                    let rows = try #require(try APITests.json(r.body) as? [[String: Any]])
                    #expect(rows.count == 41)
                    for row in rows {
                        #expect(row.keys.contains("target") && row["target"] is NSNull, "\(row["region_code"] ?? "")")
                        #expect(row["due"] is NSNull && row["completion"] is NSNull)
                    }
                    #expect(Set(rows.map { Set($0.keys) }).count == 1, "every region has the same keys")
                }
                try await client.execute(uri: "/api/v1/summary", method: .get) { r in
                    let summary = try #require(try APITests.json(r.body) as? [String: Any])
                    let forecast = try #require(summary["forecast"] as? [String: Any])
                    for key in ["expected_low", "expected_high", "expected_completion_date", "probability_by_deadline"] {
                        #expect(forecast.keys.contains(key), "forecast.\(key)")
                    }
                }
            }
        }
    }
}
