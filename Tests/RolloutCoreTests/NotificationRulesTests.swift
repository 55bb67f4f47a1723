import Foundation
import Testing
@testable import RolloutCore

/// The pure rules of notifications: which events are news, whose scope a fact lies in, who may
/// subscribe to what, which addresses are taken, and when the outbox tries again.
@Suite struct NotificationRulesTests {
    static let t = ShanghaiCalendar.parseInstant("2020-05-01")!
    static let opening = ObstacleOpening(org: "cmcc", ref: "R1", site: SiteKey(operator: .cmcc, code: "S1"), regionCode: "500101",
                                         operator: .cmcc, category: .power, responsible: nil, description: "无电")

    static func logged(_ body: EventBody, actor: String = "someone") -> LoggedEvent {
        LoggedEvent(seq: 7, event: NewEvent(body, occurredAt: t, recordedAt: t, actor: actor))
    }

    static var dispatchedState: ObstacleState {
        var s = ObstacleState(opening: opening, openedAt: t, openedRecordedAt: t)
        s.marks.append(ObstacleMark(.step(.dispatched(unit: "grid", note: "")), at: t, recordedAt: t, actor: "x"))
        return s
    }

    @Test func eachNewsEventHasItsTopicAndPlace() throws {
        let ctx = NotificationFact.Context(obstacle: Self.dispatchedState)
        let person = try #require(NotificationFact.of(Self.logged(.obstacleEscalated(org: "cmcc", ref: "R1", reason: "协调")), context: ctx))
        #expect(person.topic == .escalation && person.region == "500101" && person.operator == .cmcc && person.unit == "grid" && person.detail == "协调")
        let clock = try #require(NotificationFact.of(Self.logged(.obstacleEscalated(org: "cmcc", ref: "R1", reason: ""), actor: "system"), context: ctx))
        #expect(clock.topic == .clockRanOut && clock.detail == nil && clock.seq == 7)
        let sent = try #require(NotificationFact.of(Self.logged(.obstacleStep(org: "cmcc", ref: "R1", step: .dispatched(unit: "police", note: ""))), context: ctx))
        #expect(sent.topic == .dispatched && sent.unit == "police")
        #expect(NotificationFact.of(Self.logged(.obstacleStep(org: "cmcc", ref: "R1", step: .paused(reason: "x"))), context: ctx) == nil)
        // Without the obstacle's state there is nothing to say where it lies: no fact.
        #expect(NotificationFact.of(Self.logged(.obstacleEscalated(org: "cmcc", ref: "R1", reason: "")), context: .init()) == nil)
        let request = ResourceRequest(id: "Q1", site: SiteKey(operator: .ctcc, code: "S9"), owner: "杆塔公司", resourceId: "P1", host: .powerTower, note: "")
        let refused = try #require(NotificationFact.of(Self.logged(.resourceRequestAnswered(request, accepted: false, reason: "满载")),
                                                       context: .init(siteRegion: "500102")))
        #expect(refused.topic == .rejection && refused.region == "500102" && refused.operator == .ctcc && refused.owner == "杆塔公司")
        #expect(NotificationFact.of(Self.logged(.resourceRequestAnswered(request, accepted: true, reason: "")), context: .init()) == nil)
        #expect(!NotificationFact.isNews(.resourceRequestAnswered(request, accepted: true, reason: "")))
        let silent = try #require(NotificationFact.of(Self.logged(.reportingEscalated(.init(kind: .district, code: "500103"), since: 0, misses: 4)), context: .init()))
        #expect(silent.topic == .missedReports && silent.region == "500103" && silent.detail == "4")
        let bulletin = try #require(NotificationFact.of(Self.logged(.bulletinIssued(id: 3, cutoff: Self.t, sha256: "x")), context: .init()))
        #expect(bulletin.cityWide && bulletin.ref == "3")
        let listed = try #require(NotificationFact.of(Self.logged(.supervision(region: "500101", step: .listed(deadline: Self.t, rectification: "整改"))), context: .init()))
        #expect(listed.topic == .supervision && listed.ref == "2020-05-01")
        #expect(NotificationFact.of(Self.logged(.supervision(region: "500101", step: .delisted(reason: ""))), context: .init()) == nil)
        // Long words are cut to 200 characters.
        let long = NotificationFact(topic: .escalation, seq: 1, occurredAt: Self.t, actor: "a", detail: String(repeating: "长", count: 900))
        #expect(long.detail?.count == 200)
    }

    @Test func aScopeCoversItsOwnFactsAndEveryoneHearsABulletin() throws {
        let fact = NotificationFact(topic: .dispatched, seq: 1, occurredAt: Self.t, actor: "a", region: "500101", operator: .cmcc, unit: "grid", owner: "o")
        let scopes: [(Subscription.Scope, Bool)] = [
            (.city, true), (.region("500101"), true), (.region("500102"), false), (.operator(.cmcc), true), (.operator(.ctcc), false),
            (.unit("grid"), true), (.unit("police"), false), (.owner("o"), true), (.owner("p"), false),
        ]
        let bulletin = NotificationFact(topic: .bulletin, seq: 2, occurredAt: Self.t, actor: "a", cityWide: true)
        for (scope, covers) in scopes {
            #expect(scope.covers(fact) == covers, "\(scope.text)")
            #expect(scope.covers(bulletin))
            #expect(try Subscription.Scope.parse(scope.text) == scope)
        }
        for bad in ["", "town", "region", "operator:xx", "unit:nobody", "owner:", "city:1"] {
            #expect(throws: RolloutError.self) { try Subscription.Scope.parse(bad) }
        }
        let s = Subscription(id: 1, account: nil, scope: .region("500101"), topics: [.dispatched], channel: .email(address: "a@b.cn"),
                             digest: false, language: .zh, createdAt: Self.t, createdBy: "t")
        #expect(s.wants(fact))
        var other = fact
        other.topic = .escalation
        #expect(!s.wants(other))
    }

    @Test func whoMaySubscribeToWhat() throws {
        #expect(Subscription.topics(for: .admin).isEmpty)
        #expect(Subscription.topics(for: .resourceOwner) == [.missedReports, .bulletin, .supervision, .rejection])
        #expect(Subscription.topics(for: .cityOffice) == Set(NotificationTopic.allCases))
        #expect(throws: RolloutError.self) { try SubscriptionAccess.checkTopics([.escalation], role: .resourceOwner) }
        let district = Principal(account: "d", role: .district, region: "500101")
        let op = Principal(account: "o", role: .operator, operator: .cmcc)
        let office = Principal(account: "c", role: .cityOffice)
        try SubscriptionAccess.checkOrganisation(.region("500101"), district)
        #expect(throws: RolloutError.self) { try SubscriptionAccess.checkOrganisation(.region("500102"), district) }
        #expect(throws: RolloutError.self) { try SubscriptionAccess.checkOrganisation(.city, district) }
        #expect(throws: RolloutError.self) { try SubscriptionAccess.checkOrganisation(.unit("grid"), op) }
        try SubscriptionAccess.checkOrganisation(.unit("grid"), office)
        try SubscriptionAccess.checkOrganisation(.city, nil)
        func sub(_ account: String?, _ scope: Subscription.Scope) -> Subscription {
            Subscription(id: 1, account: account, scope: scope, topics: [.bulletin], channel: .email(address: "a@b.cn"), digest: false,
                         language: .zh, createdAt: Self.t, createdBy: "x")
        }
        #expect(SubscriptionAccess.mayManage(sub("d", .region("500101")), district))
        #expect(!SubscriptionAccess.mayManage(sub("other", .region("500101")), district))
        #expect(SubscriptionAccess.mayManage(sub(nil, .region("500101")), district))
        #expect(!SubscriptionAccess.mayManage(sub(nil, .region("500102")), district))
        #expect(!SubscriptionAccess.mayManage(sub(nil, .operator(.ctcc)), op))
        #expect(SubscriptionAccess.mayManage(sub("anyone", .unit("grid")), office))
        #expect(Subscription.Scope.of(Account(name: "d", role: .district, region: "500101", createdAt: Self.t)) == .region("500101"))
        #expect(Subscription.Scope.of(Account(name: "l", role: .leader, createdAt: Self.t)) == .city)
    }

    @Test func addressesAreCheckedAndSecretsHidden() throws {
        for good in ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "http://127.0.0.1:8080/hook", "https://oapi.dingtalk.com/robot/send?access_token=x", ""] {
            #expect(try Subscription.checkedWebhook(good) == good)
        }
        for bad in ["ftp://x.cn/a", "javascript:alert(1)", "https://", "https://u:p@x.cn/h", "https://x.cn/a b", "file:///etc/passwd",
                    "x.cn/hook", "https://x.cn/" + String(repeating: "a", count: 2_000), "https://x.cn/a\nb"] {
            #expect(throws: RolloutError.self, "\(bad.prefix(40))") { try Subscription.checkedWebhook(bad) }
        }
        #expect(try Subscription.checkedEmail(" ops@district.cq.cn ") == "ops@district.cq.cn")
        for bad in ["", "a", "a@b", "a@@b.cn", "a b@c.cn", "<a@b.cn>", "a@b.cn\r\nRCPT TO:<x@y.cn>", "a@.cn", "a@b.", "甲@b.cn"] {
            #expect(throws: RolloutError.self, "\(bad)") { try Subscription.checkedEmail(bad) }
        }
        #expect(try Subscription.checkedSecret("  ") == nil)
        #expect(throws: RolloutError.self) { try Subscription.checkedSecret("a b") }
        let s = Subscription(id: 1, account: nil, scope: .city, topics: [.bulletin],
                             channel: .webhook(url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET", format: .wecom, style: .text, secret: nil),
                             digest: false, language: .zh, createdAt: Self.t, createdBy: "x")
        #expect(!s.maskedTarget.contains("SECRET") && s.maskedTarget.hasSuffix("?…") && s.isActive)
        var off = s
        off.channel = .webhook(url: "", format: .wecom, style: .text, secret: nil)
        #expect(!off.isActive)
        var removed = s
        removed.removedAt = Self.t
        #expect(!removed.isActive)
        #expect(throws: RolloutError.self) { try NotificationTopic.parseList("escalation,nonsense") }
        #expect(throws: RolloutError.self) { try NotificationTopic.parseList(" , ") }
        #expect(try NotificationTopic.parseList("bulletin, escalation,bulletin") == [.bulletin, .escalation])
    }

    @Test func retriesWaitTwiceAsLongUpToAnHourAndADigestGoesOutTheNextMorning() {
        let waits = (1...12).map { DeliverySchedule.retryDelay(afterAttempts: $0) }
        #expect(Array(waits.prefix(4)) == [30, 60, 120, 240])
        #expect(zip(waits, waits.dropFirst()).allSatisfy { $1 == min(3_600, $0 * 2) })
        #expect(waits.last == 3_600 && DeliverySchedule.retryDelay(afterAttempts: 1_000) == 3_600)
        let total = (1..<DeliverySchedule.maxAttempts).map { DeliverySchedule.retryDelay(afterAttempts: $0) }.reduce(0, +)
        #expect(total > 12 * 3_600 && total < 24 * 3_600)
        let lateAtNight = ShanghaiCalendar.parseInstant("2020-05-01T23:59:00+08:00")!
        let day = DeliverySchedule.digestDay(of: lateAtNight)
        #expect(ShanghaiCalendar.dateString(day) == "2020-05-01")
        #expect(ShanghaiCalendar.iso8601(DeliverySchedule.digestDue(day)) == "2020-05-02T08:00:00+08:00")
    }
}
