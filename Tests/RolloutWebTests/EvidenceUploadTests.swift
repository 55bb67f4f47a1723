import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutDemo
import RolloutPhotos
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutApplication
@testable import RolloutWeb
import RolloutAccess

/// The site page's upload form (`multipart/form-data`), as a browser sends it: several photos at
/// once, each checked and kept; a form with a file that is no JPEG keeps none; no file, too many
/// files, another operator's site and a missing form token are refused with the page again.
@Suite struct EvidenceUploadTests {
    /// A form body as a browser writes it: the fields, then each photo as a `photo[]` file part.
    static func multipart(_ fields: [(String, String)], photos: [[UInt8]], boundary: String = "----RolloutTestBoundary7MA4YWxk") -> (String, ByteBuffer) {
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for (i, bytes) in photos.enumerated() {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo[]\"; filename=\"IMG_\(i).jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            body.writeBytes(bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    /// A small demo standing before its own evidence rule, and the whole router over it.
    static func setUp(_ store: any CampaignStore) async throws -> (CampaignService, some ApplicationProtocol) {
        let demo = try DemoInstaller.chongqing(seed: 2020, scale: 1, clockDay: EvidenceWebTests.beforeEvidence, fraction: 0.002)
        _ = try await DemoInstaller.install(demo, into: store, now: Instant(Date()))
        let service = CampaignService(store: store, clock: .system)
        return (service, Application(router: buildRouter(service: service, security: .init(bcryptCost: 4))))
    }

    @Test func theFormsPhotosAreCheckedAndKeptOrNoneIs() async throws {
        try await Backend.sqlite.withStore { store, _ in
            let (service, app) = try await Self.setUp(store)
            let now = try await service.campaign().now(service.clock)
            var waiting: [SiteRow] = []
            for stage in Stage.allCases where !stage.isBuilt { waiting += try await service.sites(SiteQuery(operator: .cmcc, stage: stage, perPage: 1)).sites }
            let site = try #require(waiting.first)
            try await app.test(.router) { client in
                let office = try await TestAccess.client(client, store)
                let cmcc = try await TestAccess.client(client, store, role: .operator, operator: .cmcc)
                let cucc = try await TestAccess.client(client, store, role: .operator, operator: .cucc)
                try await office.execute(uri: "/api/v1/evidence/rule", method: .post, body: ByteBuffer(string: #"{"required":true}"#)) { #expect($0.status == .ok) }
                let on = ShanghaiCalendar.iso8601(now.adding(seconds: -3600))
                try await cmcc.execute(uri: "/api/v1/imports/progress", method: .post,
                                       body: ByteBuffer(string: "site_code,operator,stage,occurred_at\n\(site.siteCode),cmcc,on_air,\(on)\n")) { #expect($0.status == .ok) }
                let path = Route.siteEvidence.path("cmcc", site.siteCode) + "?lang=en"
                // The page offers the form to the site's operator, not to another operator.
                try await cmcc.execute(uri: Route.site.path("cmcc", site.siteCode) + "?lang=en", method: .get) { r in
                    let html = String(buffer: r.body)
                    #expect(html.contains("enctype=\"multipart/form-data\" action=\"\(path)\"") && html.contains("name=\"photo[]\""), "\(html)")
                }
                try await cucc.execute(uri: Route.site.path("cmcc", site.siteCode), method: .get) { #expect(!String(buffer: $0.body).contains("id=\"evidence-form\"")) }
                let near = try EvidenceWebTests.photo(at: (site.lat, site.lon), taken: now.adding(seconds: -1800), tint: 1)
                let far = try EvidenceWebTests.photo(at: (site.lat + 0.05, site.lon), taken: now.adding(seconds: -1800), tint: 2)
                let before = try await store.events(kinds: ["evidence.attached"]).count
                // Refused, the page shown again with the error, nothing kept.
                for (who, fields, photos, status, text) in [
                    (cmcc, [("stage", "on_air"), ("lang", "en")], [near, Array("not a photo".utf8)], HTTPResponse.Status.badRequest, "not a JPEG photo"),
                    (cmcc, [("stage", "on_air"), ("lang", "en")], [], .badRequest, "choose a photo to upload"),
                    (cmcc, [("stage", "on_air"), ("lang", "en")], [[UInt8]](repeating: near, count: Limits.photosPerForm + 1), .badRequest, "at most 5 photos"),
                    (cmcc, [("stage", "accepted"), ("lang", "en")], [near], .conflict, "has not been reported at accepted"),
                    (cucc, [("stage", "on_air"), ("lang", "en")], [near], .forbidden, "\(site.siteCode)"),
                ] {
                    let (type, body) = Self.multipart(fields, photos: photos)
                    try await who.execute(uri: path, method: .post, headers: [.contentType: type], body: body) { r in
                        let html = String(buffer: r.body)
                        #expect(r.status == status && html.contains("id=\"evidence-error\"") && html.contains(text), "\(text): \(r.status) \(html.prefix(200))")
                    }
                }
                try await cmcc.execute(uri: path, method: .post, headers: [.contentType: "multipart/form-data"], body: ByteBuffer(string: "x")) {
                    #expect($0.status == .badRequest, "a multipart body without its boundary")
                }
                #expect(try await store.events(kinds: ["evidence.attached"]).count == before)
                // Two photos: both kept, one failing the distance check; the page says so.
                let (type, body) = Self.multipart([("stage", "on_air"), ("lang", "en")], photos: [near, far])
                let location = try await cmcc.execute(uri: path, method: .post, headers: [.contentType: type], body: body) { r in
                    #expect(r.status == .seeOther)
                    return r.headers[.location] ?? ""
                }
                #expect(location == Route.site.path("cmcc", site.siteCode) + "?lang=en&uploaded=2#evidence")
                #expect(try await store.events(kinds: ["evidence.attached"]).count == before + 2)
                try await cmcc.execute(uri: String(location.prefix { $0 != "#" }), method: .get) { r in
                    let html = String(buffer: r.body)
                    #expect(html.contains("id=\"uploaded\"") && html.contains("data-state=\"accepted\""))
                    #expect(html.components(separatedBy: "<figure class=\"evidence\">").count == 3 && html.contains("taken too far from the site"))
                }
            }
        }
    }

    @Test func aSignedInBrowserSendsItsFormTokenAsAPart() async throws {
        try await Backend.sqlite.withStore { store, _ in
            let (service, app) = try await Self.setUp(store)
            let site = try #require(try await service.sites(SiteQuery(operator: .cmcc, stage: .onAir, perPage: 1)).sites.first)
            let name = "u" + AccountService.random(bytes: 4, hex: true)
            try await TestAccess.accounts(store).createAccount(Account(name: name, role: .operator, operator: .cmcc, displayName: name, createdAt: Instant(Date())),
                                                               password: SignInTests.password)
            try await app.test(.router) { client in
                let browser = SignInTests.Browser(client)
                #expect(try await browser.signIn(name, SignInTests.password).status == .seeOther)
                let page = String(buffer: try await browser.send(Route.site.path("cmcc", site.siteCode)).body)
                let token = try #require(page.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1).description
                let photo = try EvidenceWebTests.photo(at: (site.lat, site.lon), taken: nil, tint: 3)
                for (fields, status) in [([("lang", "en")], HTTPResponse.Status.forbidden), ([("csrf", "forged"), ("lang", "en")], .forbidden),
                                         ([("csrf", token), ("lang", "en")], .seeOther)] {
                    let (type, body) = Self.multipart(fields, photos: [photo])
                    var headers: HTTPFields = [.contentType: type]
                    headers[.cookie] = browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
                    let r = try await client.executeRequest(uri: Route.siteEvidence.path("cmcc", site.siteCode), method: .post, headers: headers, body: body)
                    #expect(r.status == status, "\(fields.map(\.0)): \(r.status) \(String(buffer: r.body).prefix(200))")
                }
                #expect(try await store.events(kinds: ["evidence.attached"]).count == 1, "only the form with its token")
            }
        }
    }
}
