import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutDemo
import RolloutPhotos
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// Evidence through the API, on both engines: the office switches it on; an operator's photo of
/// an opening is read, checked against the site and kept (served by another instance on the same
/// database); bad photos and the wrong accounts get a clear error and store nothing; the counts
/// are a plain fold of the log; a verifier's rejection rolls the site back.
@Suite struct EvidenceWebTests {
    /// A demo day before the demo's own evidence rule (11 May 2020): the tests switch evidence on themselves.
    static let beforeEvidence = ShanghaiCalendar.dayNumber(year: 2020, month: 5, day: 8)!

    static func json(_ r: TestResponse) -> [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(buffer: r.body))) as? [String: Any]) ?? [:] }

    static func photo(at site: (lat: Double, lon: Double)?, taken: Instant?, tint: Int = 0) throws -> [UInt8] {
        let jpeg = try JPEGCodec.encode((0..<(64 * 48 * 3)).map { UInt8(($0 * 7 + tint) & 0xFF) }, width: 64, height: 48, components: 3)
        return ExifWriter(taken: taken.map(ExifWriter.cameraTime), offset: "+08:00", latitude: site?.lat, longitude: site?.lon, make: "T\(tint)").write(into: jpeg)
    }

    @Test(arguments: Backend.available)
    func aPhotoIsCheckedKeptServedAndCountedAndARejectionRollsTheSiteBack(backend: Backend) async throws {
        try await backend.withStore { store, url in
            let demo = try DemoInstaller.chongqing(seed: 2020, scale: 1, clockDay: EvidenceWebTests.beforeEvidence, fraction: 0.002)
            _ = try await DemoInstaller.install(demo, into: store, now: Instant(Date()))
            let service = CampaignService(store: store, clock: .system)
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let now = try await service.campaign().now(service.clock)
            var installed: [SiteRow] = []
            for stage in Stage.allCases where !stage.isBuilt { installed += try await service.sites(SiteQuery(operator: .cmcc, stage: stage, perPage: 3)).sites }
            try #require(installed.count >= 3)
            let (a, b, waiting) = (installed[0], installed[1], installed[2])
            try await app.test(.router) { client in
                let office = try await TestAccess.client(client, store)
                let cmcc = try await TestAccess.client(client, store, role: .operator, operator: .cmcc)
                let ctcc = try await TestAccess.client(client, store, role: .operator, operator: .ctcc)
                let verifier = try await TestAccess.client(client, store, role: .verifier)
                let otherDistrict = try await TestAccess.client(client, store, role: .district, region: a.regionCode == "500101" ? "500102" : "500101")
                // Before evidence is ever on, nothing is counted as verified (null, not 0).
                let unmeasured = Self.json(try await office.execute(uri: "/api/v1/summary", method: .get) { $0 })
                #expect(unmeasured["verified"] is NSNull, "\(unmeasured["verified"] ?? "missing")")
                // Evidence on from now; a rule out of bounds is refused by the office, any rule by others.
                try await office.execute(uri: "/api/v1/evidence/rule?lang=en", method: .post, body: ByteBuffer(string: #"{"spot_check_rate":0.9}"#)) {
                    #expect($0.status == .badRequest && String(buffer: $0.body).contains("bad_evidence_rule"))
                }
                try await cmcc.execute(uri: "/api/v1/evidence/rule", method: .post, body: ByteBuffer(string: "{}")) { #expect($0.status == .forbidden) }
                try await office.execute(uri: "/api/v1/evidence/rule", method: .post, body: ByteBuffer(string: #"{"required":true}"#)) { #expect($0.status == .ok) }
                // Sites a and b go on air; the waiting one does not.
                let on = ShanghaiCalendar.iso8601(now.adding(seconds: -3600))
                let progress = "site_code,operator,stage,occurred_at\n\(a.siteCode),cmcc,on_air,\(on)\n\(b.siteCode),cmcc,on_air,\(on)\n"
                try await cmcc.execute(uri: "/api/v1/imports/progress", method: .post, body: ByteBuffer(string: progress)) { #expect($0.status == .ok) }
                func send(_ client: SignedInClient, _ site: String, _ bytes: [UInt8], type: String = "image/jpeg", stage: String = "on_air") async throws -> TestResponse {
                    try await client.execute(uri: Route.apiSiteEvidence.path("cmcc", site) + "?stage=\(stage)&lang=en", method: .post,
                                             headers: [.contentType: type], body: ByteBuffer(bytes: bytes)) { $0 }
                }
                let good = try Self.photo(at: (a.lat, a.lon), taken: now.adding(seconds: -1800))
                let before = try await store.events(kinds: ["evidence.attached"]).count
                // Bad input: nothing stored.
                for (who, site, bytes, type, stage, status, code) in [
                    (cmcc, a.siteCode, Array("not a photo".utf8), "image/jpeg", "on_air", HTTPResponse.Status.badRequest, "photo_not_jpeg"),
                    (cmcc, a.siteCode, good, "text/plain", "on_air", .badRequest, "photo_not_jpeg"),
                    (cmcc, a.siteCode, Array(good.prefix(good.count / 2)), "image/jpeg", "on_air", .badRequest, "photo_truncated"),
                    (cmcc, a.siteCode, good, "image/jpeg", "designed", .badRequest, "bad_evidence_stage"),
                    (cmcc, a.siteCode, good, "image/jpeg", "accepted", .conflict, "evidence_stage_not_reached"),
                    (cmcc, waiting.siteCode, good, "image/jpeg", "on_air", .conflict, "evidence_stage_not_reached"),
                    (cmcc, "NOPE", good, "image/jpeg", "on_air", .notFound, "unknown_site"),
                    (ctcc, a.siteCode, good, "image/jpeg", "on_air", .forbidden, "site_not_yours"),
                    (verifier, a.siteCode, good, "image/jpeg", "on_air", .forbidden, "forbidden"),
                ] {
                    let r = try await send(who, site, bytes, type: type, stage: stage)
                    #expect(r.status == status && String(buffer: r.body).contains("\"\(code)\""), "\(code): \(r.status) \(String(buffer: r.body))")
                }
                let huge = [UInt8](repeating: 0xFF, count: Limits.standard.photoBytes + 1)
                #expect(try await send(cmcc, a.siteCode, huge).status == .contentTooLarge)
                #expect(try await store.events(kinds: ["evidence.attached"]).count == before)
                // The good photo: 201 with its checks (none failed), kept with its preview.
                let r = try await send(cmcc, a.siteCode, good)
                let answer = Self.json(r)
                #expect(r.status == .created && (answer["checks"] as? [String]) == [], "\(String(buffer: r.body))")
                #expect((answer["distance_m"] as? Double ?? 99) < 1 && answer["taken_at"] as? String == ShanghaiCalendar.iso8601(now.adding(seconds: -1800)))
                let sha = try #require(answer["sha256"] as? String)
                #expect(try await send(cmcc, a.siteCode, good).status == .conflict, "the same photo again")
                // The same bytes for b: reused, and taken far from b; a photo of b without GPS.
                let reused = Self.json(try await send(cmcc, b.siteCode, good))["checks"] as? [String] ?? []
                #expect(reused.contains("reused"))
                let blind = Self.json(try await send(cmcc, b.siteCode, try Self.photo(at: nil, taken: nil, tint: 9)))["checks"] as? [String]
                #expect(blind == ["gps_missing", "time_missing"])
                // Served by this instance and by another on the same database; the preview is a smaller JPEG.
                try await cmcc.execute(uri: Route.apiEvidenceBlob.path(sha), method: .get) { #expect(Array(buffer: $0.body) == good) }
                let second = try await SQLCampaignStore.open(url)
                let elsewhere = try await second.blob(sha256: sha)
                let previewSha = try #require(answer["preview_sha256"] as? String)
                let preview = try await second.blob(sha256: previewSha)
                try await second.close()
                #expect(elsewhere?.bytes == good && preview.map { (try? Photo.read($0.bytes))?.layout.width } == 64)
                try await cmcc.execute(uri: Route.apiEvidenceBlob.path(String(repeating: "a", count: 64)), method: .get) { #expect($0.status == .notFound) }
                // The counts: a accepted, b in the queue, the rest before evidence.
                let v = Self.json(try await office.execute(uri: "/api/v1/verification", method: .get) { $0 })
                let city = v["city"] as? [String: Int] ?? [:]
                #expect(city["accepted"] == 1 && city["in_queue"] == 1 && city["verified_count"] == 1 && city["awaiting_evidence"] == 0, "\(city)")
                let queue = v["queue"] as? [[String: Any]] ?? []
                #expect(queue.map { $0["site_code"] as? String } == [b.siteCode] && (queue.first?["photos"] as? [Any])?.count == 2)
                // The queue's page: b with its two previews and what they failed; the buttons for those who decide.
                try await verifier.execute(uri: "/verification?lang=en", method: .get) { r in
                    let html = String(buffer: r.body)
                    let row = html.firstRange(of: "<tr data-site=\"cmcc/\(b.siteCode)\">").map { String(html[$0.lowerBound...].prefix(6000)) } ?? ""
                    #expect(r.status == .ok && row.components(separatedBy: "<img src=\"/api/v1/evidence/").count == 3, "\(row.prefix(300))")
                    #expect(row.contains("the same photo is evidence of another site") && row.contains("the photo has no GPS position"))
                    #expect(row.contains("value=\"rejected\"") && !html.contains("data-site=\"cmcc/\(a.siteCode)\""))
                    #expect(html.contains("id=\"card-accepted\"><span class=\"muted\">accepted</span><b>1</b>"))
                }
                try await cmcc.execute(uri: "/verification?lang=en", method: .get) { r in
                    #expect(r.status == .ok && !String(buffer: r.body).contains("value=\"rejected\""), "an operator sees the queue, not the buttons")
                }
                // Decisions: never the operator, not another district, a rejection with its reason, once.
                let path = Route.apiSiteVerification.path("cmcc", b.siteCode)
                try await cmcc.execute(uri: path, method: .post, body: ByteBuffer(string: #"{"decision":"verified"}"#)) { #expect($0.status == .forbidden) }
                try await otherDistrict.execute(uri: path, method: .post, body: ByteBuffer(string: #"{"decision":"verified"}"#)) { #expect($0.status == .forbidden) }
                try await verifier.execute(uri: path, method: .post, body: ByteBuffer(string: #"{"decision":"rejected"}"#)) { #expect($0.status == .badRequest) }
                try await verifier.execute(uri: Route.apiSiteVerification.path("cmcc", a.siteCode), method: .post,
                                           body: ByteBuffer(string: #"{"decision":"verified"}"#)) { #expect($0.status == .conflict, "a is accepted, not queued") }
                // The page's form: a rejection without a reason is shown again with the error; with one it is done.
                let form: (String) -> ByteBuffer = { ByteBuffer(string: "action=rejected&operator=cmcc&site_code=\(b.siteCode)&reason=\($0)&lang=en") }
                try await verifier.execute(uri: "/verification?lang=en", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: form("")) {
                    #expect($0.status == .badRequest && String(buffer: $0.body).contains("a rejection needs its reason"))
                }
                try await verifier.execute(uri: "/verification", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                           body: form("%E7%85%A7%E7%89%87%E4%B8%8D%E6%98%AF%E6%9C%AC%E7%AB%99")) {
                    #expect($0.status == .seeOther)
                }
                try await verifier.execute(uri: path, method: .post, body: ByteBuffer(string: #"{"decision":"verified"}"#)) { #expect($0.status == .conflict) }
                let site = Self.json(try await office.execute(uri: "/api/v1/sites/cmcc/\(b.siteCode)", method: .get) { $0 })["site"] as? [String: Any]
                #expect(site?["stage"] as? String == "installed")
                // The site pages say it: b rejected with its reason (until a new report), a accepted with its photo.
                try await cmcc.execute(uri: "/sites/cmcc/\(b.siteCode)?lang=en", method: .get) { r in
                    let html = String(buffer: r.body)
                    #expect(html.contains("data-state=\"rejected\">rejected：照片不是本站") && html.contains("核验未通过：照片不是本站"))
                }
                try await cmcc.execute(uri: "/operators/cmcc?lang=en", method: .get) { r in
                    let html = String(buffer: r.body)
                    let table = html.firstRange(of: "id=\"rejected-openings\"").map { String(html[$0.lowerBound...].prefix(3000)) } ?? ""
                    #expect(table.contains("<tr data-site=\"\(b.siteCode)\">") && table.contains("照片不是本站") && !table.contains("data-site=\"\(a.siteCode)\""))
                }
                try await cmcc.execute(uri: "/sites/cmcc/\(a.siteCode)?lang=en", method: .get) { r in
                    let html = String(buffer: r.body)
                    #expect(html.contains("data-state=\"accepted\"") && html.contains("<img src=\"\(Route.apiEvidenceBlob.path(previewSha))\""))
                }
                let after = Self.json(try await office.execute(uri: "/api/v1/verification", method: .get) { $0 })["city"] as? [String: Int] ?? [:]
                #expect(after["rejected"] == 1 && after["in_queue"] == 0 && after["verified_count"] == 1, "\(after)")
                // Every built site but a opened before evidence: the summary's count less one.
                let summary = Self.json(try await office.execute(uri: "/api/v1/summary", method: .get) { $0 })
                #expect((summary["built"] as? Int).map { $0 - 1 } == after["before_evidence"], "\(summary["built"] ?? "-") \(after)")
                // Verified beside built: a alone, in the city and in its region; every other region 0.
                #expect(summary["verified"] as? Int == 1)
                let regions = try await office.execute(uri: "/api/v1/regions", method: .get) { r in
                    ((try? JSONSerialization.jsonObject(with: Data(buffer: r.body))) as? [[String: Any]]) ?? []
                }
                #expect(regions.count > 1 && regions.allSatisfy { ($0["verified"] as? Int) == ($0["region_code"] as? String == a.regionCode ? 1 : 0) })
                // A leader reads the counts, a resource owner the counts without the queue.
                let owner = try await TestAccess.client(client, store, role: .resourceOwner, owner: "某公司")
                let figures = Self.json(try await owner.execute(uri: "/api/v1/verification", method: .get) { $0 })
                #expect(figures["city"] != nil && figures["queue"] == nil)
            }
        }
    }
}
