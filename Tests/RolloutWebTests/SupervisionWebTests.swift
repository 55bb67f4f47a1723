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

/// Listed supervision through the server: proposals from two bulletins, listing, the flag on the
/// pages and the next bulletin, review, delisting, refusals.
@Suite struct SupervisionWebTests {
    @Test(arguments: Backend.available)
    func theCityOfficeListsReviewsAndDelistsAndEveryPageShowsIt(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let now = try await service.campaign().now(service.clock)
            let day: @Sendable (Int) -> String = { d in ShanghaiCalendar.dateString(now.adding(days: d)) }
            try await app.test(.router) { client in
                let office = try await TestAccess.client(client, service.store, role: .cityOffice)
                let leader = try await TestAccess.client(client, service.store, role: .leader)
                // A generous rule so that the demo proposes someone, from two bulletins.
                try await office.execute(uri: "/api/v1/supervision/rule", method: .post, body: ByteBuffer(string: #"{"share":1,"consecutive":2}"#)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                }
                try await office.execute(uri: "/api/v1/supervision/rule", method: .post, body: ByteBuffer(string: #"{"share":3,"consecutive":2}"#)) { r in
                    #expect(r.status == .badRequest)
                }
                for d in [-9, -2] { try await office.execute(uri: "/api/v1/bulletins?as_of=\(day(d))", method: .post) { #expect($0.status == .ok) } }
                let view = try await service.supervision()
                #expect(view.bulletinsRead == [day(-9), day(-2)])
                let region = try #require(view.proposals.first, "someone is behind at 100 % of pro rata")
                let listing = #"{"action":"list","deadline":"\#(day(14))","rectification":"<b>加快</b>进场协调"}"#
                try await leader.execute(uri: "/api/v1/supervision/\(region)", method: .post, body: ByteBuffer(string: listing)) { #expect($0.status == .forbidden) }
                try await office.execute(uri: "/api/v1/supervision/\(region)", method: .post, body: ByteBuffer(string: listing)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                }
                try await office.execute(uri: "/api/v1/supervision/\(region)", method: .post, body: ByteBuffer(string: listing)) { r in
                    #expect(r.status == .conflict && String(buffer: r.body).contains("supervision_already_listed"))
                }
                try await leader.execute(uri: "/api/v1/supervision", method: .get) { r in
                    let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
                    let first = try #require((body["listings"] as? [[String: Any]])?.first)
                    #expect(first["deadline"] as? String == day(14) && first["active"] as? Bool == true && (first["listed_at"] as? String)?.hasSuffix("+08:00") == true)
                }
                try await office.execute(uri: "/api/v1/supervision/999999", method: .post, body: ByteBuffer(string: listing)) { #expect($0.status == .badRequest) }
                try await office.execute(uri: "/api/v1/supervision/\(region)", method: .post,
                                         body: ByteBuffer(string: #"{"action":"list","deadline":"2020-01-01","rectification":"x"}"#)) { #expect($0.status == .conflict) }
                // Flagged: the overview, the district page, the supervision page (escaped), the next bulletin.
                let overview = try await leader.execute(uri: "/", method: .get) { String(buffer: $0.body) }
                #expect(overview.contains("data-region=\"\(region)\"") && overview.contains("挂牌督办"))
                let district = try await leader.execute(uri: "/regions/\(region)", method: .get) { String(buffer: $0.body) }
                #expect(district.contains("id=\"listed\"") && district.contains("&lt;b&gt;加快&lt;/b&gt;进场协调"))
                let page = try await leader.execute(uri: "/supervision", method: .get) { String(buffer: $0.body) }
                #expect(page.contains("id=\"supervision-listed\"") && !page.contains("name=\"action\""), "the leader sees, without forms")
                // Reviewed with a new deadline, then delisted; delisting again is refused.
                try await office.execute(uri: "/supervision", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "action=review&region=\(region)&note=%E8%BF%9B%E5%B1%95%E6%98%8E%E6%98%BE&deadline=\(day(21))")) { r in
                    #expect(r.status == .seeOther)
                }
                try await office.execute(uri: "/api/v1/supervision/\(region)", method: .post, body: ByteBuffer(string: #"{"action":"delist","reason":"整改到位"}"#)) { r in
                    #expect(r.status == .ok)
                }
                try await office.execute(uri: "/api/v1/supervision/\(region)", method: .post, body: ByteBuffer(string: #"{"action":"delist","reason":"again"}"#)) { r in
                    #expect(r.status == .conflict && String(buffer: r.body).contains("supervision_not_listed"))
                }
                try await office.execute(uri: "/supervision", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "action=delist&region=\(region)&reason=x")) { r in
                    #expect(r.status == .conflict && String(buffer: r.body).contains("未被挂牌督办"))
                }
                let after = try await service.supervision()
                let l = try #require(after.listings.first { $0.region == region })
                #expect(!l.isActive && l.reviews.count == 1 && l.delistReason == "整改到位")
                let log = try await service.store.events(kinds: CampaignService.supervisionKinds)
                #expect(log.map(\.event.body.kind) == ["supervision.rule_set", "supervision.listed", "supervision.reviewed", "supervision.delisted"])
                #expect(log.allSatisfy { $0.event.actor == office.account })
            }
        }
    }

    @Test(arguments: Backend.available)
    func theBulletinNamesTheListedRegionsAndTheChangesSinceTheLast(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.005) { service in
            let now = try await service.campaign().now(service.clock)
            let office = Principal(account: "office", role: .cityOffice)
            let day: @Sendable (Int) -> String = { d in ShanghaiCalendar.dateString(now.adding(days: d)) }
            _ = try await Bulletin.issue(day: day(-3), service: service, by: office)
            _ = try await service.supervise(region: "500103", step: .listed(deadline: now.adding(days: 10), rectification: "r"), by: office)
            let model = try await service.bulletinContent(day: day(0))
            #expect(model.listed == ["500103"] && model.listedSince == ["500103"] && model.delistedSince.isEmpty)
            #expect(Bulletin.render(model).contains("挂牌督办中：渝中区"))
        }
    }
}
