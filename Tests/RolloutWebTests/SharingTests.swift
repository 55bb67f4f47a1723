import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// Co-build and share: offers imported by their owner are proposed to a planned site nearby; the
/// sharing rate counts the sites on existing or shared infrastructure.
@Suite struct SharingTests {
    @Test(arguments: Backend.available)
    func theSharingRateCountsTheSitesNotOnANewTower(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            for day in ["2020-03-01", "2020-06-01", nil] as [String?] {
                var all: [SiteRow] = []
                var page = 1
                while true {
                    let p = try await service.sites(SiteQuery(page: page, perPage: 1000), asOf: day)
                    all += p.sites
                    if all.count >= p.total || p.sites.isEmpty { break }
                    page += 1
                }
                // China Tower's records are the infrastructure under the operators' sites: not counted.
                all = all.filter { $0.operator != "tower" }
                let shared = all.filter { $0.host != "new_tower" }
                let summary = try await service.summary(asOf: day)
                #expect(summary.shared == shared.count && summary.sites == all.count, "\(day ?? "now")")
                #expect(summary.sharingRate == (Double(shared.count) / Double(all.count) * 10_000).rounded() / 10_000)
                let regions = try await service.regions(asOf: day)
                for r in regions { #expect(r.shared == shared.filter { $0.regionCode == r.regionCode }.count, "\(r.regionCode)") }
                #expect(shared.count > 0)
            }
        }
    }

    @Test(arguments: Backend.available)
    func aPlannedSiteIsShownTheNearestSuitableOffers(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let site = try #require(try await service.sites(SiteQuery(stage: .planned, perPage: 200)).sites.first { $0.kind == "macro" && $0.resourceId == nil })
            let built = try #require(try await service.sites(SiteQuery(stage: .onAir, perPage: 1)).sites.first)
            let offers = "resource_id,owner,kind,region_code,lat,lon\r\n" + [
                "N1,杆塔公司,rooftop,\(site.regionCode),\(site.lat + 0.0005),\(site.lon)",
                "N2,杆塔公司,existing_tower,\(site.regionCode),\(site.lat + 0.002),\(site.lon)",
                "N3,杆塔公司,street_lamp,\(site.regionCode),\(site.lat + 0.0001),\(site.lon)",
                "N4,杆塔公司,existing_tower,\(site.regionCode),\(site.lat + 0.02),\(site.lon)",
            ].joined(separator: "\r\n") + "\r\n"
            try await app.test(.router) { client in
                let owner = try await TestAccess.client(client, service.store, role: .resourceOwner, owner: "杆塔公司")
                try await owner.execute(uri: "/api/v1/imports/resources", method: .post, body: ByteBuffer(string: offers)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                }
                let office = try await TestAccess.client(client, service.store, role: .cityOffice)
                try await office.execute(uri: "/api/v1/sites/\(site.operator)/\(site.siteCode)/matches?radius_m=1000", method: .get) { r in
                    #expect(r.status == .ok)
                    let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
                    let ids = (body["candidates"] as? [[String: Any]] ?? []).compactMap { ($0["resource"] as? [String: Any])?["resource_id"] as? String }
                    #expect(body["needs_location"] as? Bool == true)
                    #expect(ids == ["N1", "N2"], "a macro site: not the lamp, not the one 2 km away")
                }
                let page = try await office.execute(uri: "/sites/\(site.operator)/\(site.siteCode)", method: .get) { String(buffer: $0.body) }
                #expect(page.contains("id=\"matches\"") && page.contains("N1"))
                try await office.execute(uri: "/api/v1/sites/\(built.operator)/\(built.siteCode)/matches", method: .get) { r in
                    let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
                    #expect(body["needs_location"] as? Bool == false && (body["candidates"] as? [Any])?.isEmpty == true)
                }
                try await office.execute(uri: "/api/v1/sites/\(site.operator)/\(site.siteCode)/matches?radius_m=-1", method: .get) { r in
                    #expect(r.status == .badRequest && String(buffer: r.body).contains("bad_radius"))
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func anOperatorRequestsAnOfferAndTheOwnerAnswers(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let site = try #require(try await service.sites(SiteQuery(operator: .cmcc, stage: .planned, perPage: 500)).sites
                .first { $0.kind == "macro" && $0.resourceId == nil && $0.host == "new_tower" })
            let offers = "resource_id,owner,kind,region_code,lat,lon\r\nT1,杆塔公司,existing_tower,\(site.regionCode),\(site.lat + 0.001),\(site.lon)\r\n"
                + "L1,杆塔公司,street_lamp,\(site.regionCode),\(site.lat + 0.001),\(site.lon)\r\n"
            let sharedBefore = try await service.summary().shared
            let yesterday = ShanghaiCalendar.dateString(try await service.campaign().now(service.clock).adding(days: -1))
            let sharedYesterday = try await service.summary(asOf: yesterday).shared
            try await app.test(.router) { client in
                let owner = try await TestAccess.client(client, service.store, role: .resourceOwner, owner: "杆塔公司")
                let otherOwner = try await TestAccess.client(client, service.store, role: .resourceOwner, owner: "别家")
                let cmcc = try await TestAccess.client(client, service.store, role: .operator, operator: .cmcc)
                let ctcc = try await TestAccess.client(client, service.store, role: .operator, operator: .ctcc)
                try await owner.execute(uri: "/api/v1/imports/resources", method: .post, body: ByteBuffer(string: offers)) { #expect($0.status == .ok) }
                func ask(_ who: SignedInClient, _ resource: String) async throws -> TestResponse {
                    try await who.executeRequest(uri: "/api/v1/sharing/requests", method: .post, headers: [:], body: ByteBuffer(string:
                        #"{"operator":"cmcc","site_code":"\#(site.siteCode)","owner":"杆塔公司","resource_id":"\#(resource)","note":"请支持"}"#))
                }
                #expect(try await ask(ctcc, "T1").status == .forbidden, "another operator's site")
                #expect(try await ask(cmcc, "L1").status == .badRequest, "a lamp cannot carry a macro site")
                #expect(try await ask(cmcc, "NOPE").status == .notFound)
                let asked = try await ask(cmcc, "T1")
                #expect(asked.status == .ok, "\(String(buffer: asked.body))")
                #expect(try await ask(cmcc, "T1").status == .conflict, "asked already")
                let answer = try #require(try JSONSerialization.jsonObject(with: Data(buffer: asked.body)) as? [String: Any])
                #expect(answer["status"] as? String == "waiting" && (answer["requested_at"] as? String)?.hasSuffix("+08:00") == true)
                let id = try #require(answer["request"] as? [String: Any])["id"] as! String
                // Who sees it; who may answer; a decline needs a reason.
                let listed = try await otherOwner.execute(uri: "/api/v1/sharing/requests", method: .get) { String(buffer: $0.body) }
                #expect(!listed.contains(id))
                try await otherOwner.execute(uri: "/api/v1/sharing/requests/\(id)/answer", method: .post, body: ByteBuffer(string: #"{"accepted":true}"#)) {
                    #expect($0.status == .forbidden)
                }
                try await owner.execute(uri: "/api/v1/sharing/requests/\(id)/answer", method: .post, body: ByteBuffer(string: #"{"accepted":false}"#)) {
                    #expect($0.status == .badRequest && String(buffer: $0.body).contains("decline_needs_reason"))
                }
                let page = try await owner.execute(uri: "/sharing", method: .get) { String(buffer: $0.body) }
                #expect(page.contains("data-request=\"\(id)\"") && page.contains("name=\"action\" value=\"accept\""))
                try await owner.execute(uri: "/api/v1/sharing/requests/\(id)/answer", method: .post, body: ByteBuffer(string: #"{"accepted":true,"reason":"同意共享"}"#)) {
                    #expect($0.status == .ok)
                }
                try await owner.execute(uri: "/api/v1/sharing/requests/\(id)/answer", method: .post, body: ByteBuffer(string: #"{"accepted":true}"#)) {
                    #expect($0.status == .conflict)
                }
            }
            // Accepted: the site is hosted by the tower, the sharing rate counts it from now on, not before.
            let after = try await service.site(SiteKey(operator: .cmcc, code: site.siteCode))
            #expect(after.site.host == "existing_tower" && after.site.resourceId == "T1")
            #expect(try await service.summary().shared == sharedBefore + 1)
            #expect(try await service.summary(asOf: yesterday).shared == sharedYesterday)
            _ = try await service.store.rebuildProjections()
            #expect(try await service.summary().shared == sharedBefore + 1, "the same after a rebuild from the log")
            let requests = try await service.requests(for: Principal(account: "o", role: .cityOffice))
            #expect(requests.first?.status == "accepted" && requests.first?.reason == "同意共享")
        }
    }

    @Test(arguments: Backend.available)
    func anOwnerOffersAResourceThroughTheFormWithTheImportsChecks(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let site = try #require(try await service.sites(SiteQuery(perPage: 1)).sites.first)
            let other = try #require(try await service.store.regions().first { $0.code != site.regionCode })
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            try await app.test(.router) { client in
                let owner = try await TestAccess.client(client, service.store, role: .resourceOwner, owner: "杆塔公司")
                let op = try await TestAccess.client(client, service.store, role: .operator, operator: .cmcc)
                let page = try await owner.execute(uri: "/sharing", method: .get) { String(buffer: $0.body) }
                #expect(page.contains("id=\"offer-form\"") && page.contains("<b>杆塔公司</b>"))
                let before = try await service.store.eventCount()
                func offer(_ fields: String) -> ByteBuffer { ByteBuffer(string: "action=offer&kind=street_lamp&" + fields) }
                // Outside the region it names, and a bad height: the importer's messages, nothing written.
                try await owner.execute(uri: "/sharing", method: .post, headers: form,
                                        body: offer("resource_id=L1&region_code=\(other.code)&lat=\(site.lat)&lon=\(site.lon)&height_m=tall")) { r in
                    let body = String(buffer: r.body)
                    #expect(r.status == .unprocessableContent && body.contains("id=\"offer-errors\"") && body.contains("height_m"), "\(body.prefix(400))")
                }
                #expect(try await service.store.eventCount() == before)
                // Another owner's name is not the owner's to give: an owner always offers as itself.
                try await owner.execute(uri: "/sharing", method: .post, headers: form,
                                        body: offer("owner=%E5%88%AB%E5%AE%B6&resource_id=%3Cb%3EL2%3C%2Fb%3E&region_code=\(site.regionCode)&lat=\(site.lat)&lon=\(site.lon)&height_m=12")) { r in
                    #expect(r.status == .seeOther, "\(String(buffer: r.body).prefix(400))")
                }
                let offers = try await service.store.resources(at: ReadMoment(asOf: .including(try await service.campaign().now(service.clock))))
                let mine = try #require(offers.first { $0.resourceId == "<b>L2</b>" })
                #expect(mine.owner == "杆塔公司" && mine.kind == .streetLamp && mine.heightM == 12)
                let after = try await owner.execute(uri: "/sharing", method: .get) { String(buffer: $0.body) }
                #expect(after.contains("&lt;b&gt;L2&lt;/b&gt;") && !after.contains("<b>L2</b>"))
                // An operator does not offer resources.
                try await op.execute(uri: "/sharing", method: .post, headers: form,
                                     body: offer("owner=x&resource_id=L3&region_code=\(site.regionCode)&lat=\(site.lat)&lon=\(site.lon)")) { r in
                    #expect(r.status == .forbidden)
                }
            }
        }
    }
}
