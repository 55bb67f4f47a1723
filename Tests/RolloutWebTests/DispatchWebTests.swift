import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutTestSupport
import RolloutTexts
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// Dispatching through the server: the obstacle page's forms (two clicks from the district page),
/// the unit page, the routing table page, the API, refusals in the user's language, hostile text.
@Suite struct DispatchWebTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test(arguments: Backend.available)
    func aDistrictDispatchesPausesAndResolvesAndEveryPageShowsIt(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            // An open obstacle of an operator, not yet with a unit.
            let open = try await service.obstacles(ObstacleQuery(status: .open, perPage: 1000)).obstacles
            let o = try #require(open.first { $0.status != "escalated" && $0.operator != nil && $0.waitingSince == nil })
            let page = Route.obstacle.path(o.org, o.ref)
            let target = o.unit == "grid" ? "police" : "grid"
            try await app.test(.router) { client in
                let district = try await TestAccess.client(client, service.store, role: .district, region: o.regionCode)
                let leader = try await TestAccess.client(client, service.store, role: .leader)
                let reporter = try await TestAccess.client(client, service.store, role: .operator, operator: Operator(rawValue: o.operator!)!)
                let office = try await TestAccess.client(client, service.store, role: .cityOffice)
                // One click from the district page to the obstacle page, whose forms take the step.
                let regionPage = try await district.execute(uri: Route.region.path(o.regionCode), method: .get) { String(buffer: $0.body) }
                #expect(regionPage.contains("href=\"/obstacles/"), "the district page links its obstacles to their pages")
                let before = try await district.execute(uri: page, method: .get) { String(buffer: $0.body) }
                #expect(before.contains("id=\"form-dispatch\"") && before.contains("id=\"obstacle-clock\""))
                let leaderView = try await leader.execute(uri: page, method: .get) { String(buffer: $0.body) }
                #expect(leaderView.contains("id=\"obstacle-status\"") && !leaderView.contains("name=\"action\""), "a leader sees, without forms")
                let note = "<script>alert(1)</script> 请尽快"
                try await district.execute(uri: page + "/action", method: .post, headers: Self.form,
                                           body: ByteBuffer(string: "action=dispatch&unit=\(target)&text=\(Route.encode(note))&lang=zh")) { r in
                    #expect(r.status == .seeOther && r.headers[.location]?.hasPrefix(page) == true, "\(r.status) \(String(buffer: r.body).prefix(300))")
                }
                let after = try await district.execute(uri: page, method: .get) { String(buffer: $0.body) }
                #expect(after.contains(Dispatch.unitName(target, .zh)) && after.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !after.contains("<script>alert"))
                // The site's page shows it with its unit and clock, as of the moment.
                if let code = o.siteCode {
                    let sitePage = try await leader.execute(uri: Route.site.path(o.operator!, code), method: .get) { String(buffer: $0.body) }
                    #expect(sitePage.contains("data-ref=\"\(o.ref)\"") && sitePage.contains(Dispatch.unitName(target, .zh)) && sitePage.contains("class=\"clock"))
                }
                // Again to the same unit: refused in Chinese, then in English; nothing recorded twice.
                try await district.execute(uri: page + "/action", method: .post, headers: Self.form, body: ByteBuffer(string: "action=dispatch&unit=\(target)")) { r in
                    #expect(r.status == .conflict && String(buffer: r.body).contains("已派给该单位"))
                }
                try await district.execute(uri: "/api/v1" + page + "/actions", method: .post, headers: [.acceptLanguage: "en"],
                                           body: ByteBuffer(string: #"{"action":"dispatch","unit":"nobody"}"#)) { r in
                    #expect(r.status == .badRequest && String(buffer: r.body).contains("unknown unit"))
                }
                // The unit's page and the loads list it.
                let unitPage = try await leader.execute(uri: Route.unit.path(target), method: .get) { String(buffer: $0.body) }
                #expect(unitPage.contains("data-ref=\"\(o.ref)\""))
                let overdueHere = try await service.store.obstacles(ObstacleQuery(status: .open, unit: target, overdue: true), at: ReadMoment(asOf: .including(try await service.campaign().now(service.clock)))).total
                #expect(unitPage.contains("id=\"unit-overdue\">\(overdueHere)<"))
                try await leader.execute(uri: "/api/v1/units/\(target)/obstacles?per_page=1000", method: .get) { r in
                    let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
                    let rows = try #require(body["obstacles"] as? [[String: Any]])
                    let mine = try #require(rows.first { $0["ref"] as? String == o.ref })
                    let sla = Dispatch.Table.standard.rule(try #require(ObstacleCategory(rawValue: o.category))).slaDays
                    #expect(mine["unit"] as? String == target && mine["days_left"] is Int && mine["sla_days"] as? Int == sla && mine["due"] is String)
                }
                try await leader.execute(uri: "/api/v1/units", method: .get) { r in
                    let loads = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]])
                    #expect((loads.first { $0["unit"] as? String == target }?["waiting"] as? Int ?? 0) >= 1 && loads.count == Dispatch.units.count)
                }
                // The reporter pauses (waiting on itself), resumes through the API, resolves; the district reopens.
                try await reporter.execute(uri: "/api/v1" + page + "/actions", method: .post, body: ByteBuffer(string: #"{"action":"pause","text":"补充产权证明"}"#)) { r in
                    #expect(r.status == .ok && String(buffer: r.body).contains("\"waiting_reason\":\"补充产权证明\""), "\(String(buffer: r.body))")
                }
                #expect(try await district.execute(uri: page, method: .get) { String(buffer: $0.body) }.contains("暂停（等待报告方）"))
                for (who, action) in [(reporter, "resume"), (reporter, "resolve")] {
                    try await who.execute(uri: "/api/v1" + page + "/actions", method: .post, body: ByteBuffer(string: #"{"action":"\#(action)"}"#)) { r in
                        #expect(r.status == .ok, "\(action): \(String(buffer: r.body))")
                    }
                }
                try await leader.execute(uri: "/api/v1" + page + "/actions", method: .post, body: ByteBuffer(string: #"{"action":"reopen","text":"x"}"#)) { r in
                    #expect(r.status == .forbidden)
                }
                try await district.execute(uri: page + "/action", method: .post, headers: Self.form, body: ByteBuffer(string: "action=reopen&text=")) { r in
                    #expect(r.status == .badRequest && String(buffer: r.body).contains("须填写原因"))
                }
                try await district.execute(uri: page + "/action", method: .post, headers: Self.form, body: ByteBuffer(string: "action=reopen&text=%E5%A4%8D%E5%8F%91")) { r in
                    #expect(r.status == .seeOther)
                }
                let reopened = try await service.obstacle(org: o.org, ref: o.ref)
                #expect(reopened.status != "resolved" && reopened.unit == target && reopened.reopenReason == "复发")
                // The history, in order, with who did what; the page as of before shows none of it.
                let steps = try #require(try await service.store.obstacleState(org: o.org, ref: o.ref)).marks.suffix(5)
                #expect(steps.map(\.actor) == [district.account, reporter.account, reporter.account, reporter.account, district.account])
                // The routing table: the office changes a line; a bad clock is refused; others may not.
                try await office.execute(uri: "/dispatch", method: .post, headers: Self.form, body: ByteBuffer(string: "category=power&unit=municipal&sla_days=9")) { r in
                    #expect(r.status == .seeOther)
                }
                try await office.execute(uri: "/dispatch", method: .post, headers: Self.form, body: ByteBuffer(string: "category=power&unit=grid&sla_days=abc")) { r in
                    #expect(r.status == .badRequest && String(buffer: r.body).contains("时限须为 1 至 180 天"))
                }
                try await district.execute(uri: "/api/v1/dispatch/rules", method: .post, body: ByteBuffer(string: #"{"category":"power","unit":"grid","sla_days":9}"#)) { r in
                    #expect(r.status == .forbidden)
                }
                try await leader.execute(uri: "/api/v1/dispatch/rules", method: .get) { r in
                    let rules = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]])
                    let power = try #require(rules.first { $0["category"] as? String == "power" })
                    #expect(power["unit"] as? String == "municipal" && power["sla_days"] as? Int == 9 && rules.count == ObstacleCategory.allCases.count)
                }
                let dispatchPage = try await office.execute(uri: "/dispatch?lang=en", method: .get) { String(buffer: $0.body) }
                #expect(dispatchPage.contains("id=\"unit-loads\"") && dispatchPage.contains("id=\"rule-power\"") && dispatchPage.contains("Municipal works"))
                let leaderTable = try await leader.execute(uri: "/dispatch", method: .get) { String(buffer: $0.body) }
                #expect(leaderTable.contains("id=\"dispatch-rules\"") && !leaderTable.contains("name=\"sla_days\""))
                // Unknown units and obstacles: clear errors, not 500s.
                try await leader.execute(uri: "/units/nobody", method: .get) { #expect($0.status == .notFound) }
                try await leader.execute(uri: "/obstacles/cmcc/no-such-ref", method: .get) { #expect($0.status == .notFound) }
                try await leader.execute(uri: "/api/v1/obstacles?unit=nobody", method: .get) { #expect($0.status == .badRequest) }
                try await leader.execute(uri: "/api/v1/obstacles?overdue=maybe", method: .get) { #expect($0.status == .badRequest) }
            }
        }
    }
}
