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

/// Subscriptions and the outbox through the server, on both engines: who may subscribe to what,
/// the refusals in the user's language, an action on the platform written to the outbox with it,
/// what each account sees of it, and the page's forms.
@Suite struct NotificationWebTests {
    static func object(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any], "\(String(buffer: r.body))")
    }
    static func array(_ r: TestResponse) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]], "\(String(buffer: r.body))")
    }
    static func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }

    @Test(arguments: Backend.available)
    func subscriptionsAreScopedAndAnEscalationIsInTheOutboxOfThoseWhoWantIt(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let open = try await service.obstacles(ObstacleQuery(status: .open, perPage: 500)).obstacles
            let obstacle = try #require(open.first { $0.escalatedAt == nil })
            let region = obstacle.regionCode
            let other = try #require(try await service.regionList().first { $0.code != region }).code
            try await app.test(.router) { client in
                let office = try await TestAccess.client(client, service.store)
                let district = try await TestAccess.client(client, service.store, role: .district, region: region)
                let elsewhere = try await TestAccess.client(client, service.store, role: .district, region: other)
                let cmcc = try await TestAccess.client(client, service.store, role: .operator, operator: .cmcc)
                let owner = try await TestAccess.client(client, service.store, role: .resourceOwner, owner: "杆塔公司")
                let json: HTTPFields = [.contentType: "application/json"]
                // The office subscribes the district's organisation; the key in the robot's address is never shown back.
                let made = try await office.execute(uri: "/api/v1/subscriptions", method: .post, headers: json,
                                                    body: Self.body(#"{"scope":"region:\#(region)","topics":["escalation","clock_ran_out"],"webhook":"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY","format":"wecom"}"#)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                    return try Self.object(r)
                }
                let id = try #require(made["id"] as? Int)
                #expect(made["address"] as? String == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…" && made["scope"] as? String == "region:\(region)")
                // The district subscribes itself by e-mail to the bulletins, as a daily digest.
                let own = try await district.execute(uri: "/api/v1/subscriptions", method: .post, body: Self.body(#"{"topics":["bulletin"],"email":"ops@district.example.cn","digest":true}"#)) {
                    #expect($0.status == .ok, "\(String(buffer: $0.body))"); return try Self.object($0)
                }
                #expect(own["account"] as? String == district.account && own["scope"] as? String == "region:\(region)" && own["digest"] as? Bool == true)
                // Refusals, each in the user's language, none stored.
                let refusals: [(SignedInClient, String, HTTPResponse.Status, String)] = [
                    (cmcc, #"{"scope":"region:\#(region)","topics":["escalation"],"webhook":""}"#, .forbidden, "forbidden_scope"),
                    (owner, #"{"topics":["escalation"],"webhook":""}"#, .forbidden, "forbidden_topic"),
                    (district, #"{"topics":["escalation"],"webhook":"javascript:alert(1)"}"#, .badRequest, "bad_webhook_url"),
                    (district, #"{"topics":["escalation"],"webhook":"ftp://x.cn/a"}"#, .badRequest, "bad_webhook_url"),
                    (district, #"{"topics":["nonsense"],"webhook":""}"#, .badRequest, "unknown_topic"),
                    (district, #"{"topics":["escalation"]}"#, .badRequest, "subscription_needs_channel"),
                    (district, #"{"topics":["escalation"],"email":"a@b.cn\r\nRCPT TO:<x@y.cn>"}"#, .badRequest, "bad_email"),
                    (district, #"{"topics":["escalation"],"webhook":"https://x.cn/h","format":"json","secret":"s"}"#, .badRequest, "subscription_secret_dingtalk"),
                    (district, #"{"account":"someone-else","topics":["escalation"],"webhook":""}"#, .notFound, "unknown_account_subscription"),
                    (district, #"{"topics":"escalation"}"#, .badRequest, "bad_json_body"),
                ]
                for (who, body, status, code) in refusals {
                    try await who.execute(uri: "/api/v1/subscriptions?lang=en", method: .post, body: Self.body(body)) { r in
                        let e = try #require(try Self.object(r)["error"] as? [String: Any])
                        #expect(r.status == status && e["code"] as? String == code, "\(body): \(String(buffer: r.body))")
                        #expect((e["message"] as? String)?.contains("{") == false)
                    }
                }
                try await district.execute(uri: "/api/v1/subscriptions", method: .post, body: Self.body(#"{"topics":["escalation"],"webhook":"ftp://x"}"#)) { r in
                    let o = try Self.object(r)
                    #expect((o["error"] as? [String: Any])?["message"] as? String == "Webhook 地址“ftp://x”无效：须为 http 或 https 地址，不含用户名和密码")
                }
                // Who sees which: the district its own and its organisation's; another district neither; the office both.
                let ids: (SignedInClient) async throws -> Set<Int> = { who in
                    try await who.execute(uri: "/api/v1/subscriptions", method: .get) { Set(try Self.array($0).compactMap { $0["id"] as? Int }) }
                }
                let ownId = try #require(own["id"] as? Int)
                #expect(try await ids(district) == [id, ownId])
                #expect(try await ids(elsewhere).isEmpty)
                #expect(try await ids(office).isSuperset(of: [id, ownId]))
                try await elsewhere.execute(uri: "/api/v1/subscriptions/\(id)/remove", method: .post) { #expect($0.status == .forbidden) }
                // The district escalates: the escalation and its message are one write.
                try await district.execute(uri: "/api/v1/obstacles/\(Route.encode(obstacle.org))/\(Route.encode(obstacle.ref))/escalate", method: .post,
                                           body: Self.body(#"{"reason":"需市级协调 <b>"}"#)) { #expect($0.status == .ok, "\(String(buffer: $0.body))") }
                // The escalation's own number (a receipt of the district's report follows it in the log).
                let seq = try #require(try await service.store.events(kinds: ["obstacle.escalated"]).last?.seq)
                let messages = try await district.execute(uri: "/api/v1/notifications?subscription=\(id)", method: .get) { try Self.array($0) }
                #expect(messages.count == 1)
                let items = try #require(messages.first?["items"] as? [[String: Any]])
                #expect(items.count == 1 && items[0]["topic"] as? String == "escalation" && (items[0]["seq"] as? Int).map(Int64.init) == seq)
                #expect(items[0]["ref"] as? String == obstacle.ref && messages[0]["status"] as? String == "pending" && messages[0]["id"] as? String != nil)
                // The plain count from the log: one escalation, by a person, in the district, since the subscription.
                let escalations = try await service.store.events(kinds: ["obstacle.escalated"])
                    .filter { $0.event.actor == district.account && $0.event.body.entity == ObstacleOpening.entity(org: obstacle.org, ref: obstacle.ref) }
                #expect(escalations.count == 1)
                try await elsewhere.execute(uri: "/api/v1/notifications", method: .get) { r in let rows = try Self.array(r); #expect(rows.isEmpty) }
                try await elsewhere.execute(uri: "/api/v1/notifications?subscription=\(id)", method: .get) { #expect($0.status == .forbidden) }
                try await district.execute(uri: "/api/v1/notifications?status=sent", method: .get) { #expect($0.status == .badRequest) }
                // The page: the subscriptions with their counts, the outbox, a form for the district's own.
                try await district.execute(uri: "/notifications?lang=en", method: .get) { r in
                    let html = String(buffer: r.body)
                    #expect(r.status == .ok && html.contains("data-subscription=\"\(id)\"") && html.contains("data-subscription=\"\(ownId)\""))
                    #expect(html.contains("id=\"subscribe\"") && html.contains("data-status=\"pending\"") && !html.contains("SECRETKEY"))
                    #expect(html.contains("<option value=\"region:\(region)\">"))
                }
                // A form: subscribe with the ticked topics; a bad address shows the page again with the error.
                let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                try await cmcc.execute(uri: "/notifications", method: .post, headers: formHeaders,
                                       body: Self.body("action=subscribe&scope=self&topic_rejection=on&topic_dispatched=on&webhook=https%3A%2F%2Foapi.dingtalk.com%2Frobot%2Fsend%3Faccess_token%3Dx&format=dingtalk&style=text&secret=SECabc&language=en")) { r in
                    #expect(r.status == .seeOther, "\(String(buffer: r.body))")
                }
                let cmccLines = try await service.subscriptionLines(for: Principal(account: cmcc.account, role: .operator, operator: .cmcc))
                let formMade = try #require(cmccLines.first { $0.subscription.account == cmcc.account }?.subscription)
                #expect(formMade.topics == [.rejection, .dispatched] && formMade.language == .en && formMade.scope == .operator(.cmcc))
                #expect(formMade.channel == .webhook(url: "https://oapi.dingtalk.com/robot/send?access_token=x", format: .dingtalk, style: .text, secret: "SECabc"))
                try await cmcc.execute(uri: "/notifications?lang=en", method: .post, headers: formHeaders,
                                       body: Self.body("action=subscribe&topic_rejection=on&webhook=file%3A%2F%2F%2Fetc%2Fpasswd&lang=en")) { r in
                    #expect(r.status == .badRequest && String(buffer: r.body).contains("is not valid"))
                }
                // Setting an address, removing: the owner may, once.
                try await district.execute(uri: "/api/v1/subscriptions/\(ownId)/address", method: .post, body: Self.body(#"{"address":"ops2@district.example.cn"}"#)) { r in
                    let o = try Self.object(r)
                    #expect(r.status == .ok && o["address"] as? String == "ops2@district.example.cn")
                }
                try await district.execute(uri: "/api/v1/subscriptions/\(ownId)/remove", method: .post) { #expect($0.status == .ok) }
                try await district.execute(uri: "/api/v1/subscriptions/\(ownId)/remove", method: .post) { #expect($0.status == .conflict) }
                try await district.execute(uri: "/api/v1/subscriptions/nope/remove", method: .post) { #expect($0.status == .notFound) }
                #expect(try await ids(district) == [id])
            }
        }
    }

    @Test func theDemosSubscriptionsAreValidForTheirAccountsAndOff() throws {
        let at = Instant(seconds: 1_600_000_000)
        for s in DemoSubscriptions.all(at: at) {
            #expect(!s.isActive)
            try SubscriptionAccess.checkTopics(s.topics, role: SubscriptionAccess.role(of: s.scope))
        }
    }
}
