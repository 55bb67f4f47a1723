import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutReference
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// Adoption through the server, on both engines: the API's and the export's numbers against a
/// plain computation from the log at several moments (and as known before a correction), the page
/// and the district page showing them, and who may record a project.
@Suite struct AdoptionWebTests {
    static func json(_ r: TestResponse) throws -> Any { try JSONSerialization.jsonObject(with: Data(buffer: r.body)) }

    static func close(_ a: Any?, _ b: Double?, _ label: String) {
        let x = a as? Double ?? (a as? Int).map(Double.init)
        #expect((x == nil) == (b == nil) && abs((x ?? 0) - (b ?? 0)) < 0.0001, "\(label): \(String(describing: a)) against \(String(describing: b))")
    }

    /// Holds the API's answer to the plain computation.
    static func check(_ got: [String: Any], _ n: NaiveAdoption, populations: [String: Int], region: String? = nil, label: String) {
        let month = n.latestMonth
        let city = got["city"] as! [String: Any]
        #expect(city["month"] as? String == month, "month \(label)")
        close(city["subscribers_5g"], n.subscribers(month).map(Double.init), "city subscribers \(label)")
        close(city["traffic_tb"], n.traffic(month).map { ($0 * 10_000).rounded() / 10_000 }, "city traffic \(label)")
        close(city["growth"], n.growth(region: nil).map { ($0 * 10_000).rounded() / 10_000 }, "city growth \(label)")
        var counted = 0, people = 0
        for (code, p) in populations { if let s = n.subscribers(month, region: code) { counted += s; people += p } }
        close(city["penetration_pct"], people > 0 ? (100 * Double(counted) / Double(people) * 10_000).rounded() / 10_000 : nil, "city penetration \(label)")
        close(city["target"], n.targets.isEmpty ? nil : Double(n.targets.values.map(\.0).reduce(0, +)), "city target \(label)")
        #expect(city["applications"] as? Int == n.projects.count && city["in_operation"] as? Int == n.projects.values.filter { $0.status == "in_operation" }.count,
                "city projects \(label)")
        for line in got["regions"] as! [[String: Any]] {
            let code = line["region_code"] as! String
            close(line["subscribers_5g"], n.subscribers(month, region: code).map(Double.init), "\(code) subscribers \(label)")
            close(line["subscribers_before"], month.flatMap { n.subscribers(NaiveAdoption.threeBefore($0), region: code) }.map(Double.init), "\(code) before \(label)")
            close(line["growth"], n.growth(region: code).map { ($0 * 10_000).rounded() / 10_000 }, "\(code) growth \(label)")
            close(line["target"], n.targets[code].map { Double($0.0) }, "\(code) target \(label)")
            close(line["penetration_pct"], populations[code].flatMap { p in n.subscribers(month, region: code).map { (100 * Double($0) / Double(p) * 10_000).rounded() / 10_000 } },
                  "\(code) penetration \(label)")
            #expect(line["in_operation"] as? Int == n.inOperation(region: code), "\(code) in operation \(label)")
            #expect(line["applications"] as? Int == n.projects.values.filter { $0.region == code }.count, "\(code) projects \(label)")
        }
        for d in got["applications_by_domain"] as! [[String: Any]] {
            let domain = d["domain"] as! String
            for (status, count) in d["by_status"] as! [String: Int] {
                #expect(count == n.projects.values.filter { $0.domain == domain && $0.status == status && (region == nil || $0.region == region) }.count,
                        "\(domain) \(status) \(label)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func theNumbersAreThePlainComputationsFromTheLogAtEveryMoment(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let populations = Dictionary(uniqueKeysWithValues: try Chongqing.regions().compactMap { r in r.population.map { (r.code, $0) } })
            let events = try await service.store.events(kinds: Adoption.kinds)
            try await app.test(.router) { client in
                let owner = try await TestAccess.client(client, service.store, role: .resourceOwner, owner: "某公司")
                for day in ["2020-03-15", "2020-04-20", "2020-05-31", "2020-06-15"] {
                    let end = ShanghaiCalendar.start(of: ShanghaiCalendar.parseDay(day)! + 1).adding(seconds: -1)
                    let got = try #require(try await owner.execute(uri: "/api/v1/adoption?as_of=\(day)", method: .get) { try Self.json($0) } as? [String: Any])
                    Self.check(got, NaiveAdoption(events, asOf: end), populations: populations, label: day)
                }
                // The demo's published figure: 675,000 users in April 2020.
                let june = try #require(try await owner.execute(uri: "/api/v1/adoption?as_of=2020-06-15", method: .get) { try Self.json($0) } as? [String: Any])
                let april = try #require((june["months"] as? [[String: Any]])?.first { $0["month"] as? String == "2020-04" })
                #expect(april["subscribers_5g"] as? Int == 675_000)
                // As known on 2 April, Yuzhong's March is the first report; the correction of 3 April changes it.
                let n = NaiveAdoption(events, asOf: ShanghaiCalendar.parseInstant("2020-04-02T23:59:59+08:00")!,
                                      knownAt: ShanghaiCalendar.parseInstant("2020-04-02T23:59:59+08:00")!)
                let known = try #require(try await owner.execute(uri: "/api/v1/adoption?as_of=2020-04-02&known_at=2020-04-02&region=500103", method: .get) {
                    try Self.json($0) } as? [String: Any])
                Self.check(known, n, populations: populations, region: "500103", label: "known 2 April")
                let now = try #require(try await owner.execute(uri: "/api/v1/adoption?as_of=2020-04-02&region=500103", method: .get) { try Self.json($0) } as? [String: Any])
                let before = ((known["regions"] as! [[String: Any]])[0]["subscribers_5g"] as! Int), after = ((now["regions"] as! [[String: Any]])[0]["subscribers_5g"] as! Int)
                #expect(after > before, "the correction raised Yuzhong's March")
                // The export says what the API says.
                let csv = try await Exporter.text(.adoption, format: .csv, service: service, asOf: "2020-05-31", knownAt: nil)
                let lines = csv.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
                let api = try #require(try await owner.execute(uri: "/api/v1/adoption?as_of=2020-05-31", method: .get) { try Self.json($0) } as? [String: Any])
                for row in lines.dropFirst() where !row[0].isEmpty {
                    let line = try #require((api["regions"] as! [[String: Any]]).first { $0["region_code"] as? String == row[0] })
                    #expect(Int(row[3]) == line["subscribers_5g"] as? Int && Int(row[12]) == line["in_operation"] as? Int, "export \(row[0])")
                }
                #expect(lines.last?[1] == "全市" && Int(lines.last?[3] ?? "") == (api["city"] as! [String: Any])["subscribers_5g"] as? Int)
                // The page shows the city's figure; the district page its own.
                try await owner.execute(uri: "/adoption?lang=en&as_of=2020-05-31", method: .get) { r in
                    let html = String(buffer: r.body)
                    let city = (api["city"] as! [String: Any])["subscribers_5g"] as! Int
                    #expect(r.status == .ok && html.contains(MonthlyChart.grouped(city)) && html.contains("id=\"subscribers-chart\""))
                    #expect(html.components(separatedBy: "<tr data-region=").count - 1 == (api["regions"] as! [Any]).count)
                }
                let yuzhong = try #require((api["regions"] as! [[String: Any]]).first { $0["region_code"] as? String == "500103" })
                try await owner.execute(uri: "/regions/500103?as_of=2020-05-31", method: .get) { r in
                    let html = String(buffer: r.body)
                    #expect(r.status == .ok && html.contains("id=\"adoption-cards\"") && html.contains(MonthlyChart.grouped(yuzhong["subscribers_5g"] as! Int)))
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func projectsAreRecordedByThoseWhoKeepThemAndBadInputIsRefused(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            try await app.test(.router) { client in
                let district = try await TestAccess.client(client, service.store, role: .district, region: "500103")
                let cmcc = try await TestAccess.client(client, service.store, role: .operator, operator: .cmcc)
                let leader = try await TestAccess.client(client, service.store, role: .leader)
                let form: (String) -> ByteBuffer = { ByteBuffer(string: $0) }
                let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                let good = "project_ref=YZ-1&name=%E6%99%BA%E6%85%A7%E8%AF%BE%E5%A0%82&domain=education&region_code=500103&operator=&lead_org=school&status=building&investment_cny=2000000&demonstration=1&status_date=2020-06-01&lang=en"
                try await district.execute(uri: "/adoption", method: .post, headers: headers, body: form(good)) { r in
                    #expect(r.status == .seeOther && r.headers[.location]?.hasSuffix("done=1") == true, "\(String(buffer: r.body))")
                }
                try await district.execute(uri: "/adoption?region=500103&lang=en", method: .get) { r in
                    let html = String(buffer: r.body)
                    #expect(html.contains("data-ref=\"YZ-1\"") && html.contains("智慧课堂") && html.contains("id=\"application-form\""))
                }
                // Another region's project: refused on the page, in the user's language; nothing written.
                let count = try await service.store.eventCount()
                try await district.execute(uri: "/adoption?lang=en", method: .post, headers: headers, body: form(good.replacingOccurrences(of: "500103", with: "500101"))) { r in
                    #expect(r.status == .forbidden && String(buffer: r.body).contains("may not record project"))
                }
                #expect(try await service.store.eventCount() == count)
                // The API: an operator records one it carries; a leader may not record; bad fields get their codes.
                let body = #"{"project_ref":"CM-1","name":"车联网","domain":"车联网","region_code":"500101","operator":"cmcc","lead_org":"x","status":"proposed"}"#
                try await cmcc.execute(uri: "/api/v1/applications", method: .post, body: ByteBuffer(string: body)) { r in
                    let answer = try Self.json(r) as? [String: Bool]
                    #expect(r.status == .ok && answer?["changed"] == true)
                }
                try await cmcc.execute(uri: "/api/v1/applications", method: .post, body: ByteBuffer(string: body)) { r in
                    let answer = try Self.json(r) as? [String: Bool]
                    #expect(answer?["changed"] == false, "the same record again changes nothing")
                }
                try await leader.execute(uri: "/api/v1/applications", method: .post, body: ByteBuffer(string: body)) { #expect($0.status == .forbidden) }
                for (old, new, code) in [("\"domain\":\"车联网\"", "\"domain\":\"space\"", "unknown_domain"), ("\"status\":\"proposed\"", "\"status\":\"done\"", "unknown_status"),
                                    ("\"operator\":\"cmcc\"", "\"operator\":\"att\"", "unknown_operator"), ("\"region_code\":\"500101\"", "\"region_code\":\"999999\"", "unknown_region"),
                                    ("\"name\":\"车联网\"", "\"name\":\"\"", "application_bad_name"),
                                    ("\"status\":\"proposed\"", "\"status\":\"proposed\",\"status_date\":\"2030-01-01\"", "application_date_in_future"),
                                    ("\"status\":\"proposed\"", "\"status\":\"proposed\",\"investment_cny\":\"-5\"", "application_bad_investment")] {
                    try await cmcc.execute(uri: "/api/v1/applications?lang=en", method: .post, body: ByteBuffer(string: body.replacingOccurrences(of: old, with: new))) { r in
                        let e = (try? Self.json(r) as? [String: Any])?["error"] as? [String: Any]
                        #expect(r.status == .badRequest && e?["code"] as? String == code, "\(code): \(String(buffer: r.body))")
                    }
                }
                let projects = try #require(try await leader.execute(uri: "/api/v1/applications?region=500101", method: .get) { try Self.json($0) } as? [[String: Any]])
                #expect(projects.contains { $0["project_ref"] as? String == "CM-1" && $0["operator"] as? String == "cmcc" })
            }
        }
    }
}
