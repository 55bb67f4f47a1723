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

/// Reconciliation with China Tower through the server, on both engines: the demo's mismatches at
/// several moments (as known then and now) against a plain computation from the log; resolving one
/// (who may, with what, and twice); the rate on the pages and in the bulletin.
@Suite struct ReconciliationWebTests {
    static func json(_ r: TestResponse) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]], "\(String(buffer: r.body))")
    }

    struct Naive {
        /// Each mismatch by kind, sites and values, with its status, age and district.
        var rows: Set<String> = []
        var paired = 0
        var agreeing = 0
        var open = 0
        /// Per district and per operator: paired, agreeing, open (an operator's: its sites' mismatches).
        var scopes: [String: (paired: Int, agreeing: Int, open: Int)] = [:]
    }

    /// The whole log, read in order.
    static func log(_ service: CampaignService) async throws -> [LoggedEvent] {
        var out: [LoggedEvent] = [], after: Int64 = 0
        while true {
            let page = try await service.store.events(after: after, limit: 10_000)
            guard let last = page.last else { return out }
            out += page; after = last.seq
        }
    }

    /// The plain way: every site's registration and stage changes known at the moment, folded; each
    /// operator site against every China Tower site; the rules as the issue words them.
    static func naive(_ log: [LoggedEvent], asOf: Cutoff, knownAt: Cutoff?) -> Naive {
        let known = log.map(\.event).filter { asOf.includes($0.occurredAt) && (knownAt?.includes($0.recordedAt) ?? true) }
        var registrations: [SiteKey: (SiteRegistration, Instant)] = [:], changes: [SiteKey: [StageChange]] = [:]
        var resolutions: [String: Reconciliation.Resolution] = [:]
        for (i, e) in known.enumerated() {
            switch e.body {
            case .siteRegistered(let r): registrations[r.site] = (r, e.occurredAt)
            case .stageReported(let s, let stage, _): changes[s, default: []].append(StageChange(.report, stage, at: e.occurredAt, seq: Int64(i)))
            case .stageRolledBack(let s, let stage, _): changes[s, default: []].append(StageChange(.rollback, stage, at: e.occurredAt, seq: Int64(i)))
            case .reconciliationResolved(let r): resolutions[r.entity] = r
            default: break
            }
        }
        struct Site { var r: SiteRegistration; var stage: Stage; var since: Instant; var registered: Instant }
        var sites: [SiteKey: Site] = [:]
        for (key, (r, at)) in registrations {
            let steps = SiteTimeline.fold(registeredAt: at, changes: changes[key] ?? [])
            let last = steps.last { asOf.includes($0.at) }!
            sites[key] = Site(r: r, stage: last.stage, since: last.at, registered: steps[0].at)
        }
        let towers = sites.values.filter { $0.r.site.operator == .tower }
        let onTower: Set<RolloutCore.Host> = [.newTower, .existingTower]
        let now = Instant(seconds: asOf.before.seconds - 1)
        var out = Naive(), pairedTowers: Set<SiteKey> = []
        var found: [(Reconciliation.MismatchKind, Site?, Site?, Instant, String?, String?)] = []
        func position(_ s: Site) -> String { String(format: "%.6f,%.6f", s.r.lat, s.r.lon) }
        for o in sites.values where o.r.site.operator != .tower {
            var tower: Site? = nil
            if let code = o.r.towerSiteCode, let t = sites[SiteKey(operator: .tower, code: code)], t.r.regionCode == o.r.regionCode { tower = t } else if onTower.contains(o.r.host) {
                let near = towers.filter { $0.r.regionCode == o.r.regionCode && ResourceMatching.distance(o.r.lat, o.r.lon, $0.r.lat, $0.r.lon) <= 50 }
                if near.count == 1 { tower = near[0] } else if near.isEmpty { found.append((.towerMissing, o, nil, o.registered, o.r.host.rawValue, nil)) }
            }
            guard let t = tower else { continue }
            pairedTowers.insert(t.r.site)
            out.paired += 1
            for s in [o.r.regionCode, o.r.site.operator.rawValue] { out.scopes[s, default: (0, 0, 0)].paired += 1 }
            var disagree = false
            func add(_ kind: Reconciliation.MismatchKind, _ since: Instant, _ ov: String, _ tv: String) { found.append((kind, o, t, since, ov, tv)) }
            if o.stage >= .installed && t.stage < .powerReady { add(.stagesConflict, max(o.since, t.since), o.stage.rawValue, t.stage.rawValue) }
            if t.stage >= .powerReady && o.stage < .installed && t.since.adding(days: 30) <= now {
                add(.stageGap, t.since.adding(days: 30), o.stage.rawValue, t.stage.rawValue)
            }
            if ResourceMatching.distance(o.r.lat, o.r.lon, t.r.lat, t.r.lon) > 100 { add(.apart, max(o.registered, t.registered), position(o), position(t)) }
            for f in found where f.1?.r.site == o.r.site && f.2 != nil {
                let entity = Reconciliation.entity(f.0, operatorSite: o.r.site, towerSite: t.r.site)
                if !(resolutions[entity].map { $0.operatorValue == f.4 && $0.towerValue == f.5 } ?? false) { disagree = true }
            }
            if !disagree {
                out.agreeing += 1
                for s in [o.r.regionCode, o.r.site.operator.rawValue] { out.scopes[s, default: (0, 0, 0)].agreeing += 1 }
            }
        }
        for t in towers where !pairedTowers.contains(t.r.site) { found.append((.operatorMissing, nil, t, t.registered, nil, t.stage.rawValue)) }
        for (kind, o, t, since, ov, tv) in found {
            let entity = Reconciliation.entity(kind, operatorSite: o?.r.site, towerSite: t?.r.site)
            let resolved = resolutions[entity].map { $0.operatorValue == ov && $0.towerValue == tv } ?? false
            if !resolved {
                out.open += 1
                for s in [(o ?? t)!.r.regionCode] + (o.map { [$0.r.site.operator.rawValue] } ?? []) { out.scopes[s, default: (0, 0, 0)].open += 1 }
            }
            let age = Int((now.seconds - since.seconds) / 86_400)
            out.rows.insert("\(kind.rawValue)|\(o?.r.site.code ?? "-")|\(t?.r.site.code ?? "-")|\(resolved ? "resolved" : "open")|\(age)|\((o ?? t)!.r.regionCode)|\(ov ?? "-")|\(tv ?? "-")")
        }
        return out
    }

    static func rows(_ json: [[String: Any]]) -> Set<String> {
        Set(json.map { r in
            ["kind", "site_code", "tower_site_code", "status"].map { r[$0] as? String ?? "-" }.joined(separator: "|")
                + "|\(r["age_days"] as? Int ?? -1)|\(r["region_code"] as? String ?? "")|\(r["operator_value"] as? String ?? "-")|\(r["tower_value"] as? String ?? "-")"
        })
    }

    @Test(arguments: Backend.available)
    func theMismatchesAtEveryMomentAreWhatTheLogSays(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.03) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let log = try await Self.log(service)
            try await app.test(.router) { client in
                let leader = try await TestAccess.client(client, service.store, role: .leader)
                var kinds: Set<String> = []
                for (asOf, knownAt) in [("2020-06-15", nil), ("2020-05-01", nil), ("2020-06-15", "2020-05-20"), ("2020-03-10", "2020-03-10")] as [(String, String?)] {
                    let uri = "/api/v1/reconciliation?as_of=\(asOf)" + (knownAt.map { "&known_at=\($0)" } ?? "")
                    let json = try await leader.execute(uri: uri, method: .get) { try Self.json($0) }
                    let expected = Self.naive(log, asOf: Cutoff.endOf(day: ShanghaiCalendar.parseDay(asOf)!),
                                              knownAt: knownAt.map { Cutoff.endOf(day: ShanghaiCalendar.parseDay($0)!) })
                    let got = Self.rows(json)
                    #expect(got == expected.rows, "\(uri): only API \(got.subtracting(expected.rows).prefix(3)), only log \(expected.rows.subtracting(got).prefix(3))")
                    kinds.formUnion(json.compactMap { $0["kind"] as? String })
                    // Oldest first.
                    let ages = json.map { $0["age_days"] as? Int ?? 0 }
                    #expect(ages == ages.sorted(by: >), "\(uri)")
                }
                // The demo has every kind, some resolved.
                #expect(kinds == Set(Reconciliation.MismatchKind.allCases.map(\.rawValue)), "\(kinds)")
                // As known now (the pairing kept for the log's version, records made as asked) equals
                // as known at an instant after every fact (each moment's records, paired afresh), for
                // the city, a district and an operator, at dates across the campaign.
                let after = Cutoff(before: Instant(seconds: Int64(4_000_000_000)))
                let someRegion = try #require(log.lazy.compactMap { e -> String? in
                    if case .siteRegistered(let r) = e.event.body, r.site.operator == .tower { return r.regionCode } else { return nil } }.first)
                for day in ["2020-02-01", "2020-04-10", "2020-05-20", "2020-06-30", "2020-09-15"] {
                    let cut = Cutoff.endOf(day: ShanghaiCalendar.parseDay(day)!)
                    for (region, op) in [(nil, nil), (someRegion, nil), (nil, Operator.cmcc), (nil, .tower), (someRegion, .cucc)] as [(String?, Operator?)] {
                        let kept = try await service.reconciliation(at: ReadMoment(asOf: cut), region: region, operator: op)
                        let fresh = try await service.reconciliation(at: ReadMoment(asOf: cut, knownAt: after), region: region, operator: op)
                        let label = "\(day) \(region ?? "-") \(op?.rawValue ?? "-")"
                        #expect(kept.entries == fresh.entries && kept.pairs == fresh.pairs && kept.ambiguous == fresh.ambiguous, "\(label)")
                        #expect(kept.city == fresh.city && kept.byRegion == fresh.byRegion && kept.byOperator == fresh.byOperator, "\(label)")
                    }
                }
                let resolved = try await leader.execute(uri: "/api/v1/reconciliation?status=resolved", method: .get) { try Self.json($0) }
                #expect(!resolved.isEmpty && resolved.allSatisfy { ($0["resolution"] as? [String: Any])?["by"] as? String == "city_office" })
                // Filters narrow the same list.
                let all = try await leader.execute(uri: "/api/v1/reconciliation", method: .get) { try Self.json($0) }
                let apart = try await leader.execute(uri: "/api/v1/reconciliation?kind=apart&status=open", method: .get) { try Self.json($0) }
                #expect(apart.count == all.filter { $0["kind"] as? String == "apart" && $0["status"] as? String == "open" }.count)
                let region = try #require(all.first?["region_code"] as? String)
                let inRegion = try await leader.execute(uri: "/api/v1/reconciliation?region=\(region)", method: .get) { try Self.json($0) }
                #expect(inRegion.count == all.filter { $0["region_code"] as? String == region }.count && !inRegion.isEmpty)
                for bad in ["kind=late", "status=closed", "operator=xyz", "as_of=2021-13-01"] {
                    try await leader.execute(uri: "/api/v1/reconciliation?\(bad)", method: .get, headers: [.acceptLanguage: "zh-CN"]) { r in
                        #expect(r.status == .badRequest, "\(bad)")
                    }
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func resolvingAMismatchAndTheRateOnPagesAndInTheBulletin(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.03) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            try await app.test(.router) { client in
                let office = try await TestAccess.client(client, service.store, role: .cityOffice)
                let all = try await office.execute(uri: "/api/v1/reconciliation?status=open&kind=stages_conflict", method: .get) { try Self.json($0) }
                let target = try #require(all.first)
                let region = try #require(target["region_code"] as? String)
                let other = try await service.regionList().first { $0.code != region }!.code
                func literal(_ s: String) -> String { var o = ""; JSONStringLiteral.write(s, into: &o); return o }
                let body = { (note: String) in
                    ByteBuffer(string: """
                    {"kind":"stages_conflict","operator":"\(target["operator"] as! String)","site_code":"\(target["site_code"] as! String)",\
                    "tower_site_code":"\(target["tower_site_code"] as! String)","right":"tower","note":\(literal(note))}
                    """)
                }
                let events = try await service.store.eventCount()
                let leader = try await TestAccess.client(client, service.store, role: .leader)
                try await leader.execute(uri: "/api/v1/reconciliation/resolutions", method: .post, body: body("x")) { #expect($0.status == .forbidden) }
                let stranger = try await TestAccess.client(client, service.store, role: .district, region: other)
                try await stranger.execute(uri: "/api/v1/reconciliation/resolutions", method: .post, body: body("x")) { r in
                    #expect(r.status == .forbidden, "\(String(buffer: r.body))")
                }
                try await office.execute(uri: "/api/v1/reconciliation/resolutions", method: .post, headers: [.acceptLanguage: "zh-CN"], body: body("  ")) { r in
                    #expect(r.status == .badRequest && String(buffer: r.body).contains("说明"), "\(String(buffer: r.body))")
                }
                try await office.execute(uri: "/api/v1/reconciliation/resolutions", method: .post,
                                         body: ByteBuffer(string: #"{"kind":"apart","operator":"cmcc","site_code":"NOPE","tower_site_code":"T","right":"tower","note":"n"}"#)) {
                    #expect($0.status == .notFound)
                }
                #expect(try await service.store.eventCount() == events)
                let district = try await TestAccess.client(client, service.store, role: .district, region: region)
                let hostile = "<script>alert(1)</script> 铁塔已补报电力引入"
                try await district.execute(uri: "/api/v1/reconciliation/resolutions", method: .post, body: body(hostile)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                    #expect(String(buffer: r.body).contains("\"status\":\"resolved\""))
                }
                try await office.execute(uri: "/api/v1/reconciliation/resolutions", method: .post, body: body("again")) { #expect($0.status == .conflict) }
                #expect(try await service.store.eventCount() == events + 1)
                // The rate on the overview, the district's page and in the bulletin: the plain count.
                let log = try await Self.log(service)
                let now = try await service.campaign().now(service.clock)
                let expected = Self.naive(log, asOf: .including(now), knownAt: nil)
                let line = "（\(expected.agreeing)/\(expected.paired)）"
                for uri in ["/", "/regions/\(region)", "/operators/\(target["operator"] as! String)", "/reconciliation?region=\(region)&status=all"] {
                    let page = try await office.execute(uri: uri, method: .get) { r in
                        #expect(r.status == .ok, "\(uri)")
                        return String(buffer: r.body)
                    }
                    #expect(!page.contains("<script>alert(1)</script>"), "\(uri)")
                    if uri == "/" { #expect(page.contains(line) && page.contains("待处理差异：\(expected.open)"), "\(page.components(separatedBy: "id=\"reconciliation\"").last!.prefix(300))") }
                    // A district's and an operator's line, read from their own records, are the city's count restricted to them.
                    let scope = uri.hasPrefix("/regions/") ? region : uri.hasPrefix("/operators/") ? target["operator"] as! String : nil
                    if let scope {
                        let x = try #require(expected.scopes[scope], "\(scope)")
                        let mine = page.components(separatedBy: "id=\"reconciliation\"").dropFirst().first?.prefix(400) ?? ""
                        #expect(mine.contains("（\(x.agreeing)/\(x.paired)）") && mine.contains("待处理差异：\(x.open)"), "\(uri): \(x) \(mine)")
                    }
                    if uri.hasPrefix("/reconciliation") { #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;")) }
                }
                let day = ShanghaiCalendar.dateString(now)
                let issued = try await Bulletin.issue(day: day, service: service, by: Principal(account: "office", role: .cityOffice))
                let html = try #require(try await service.bulletin(id: issued.id)).html
                let atCutoff = Self.naive(log, asOf: Cutoff.endOf(day: ShanghaiCalendar.parseDay(day)!), knownAt: Cutoff.endOf(day: ShanghaiCalendar.parseDay(day)!))
                #expect(html.contains("已配对 \(atCutoff.paired) 个站址") && html.contains("待处理差异 \(atCutoff.open) 条"), "\(html.suffix(800))")
                // Thresholds: the office only, within range; a wider gap closes gaps.
                try await district.execute(uri: "/api/v1/reconciliation/thresholds", method: .post,
                                           body: ByteBuffer(string: #"{"pair_metres":50,"gap_days":60,"apart_metres":100}"#)) { #expect($0.status == .forbidden) }
                for bad in [#"{"pair_metres":0,"gap_days":30,"apart_metres":100}"#, #"{"pair_metres":50,"gap_days":-3,"apart_metres":100}"#, "{"] {
                    try await office.execute(uri: "/api/v1/reconciliation/thresholds", method: .post, body: ByteBuffer(string: bad)) { #expect($0.status == .badRequest, "\(bad)") }
                }
                let gaps = try await office.execute(uri: "/api/v1/reconciliation?kind=stage_gap", method: .get) { try Self.json($0) }.count
                try await office.execute(uri: "/api/v1/reconciliation/thresholds", method: .post,
                                         body: ByteBuffer(string: #"{"pair_metres":50,"gap_days":365,"apart_metres":100}"#)) { #expect($0.status == .ok) }
                let fewer = try await office.execute(uri: "/api/v1/reconciliation?kind=stage_gap", method: .get) { try Self.json($0) }.count
                #expect(fewer < gaps || gaps == 0)
                // Two China Tower sites 22 m apart and an operator's site between them naming neither: ambiguous, listed
                // with both; named, it pairs.
                let csv = """
                    site_code,operator,region_code,name,lat,lon,kind,host,tower_site_code
                    AMB-T1,tower,500101,铁塔甲,30.8110,108.3770,macro,new_tower,
                    AMB-T2,tower,500101,铁塔乙,30.8112,108.3770,macro,new_tower,
                    AMB-S1,cmcc,500101,移动站,30.8111,108.3770,macro,new_tower,
                    AMB-S2,ctcc,500101,电信站,30.8111,108.3770,macro,new_tower,AMB-T2
                    """
                try await office.execute(uri: "/api/v1/imports/sites", method: .post, body: ByteBuffer(string: csv)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                }
                let page = try await office.execute(uri: "/reconciliation?region=500101", method: .get) { String(buffer: $0.body) }
                let table = page.components(separatedBy: "id=\"ambiguous\"").last ?? ""
                #expect(page.contains("id=\"ambiguous\"") && table.contains("AMB-S1") && table.contains("AMB-T1") && table.contains("AMB-T2"))
                // The named site is paired, not ambiguous.
                #expect(!(table.components(separatedBy: "</table>").first ?? "").contains("AMB-S2"))
                // Each site's page says what it is paired with.
                func sitePage(_ path: String) async throws -> String {
                    let html = try await office.execute(uri: path, method: .get) { String(buffer: $0.body) }
                    return html.components(separatedBy: "铁塔对账</th>").dropFirst().first?.components(separatedBy: "</tr>").first ?? ""
                }
                let s1 = try await sitePage("/sites/cmcc/AMB-S1"), s2 = try await sitePage("/sites/ctcc/AMB-S2"), t2 = try await sitePage("/sites/tower/AMB-T2")
                #expect(s1.contains("无法唯一配对") && s1.contains("AMB-T1") && s1.contains("AMB-T2"), "\(s1)")
                #expect(s2.contains("AMB-T2") && s2.contains("运营商指明，相距 11 米"), "\(s2)")
                #expect(t2.contains("AMB-S2") && !t2.contains("AMB-S1"), "\(t2)")
                let towerOnly = try await office.execute(uri: "/api/v1/reconciliation?region=500101&kind=operator_missing", method: .get) { try Self.json($0) }
                #expect(towerOnly.contains { $0["tower_site_code"] as? String == "AMB-T1" } && !towerOnly.contains { $0["tower_site_code"] as? String == "AMB-T2" })
            }
        }
    }
}
