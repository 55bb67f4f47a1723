import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutDemo
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// Safety through the server, on both engines: the API's tallies against a plain count of the
/// log's findings at several moments, the loop of a finding through the API by the right accounts
/// only, stop-work refusing progress in an import, and the page.
@Suite struct SafetyWebTests {
    static func json(_ r: TestResponse) throws -> Any { try JSONSerialization.jsonObject(with: Data(buffer: r.body)) }

    /// The plain count: each finding's status at `t` from its own events, in log order.
    static func naive(_ events: [LoggedEvent], at t: Instant)
        -> (findings: [String: (region: String, major: Bool, status: String, deadline: Instant, stopped: Bool, escalated: Bool)], regions: [String: Int]) {
        var out: [String: (region: String, major: Bool, status: String, deadline: Instant, stopped: Bool, escalated: Bool)] = [:]
        for e in events.sorted(by: { $0.seq < $1.seq }) where e.event.occurredAt <= t {
            switch e.event.body {
            case .findingRecorded(let f):
                out[f.ref] = (f.regionCode, f.severity == .major, "open", f.deadline, f.severity == .major && f.site != nil, false)
            case .findingStep(let ref, .rectified): out[ref]?.status = "rectified"
            case .findingStep(let ref, .accepted): out[ref]?.status = "closed"; out[ref]?.stopped = false
            case .findingStep(let ref, .reopened(_, let deadline)):
                out[ref]?.status = "open"; out[ref]?.deadline = deadline; out[ref]?.escalated = false
                if out[ref]?.major == true { out[ref]?.stopped = true }
            case .findingStep(let ref, .escalated(let deadline)): if out[ref]?.deadline == deadline { out[ref]?.escalated = true }
            default: break
            }
        }
        var regions: [String: Int] = [:]
        for f in out.values { regions[f.region, default: 0] += 1 }
        return (out, regions)
    }

    @Test(arguments: Backend.available)
    func theTalliesAreThePlainCountsAndTheLoopGoesByTheRules(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.05) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let events = try await service.store.events(kinds: Safety.kinds)
            #expect(events.count > 20, "the demo has inspections")
            #expect(events.contains { $0.event.body.kind == "safety.escalated" }, "and fixes so late the platform escalated them")
            try await app.test(.router) { client in
                let leader = try await TestAccess.client(client, service.store, role: .leader)
                for day in ["2020-04-30", "2020-05-31", "2020-06-15"] {
                    let t = ShanghaiCalendar.start(of: ShanghaiCalendar.parseDay(day)! + 1).adding(seconds: -1)
                    let got = try #require(try await leader.execute(uri: "/api/v1/safety?as_of=\(day)", method: .get) { try Self.json($0) } as? [String: Any])
                    let n = Self.naive(events, at: t)
                    let city = got["city"] as! [String: Any]
                    #expect(city["findings"] as? Int == n.findings.count, "\(day)")
                    #expect(city["major"] as? Int == n.findings.values.filter(\.major).count, "\(day)")
                    #expect(city["unresolved"] as? Int == n.findings.values.filter { $0.status != "closed" }.count, "\(day)")
                    #expect(city["overdue"] as? Int == n.findings.values.filter { $0.status == "open" && $0.deadline < t }.count, "\(day)")
                    #expect(city["stopped_sites"] as? Int == n.findings.values.filter(\.stopped).count, "\(day)")
                    #expect(city["escalated"] as? Int == n.findings.values.filter { $0.status == "open" && $0.deadline < t && $0.escalated }.count, "\(day)")
                    for r in got["regions"] as! [[String: Any]] {
                        let code = r["region_code"] as! String
                        #expect(r["findings"] as? Int == n.regions[code] ?? 0, "\(code) \(day)")
                        let sites = r["sites"] as! Int
                        let per100 = r["per_100_sites"] as? Double
                        #expect(sites == 0 ? per100 == nil : abs((per100 ?? -1) - 100 * Double(n.regions[code] ?? 0) / Double(sites)) < 0.0001, "\(code) per 100 \(day)")
                    }
                    #expect((got["findings"] as? [Any])?.count == n.findings.count, "a leader reads the findings")
                    // The page's cards and each region's row say the same plain counts.
                    try await leader.execute(uri: "/safety?as_of=\(day)&lang=en", method: .get) { r in
                        let html = String(buffer: r.body)
                        func card(_ id: String) -> String? {
                            html.firstRange(of: "id=\"\(id)\"").flatMap { r in html[r.upperBound...].firstRange(of: "<b>").map { b in
                                String(html[b.upperBound...].prefix { $0 != "<" }) } }
                        }
                        #expect(card("card-findings") == "\(n.findings.count)" && card("card-unresolved") == "\(n.findings.values.filter { $0.status != "closed" }.count)", "\(day)")
                        #expect(card("card-overdue") == "\(n.findings.values.filter { $0.status == "open" && $0.deadline < t }.count)", "\(day)")
                        #expect(card("card-stopped") == "\(n.findings.values.filter(\.stopped).count)", "\(day)")
                        #expect(html.contains("\(n.findings.values.filter { $0.status == "open" && $0.deadline < t && $0.escalated }.count) escalated to the city"), "\(day)")
                        for (code, count) in n.regions {
                            let row = html.firstRange(of: "<tr data-region=\"\(code)\">").map { String(html[$0.upperBound...].prefix(600)) } ?? ""
                            #expect(row.contains("<td data-col=\"findings\">\(count)</td>"), "\(code) \(day)")
                            let major = n.findings.values.filter { $0.region == code && $0.major }.count
                            #expect(row.contains("<td data-col=\"major\">\(major)</td>"), "\(code) major \(day)")
                        }
                        // Every finding not closed is listed, and no other.
                        let listed = Set(html.components(separatedBy: "<tr data-ref=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) })
                        #expect(listed == Set(n.findings.filter { $0.value.status != "closed" }.keys), "\(day)")
                    }
                }
                // The bulletin's safety section says what the API says as of its cut-off, as known then.
                let office = try await TestAccess.client(client, service.store)
                try await office.execute(uri: "/api/v1/bulletins?as_of=2020-06-10", method: .post) { #expect($0.status == .ok) }
                let then = try #require(try await leader.execute(uri: "/api/v1/safety?as_of=2020-06-10&known_at=2020-06-10", method: .get) {
                    try Self.json($0) } as? [String: Any])["city"] as! [String: Any]
                let bulletins = try #require(try await leader.execute(uri: "/api/v1/bulletins", method: .get) { try Self.json($0) } as? [[String: Any]])
                try await leader.execute(uri: "/api/v1/bulletins/\(bulletins.first?["id"] as? Int ?? 0)", method: .get) { r in
                    let html = String(buffer: r.body)
                    let line = html.firstRange(of: "<p id=\"safety\">").map { String(html[$0.upperBound...].prefix(200)) } ?? ""
                    #expect(line.contains("共发现问题 \(then["findings"] as! Int) 个（重大 \(then["major"] as! Int) 个）"), "\(line)")
                    #expect(line.contains("停工站点 \(then["stopped_sites"] as! Int) 个"), "\(line)")
                    #expect(html.contains("十二、5G 应用与用户"))
                }
                let owner = try await TestAccess.client(client, service.store, role: .resourceOwner, owner: "某公司")
                let figuresOnly = try #require(try await owner.execute(uri: "/api/v1/safety", method: .get) { try Self.json($0) } as? [String: Any])
                #expect(figuresOnly["findings"] == nil && figuresOnly["city"] != nil)
            }
        }
    }

    @Test(arguments: Backend.available)
    func aMajorFindingStopsProgressUntilTheReinspectionAcceptsTheFix(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let site = try #require(try await service.sites(SiteQuery(stage: .designed, perPage: 1)).sites.first)
            let now = try await service.campaign().now(service.clock)
            let today = ShanghaiCalendar.dateString(now)
            try await app.test(.router) { client in
                let district = try await TestAccess.client(client, service.store, role: .district, region: site.regionCode)
                let other = try await TestAccess.client(client, service.store, role: .district, region: site.regionCode == "500101" ? "500102" : "500101")
                let owner = try await TestAccess.client(client, service.store, role: .operator, operator: Operator(rawValue: site.operator)!)
                let stranger = try await TestAccess.client(client, service.store, role: .operator, operator: site.operator == "ctcc" ? .cucc : .ctcc)
                let office = try await TestAccess.client(client, service.store)
                let record: [String: String] = ["inspection_ref": "T-1", "inspected_at": today, "site_code": site.siteCode, "operator": site.operator,
                                                "inspector": "区安监站", "category": "高处作业", "severity": "major", "finding": "未系安全带",
                                                "deadline": ShanghaiCalendar.dateString(now.adding(days: 5))]
                func body(_ d: [String: String]) throws -> ByteBuffer { ByteBuffer(data: try JSONSerialization.data(withJSONObject: d)) }
                // Bad input first: nothing written.
                for (change, code) in [(["category": "weather"], "unknown_safety_category"), (["severity": "fatal"], "unknown_severity"),
                                       (["deadline": "2020-01-02"], "deadline_before_inspection"), (["site_code": "NOPE"], "unknown_site"),
                                       (["contractor": "无名公司"], "unknown_contractor")] {
                    try await district.execute(uri: "/api/v1/safety/findings?lang=en", method: .post, body: try body(record.merging(change) { _, b in b })) { r in
                        let codes = ((try? Self.json(r) as? [String: Any])?["errors"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
                        #expect(r.status == .unprocessableContent && codes == [code], "\(code): \(String(buffer: r.body))")
                    }
                }
                try await other.execute(uri: "/api/v1/safety/findings", method: .post, body: try body(record)) { #expect($0.status == .unprocessableContent) }
                try await owner.execute(uri: "/api/v1/safety/findings", method: .post, body: try body(record)) { #expect($0.status == .forbidden) }
                #expect(try await service.store.events(kinds: Safety.kinds).filter { $0.event.actor == district.account }.isEmpty)
                try await district.execute(uri: "/api/v1/safety/findings", method: .post, body: try body(record)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                }
                let view = try await service.safety()
                let ref = try #require(view.safety.findings.values.first { $0.finding.inspectionRef == "T-1" }?.finding.ref)
                #expect(view.safety.stopWork(SiteKey(operator: Operator(rawValue: site.operator)!, code: site.siteCode), at: now) != nil)
                // Progress dated after the inspection is refused with stop_work; nothing is written.
                let progress = "site_code,operator,stage,occurred_at\n\(site.siteCode),\(site.operator),civil_done,\(ShanghaiCalendar.iso8601(now))\n"
                try await owner.execute(uri: "/api/v1/imports/progress?lang=en", method: .post, body: ByteBuffer(string: progress)) { r in
                    #expect(r.status == .unprocessableContent && String(buffer: r.body).contains("\"stop_work\""), "\(String(buffer: r.body))")
                }
                // The loop: only the responsible operator reports the fix; only the district (or the city) re-inspects.
                let step: (String, String) -> ByteBuffer = { s, note in ByteBuffer(string: #"{"step":"\#(s)","note":"\#(note)"}"#) }
                let path = Route.apiSafetyStep.path(ref)
                try await district.execute(uri: path, method: .post, body: step("accepted", "ok")) { #expect($0.status == .conflict, "no fix reported yet") }
                try await stranger.execute(uri: path, method: .post, body: step("rectified", "x")) { #expect($0.status == .forbidden) }
                try await owner.execute(uri: path, method: .post, body: step("rectified", "")) { #expect($0.status == .badRequest, "a note is required") }
                try await owner.execute(uri: path, method: .post, body: step("rectified", "已系好")) { #expect($0.status == .ok) }
                try await owner.execute(uri: path, method: .post, body: step("accepted", "ok")) { #expect($0.status == .forbidden) }
                try await other.execute(uri: path, method: .post, body: step("accepted", "ok")) { #expect($0.status == .forbidden) }
                try await office.execute(uri: path, method: .post, body: step("nope", "ok")) { #expect($0.status == .badRequest) }
                try await district.execute(uri: path, method: .post, body: step("accepted", "复查通过")) { #expect($0.status == .ok) }
                let after = try await service.safety()
                #expect(after.safety.findings[ref]?.status == .closed)
                // An inspector records a finding in any region and re-inspects it; it may not report the fix.
                let inspector = try await TestAccess.client(client, service.store, role: .inspector)
                try await inspector.execute(uri: "/api/v1/safety/findings", method: .post, body: try body(record.merging(["inspection_ref": "T-2", "severity": "general"]) { _, b in b })) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                }
                let second = try #require(try await service.safety().safety.findings.values.first { $0.finding.inspectionRef == "T-2" }?.finding.ref)
                let path2 = Route.apiSafetyStep.path(second)
                try await inspector.execute(uri: path2, method: .post, body: step("rectified", "x")) { #expect($0.status == .forbidden) }
                try await owner.execute(uri: path2, method: .post, body: step("rectified", "已整改")) { #expect($0.status == .ok) }
                try await inspector.execute(uri: path2, method: .post, body: step("reopened", "未改")) { #expect($0.status == .badRequest, "a reopening needs a deadline") }
                try await inspector.execute(uri: path2, method: .post, body: step("accepted", "复查通过")) { #expect($0.status == .ok) }
                try await inspector.execute(uri: "/api/v1/imports/progress", method: .post, body: ByteBuffer(string: progress)) { #expect($0.status == .forbidden) }
                // The page shows the tallies; the leader's list no longer holds the closed finding.
                try await district.execute(uri: "/safety?lang=en", method: .get) { r in
                    let html = String(buffer: r.body)
                    #expect(r.status == .ok && html.contains("id=\"safety-regions\"") && html.contains("id=\"finding-form\"") && !html.contains("data-ref=\"\(ref)\""))
                }
            }
        }
    }

    @Test func aContractorsPageListsItsSitesAndFindingsAsTheLogHasThem() async throws {
        try await withFreshDemo(.sqlite, fraction: 0.01) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let events = try await service.store.events(kinds: Safety.kinds)
            try await app.test(.router) { client in
                let leader = try await TestAccess.client(client, service.store, role: .leader)
                let sites = try #require(try await leader.execute(uri: "/api/v1/sites?per_page=1000", method: .get) { try Self.json($0) } as? [String: Any])
                let rows = sites["sites"] as! [[String: Any]]
                #expect(rows.count == sites["total"] as? Int, "one page holds them all")
                for name in DemoCampaign.contractors {
                    let mine = rows.filter { $0["contractor"] as? String == name && $0["operator"] as? String != "tower" }.count
                    let findings = events.filter { if case .findingRecorded(let f) = $0.event.body { f.contractor == name } else { false } }.count
                    try await leader.execute(uri: Route.contractor.path(name) + "?lang=en", method: .get) { r in
                        let html = String(buffer: r.body)
                        if mine == 0 && findings == 0 { #expect(r.status == .notFound); return }
                        #expect(r.status == .ok && html.contains("id=\"card-sites\"><span class=\"muted\">Sites</span><b>\(mine)</b>"), "\(name) sites")
                        #expect(html.components(separatedBy: "<tr data-ref=").count - 1 == findings, "\(name) findings")
                    }
                }
                // The bad record: more findings per site than any other contractor.
                let rates = DemoCampaign.contractors.map { name -> Double in
                    let n = rows.filter { $0["contractor"] as? String == name }.count
                    let f = events.filter { if case .findingRecorded(let x) = $0.event.body { x.contractor == name } else { false } }.count
                    return n > 0 ? Double(f) / Double(n) : 0
                }
                #expect(rates.last == rates.max(), "\(rates)")
                try await leader.execute(uri: "/contractors/nobody?lang=en", method: .get) { #expect($0.status == .notFound) }
                // A sites file names a contractor; the API and the site page show it.
                let office = try await TestAccess.client(client, service.store)
                let file = "site_code,operator,region_code,name,lat,lon,kind,contractor\nNEW-1,cmcc,500103,解放碑,29.557,106.577,macro,新施工公司\n"
                try await office.execute(uri: "/api/v1/imports/sites", method: .post, body: ByteBuffer(string: file)) { #expect($0.status == .ok, "\(String(buffer: $0.body))") }
                let site = try #require(try await leader.execute(uri: "/api/v1/sites/cmcc/NEW-1", method: .get) { try Self.json($0) } as? [String: Any])
                #expect((site["site"] as? [String: Any])?["contractor"] as? String == "新施工公司")
                try await leader.execute(uri: Route.contractor.path("新施工公司"), method: .get) { r in
                    #expect(r.status == .ok && String(buffer: r.body).contains("NEW-1"))
                }
                // The contractor changes: through the API by the site's operator, or a sites file naming another; the same file again changes nothing.
                let cmcc = try await TestAccess.client(client, service.store, role: .operator, operator: .cmcc)
                let ctcc = try await TestAccess.client(client, service.store, role: .operator, operator: .ctcc)
                let path = Route.apiSiteContractor.path("cmcc", "NEW-1")
                try await ctcc.execute(uri: path, method: .post, body: ByteBuffer(string: #"{"contractor":"别家"}"#)) { #expect($0.status == .forbidden) }
                try await cmcc.execute(uri: path, method: .post, body: ByteBuffer(string: #"{"contractor":" "}"#)) { #expect($0.status == .badRequest) }
                try await cmcc.execute(uri: Route.apiSiteContractor.path("cmcc", "NOPE"), method: .post, body: ByteBuffer(string: #"{"contractor":"x"}"#)) {
                    #expect($0.status == .notFound)
                }
                try await cmcc.execute(uri: path, method: .post, body: ByteBuffer(string: #"{"contractor":"后来的公司"}"#)) { #expect($0.status == .ok) }
                var named = try #require(try await leader.execute(uri: "/api/v1/sites/cmcc/NEW-1", method: .get) { try Self.json($0) } as? [String: Any])
                #expect((named["site"] as? [String: Any])?["contractor"] as? String == "后来的公司")
                try await office.execute(uri: "/api/v1/imports/sites", method: .post, body: ByteBuffer(string: file)) { r in
                    #expect(r.status == .ok && (try? Self.json(r) as? [String: Any])?["applied"] as? Int == 1, "\(String(buffer: r.body))")
                }
                named = try #require(try await leader.execute(uri: "/api/v1/sites/cmcc/NEW-1", method: .get) { try Self.json($0) } as? [String: Any])
                #expect((named["site"] as? [String: Any])?["contractor"] as? String == "新施工公司")
                try await office.execute(uri: "/api/v1/imports/sites", method: .post, body: ByteBuffer(string: file)) { r in
                    #expect((try? Self.json(r) as? [String: Any])?["unchanged"] as? Int == 1, "\(String(buffer: r.body))")
                }
            }
        }
    }
}
