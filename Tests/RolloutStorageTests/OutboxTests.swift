import Foundation
import RolloutTestSupport
import SQLKit
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage

/// The outbox: messages written by the log's append in the events' own transaction, digests
/// grouped per subscription and day, claims that two stores on one database never share.
@Suite struct OutboxTests {
    static let day0 = ShanghaiCalendar.parseInstant("2020-03-01")!
    static func at(_ days: Double) -> Instant { day0.adding(seconds: Int64(days * 86_400)) }

    static func hook(_ url: String = "http://127.0.0.1:9/hook") -> Subscription.Channel { .webhook(url: url, format: .json, style: .markdown, secret: nil) }

    static func subscription(_ scope: Subscription.Scope, _ topics: Set<NotificationTopic>, digest: Bool = false, url: String = "http://127.0.0.1:9/hook") -> Subscription {
        Subscription(id: 0, account: nil, scope: scope, topics: topics, channel: hook(url), digest: digest, language: .zh, createdAt: day0, createdBy: "t")
    }

    /// Obstacles in two districts, dispatched, escalated by a person and by the clock; a bulletin;
    /// a district put under supervision; an operator escalated for silence.
    static func log() -> [NewEvent] {
        var out: [NewEvent] = []
        func add(_ body: EventBody, _ day: Double, actor: String = "t") { out.append(NewEvent(body, occurredAt: at(day), recordedAt: at(day), actor: actor)) }
        for i in 0..<6 {
            let o = ObstacleOpening(org: "cmcc", ref: "O\(i)", site: nil, regionCode: i % 2 == 0 ? "500101" : "500102", operator: i < 3 ? .cmcc : .ctcc,
                                    category: .power, responsible: nil, description: "问题 <b>\(i)</b>")
            add(.obstacleOpened(o), Double(i) * 0.1)
            add(.obstacleStep(org: "cmcc", ref: o.ref, step: .dispatched(unit: i % 3 == 0 ? "grid" : "district_gov", note: "")), 1 + Double(i) * 0.1)
        }
        add(.obstacleEscalated(org: "cmcc", ref: "O0", reason: "需协调"), 2.2)
        add(.obstacleEscalated(org: "cmcc", ref: "O1", reason: ""), 2.3, actor: "system")
        add(.bulletinIssued(id: 1, cutoff: at(2), sha256: "00"), 2.4)
        add(.supervision(region: "500102", step: .listed(deadline: at(30), rectification: "整改")), 2.5)
        add(.reportingEscalated(Reporting.Organisation(kind: .operator, code: "ctcc"), since: ShanghaiCalendar.day(of: at(0)), misses: 3), 2.6, actor: "system")
        return out
    }

    /// What the outbox should hold for a subscription, computed from the log without the store.
    static func naive(_ s: Subscription, _ events: [NewEvent]) -> [Int64] {
        var obstacles: [String: ObstacleOpening] = [:]
        var unit: [String: String] = [:]
        var seqs: [Int64] = []
        for (i, e) in events.enumerated() {
            let seq = Int64(i + 1)
            var fact: NotificationFact? = nil
            switch e.body {
            case .obstacleOpened(let o):
                obstacles[o.ref] = o
                fact = NotificationFact(topic: .obstacleOpened, seq: seq, occurredAt: e.occurredAt, actor: e.actor, region: o.regionCode, operator: o.operator)
            case .obstacleStep(_, let ref, .dispatched(let u, _)):
                unit[ref] = u
                fact = NotificationFact(topic: .dispatched, seq: seq, occurredAt: e.occurredAt, actor: e.actor, region: obstacles[ref]!.regionCode,
                                        operator: obstacles[ref]!.operator, unit: u)
            case .obstacleEscalated(_, let ref, _):
                fact = NotificationFact(topic: e.actor == "system" ? .clockRanOut : .escalation, seq: seq, occurredAt: e.occurredAt, actor: e.actor,
                                        region: obstacles[ref]!.regionCode, operator: obstacles[ref]!.operator, unit: unit[ref])
            case .bulletinIssued: fact = NotificationFact(topic: .bulletin, seq: seq, occurredAt: e.occurredAt, actor: e.actor, cityWide: true)
            case .supervision(let r, _): fact = NotificationFact(topic: .supervision, seq: seq, occurredAt: e.occurredAt, actor: e.actor, region: r)
            case .reportingEscalated(let org, _, _):
                fact = NotificationFact(topic: .missedReports, seq: seq, occurredAt: e.occurredAt, actor: e.actor, operator: Operator(rawValue: org.code))
            default: break
            }
            if let fact, s.wants(fact) { seqs.append(seq) }
        }
        return seqs
    }

    @Test(arguments: Backend.available)
    func eachSubscriptionGetsWhatItWantsAndADigestGroupsADay(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            let subs = [
                Self.subscription(.city, Set(NotificationTopic.allCases)),
                Self.subscription(.region("500101"), [.escalation, .clockRanOut, .dispatched, .obstacleOpened, .bulletin]),
                Self.subscription(.operator(.ctcc), [.obstacleOpened, .missedReports]),
                Self.subscription(.unit("grid"), [.dispatched, .clockRanOut]),
                Self.subscription(.region("500102"), [.obstacleOpened, .dispatched, .supervision, .clockRanOut], digest: true),
                Self.subscription(.city, [.bulletin], url: ""),  // off: no address, no messages
            ]
            var stored: [Subscription] = []
            for s in subs { stored.append(try await store.addSubscription(s)) }
            #expect(stored.map(\.id) == [1, 2, 3, 4, 5, 6])
            let events = Self.log()
            // Appended in several appends, as they arrive.
            for chunk in stride(from: 0, to: events.count, by: 4) { _ = try await store.append(Array(events[chunk..<min(events.count, chunk + 4)])) }
            let all = try await store.outbox(subscription: nil, status: nil, limit: 500)
            for s in stored {
                let messages = all.filter { $0.subscription == s.id }.sorted { $0.id < $1.id }
                let expected = Self.naive(s, events)
                #expect(messages.flatMap { $0.facts.map(\.seq) }.sorted() == (s.isActive ? expected : []), "subscription \(s.id)")
                if s.digest {
                    // One message per day recorded: day 0 (openings), day 1 (dispatches), day 2 (the rest).
                    let days = Set(expected.map { ShanghaiCalendar.day(of: events[Int($0) - 1].recordedAt) })
                    #expect(messages.count == days.count)
                    #expect(messages.allSatisfy { $0.nextAttemptAt == DeliverySchedule.digestDue($0.digestDay!) })
                } else {
                    #expect(messages.allSatisfy { $0.facts.count == 1 && $0.digestDay == nil && $0.status == .pending })
                }
            }
            // A re-sent event writes nothing more.
            _ = try await store.append(events)
            #expect(try await store.outbox(subscription: nil, status: nil, limit: 500).count == all.count)
            // The escalation by the clock names the unit it waited on.
            let clock = all.flatMap(\.facts).first { $0.topic == .clockRanOut }
            #expect(clock?.unit == "district_gov" && clock?.ref == "O1")
        }
    }

    @Test(arguments: Backend.available)
    func aFailedAppendLeavesNoMessage(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            _ = try await store.addSubscription(Self.subscription(.city, Set(NotificationTopic.allCases)))
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await store.withWriteSession { session in
                    _ = try await session.append(Array(Self.log().prefix(4)))
                    throw Boom()
                }
            }
            #expect(try await store.outbox(subscription: nil, status: nil, limit: 10).isEmpty)
            #expect(try await store.eventCount() == 0)
        }
    }

    @Test(arguments: Backend.available)
    func aDisabledAccountsSubscriptionGetsNothingNew(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            try await store.createAccount(Account(name: "d1", role: .district, region: "500101", createdAt: Self.day0), passwordHash: "x")
            var mine = Self.subscription(.region("500101"), [.obstacleOpened])
            mine.account = "d1"
            let s = try await store.addSubscription(mine)
            let log = Self.log().filter { if case .obstacleOpened = $0.body { return true } else { return false } }
            _ = try await store.append(Array(log.prefix(2)))
            #expect(try await store.outbox(subscription: s.id, status: nil, limit: 10).count == 1)
            try await store.disableAccount("d1", at: Self.at(1))
            _ = try await store.append(Array(log.dropFirst(2)))
            #expect(try await store.outbox(subscription: s.id, status: nil, limit: 10).count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func twoStoresOnOneDatabaseNeverClaimOneMessageTwiceAndRetriesWaitLonger(backend: Backend) async throws {
        try await backend.withStore { store, url in
            try await DashboardReadsTests.setUp(store)
            let s = try await store.addSubscription(Self.subscription(.city, Set(NotificationTopic.allCases)))
            _ = try await store.append(Self.log())
            let total = try await store.outbox(subscription: s.id, status: nil, limit: 500).count
            #expect(total == Self.naive(s, Self.log()).count)
            let other = try await SQLCampaignStore.open(url)
            defer { Task { try? await other.close() } }
            let now = Self.at(10)
            // Both claim at once, a few at a time, until nothing is left.
            async let a = Self.claimAll(store, "a", now)
            async let b = Self.claimAll(other, "b", now)
            let (ca, cb) = try await (a, b)
            #expect(Set(ca).isDisjoint(with: Set(cb)))
            #expect((ca + cb).count == total)
            // Held: nothing is due again until the lease runs out.
            #expect(try await store.claimDue(now: now, limit: 100, claimant: "c", lease: 60).isEmpty)
            // A failure is tried again after 30 s, then 60 s; the last try's failure is final.
            let id = ca.first ?? cb.first!
            let claimant = ca.contains(id) ? "a" : "b"
            try await store.finishDelivery(id, claimant: "intruder", outcome: .delivered, at: now)  // not the holder: ignored
            try await store.finishDelivery(id, claimant: claimant, outcome: .failed(reason: "HTTP 500", final: false), at: now)
            var m = try await store.outbox(subscription: nil, status: .pending, limit: 500).first { $0.id == id }!
            #expect(m.attempts == 1 && m.nextAttemptAt == now.adding(seconds: 30) && m.lastError == "HTTP 500")
            #expect(try await store.claimDue(now: now.adding(seconds: 29), limit: 500, claimant: "c", lease: 60).isEmpty)
            let again = try await store.claimDue(now: now.adding(seconds: 30), limit: 500, claimant: "c", lease: 60)
            #expect(again.map(\.id) == [id])
            try await store.finishDelivery(id, claimant: "c", outcome: .failed(reason: "HTTP 503", final: false), at: now.adding(seconds: 30))
            m = try await store.outbox(subscription: nil, status: .pending, limit: 500).first { $0.id == id }!
            #expect(m.attempts == 2 && m.nextAttemptAt == now.adding(seconds: 90))
            _ = try await store.claimDue(now: now.adding(seconds: 90), limit: 500, claimant: "c", lease: 60)
            try await store.finishDelivery(id, claimant: "c", outcome: .failed(reason: "HTTP 404", final: true), at: now.adding(seconds: 90))
            #expect(try await store.outbox(subscription: nil, status: .failed, limit: 10).map(\.id) == [id])
            let counts = try await store.outboxCounts()[s.id]
            #expect(counts == OutboxCounts(pending: total - 1, delivered: 0, failed: 1))
            // A removed subscription keeps its history and gets nothing new.
            _ = try await store.removeSubscription(s.id, at: now)
            _ = try await store.append([NewEvent(.bulletinIssued(id: 2, cutoff: Self.at(9), sha256: "01"), occurredAt: now, recordedAt: now, actor: "t")])
            #expect(try await store.outbox(subscription: s.id, status: nil, limit: 500).count == total)
        }
    }

    @Test(arguments: Backend.available)
    func aRobotGetsAtMostTwentyTriesAMinute(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            let robot = try await store.addSubscription(Subscription(id: 0, account: nil, scope: .city, topics: [.obstacleOpened],
                                                                     channel: .webhook(url: "https://qyapi.weixin.qq.com/x?key=k", format: .wecom, style: .text, secret: nil),
                                                                     digest: false, language: .zh, createdAt: Self.day0, createdBy: "t"))
            let plain = try await store.addSubscription(Self.subscription(.city, [.obstacleOpened]))
            let openings = (0..<30).map { i in
                NewEvent(.obstacleOpened(ObstacleOpening(org: "cmcc", ref: "M\(i)", site: nil, regionCode: "500101", operator: .cmcc, category: .power,
                                                         responsible: nil, description: "d")), occurredAt: Self.at(1), recordedAt: Self.at(1), actor: "t")
            }
            _ = try await store.append(openings)
            let t = Self.at(2)
            func count(_ got: [OutboxMessage], _ s: Subscription) -> Int { got.filter { $0.subscription == s.id }.count }
            let first = try await store.claimDue(now: t, limit: 500, claimant: "a", lease: 10)
            #expect(count(first, robot) == 20 && count(first, plain) == 30)
            // The oldest first: the robot's twenty are its first twenty.
            #expect(first.filter { $0.subscription == robot.id }.flatMap(\.facts).map(\.seq) == (1...20).map { Int64($0) })
            // Its lease over but the minute not: nothing more for the robot.
            let mid = try await store.claimDue(now: t.adding(seconds: 30), limit: 500, claimant: "b", lease: 10)
            #expect(count(mid, robot) == 0 && count(mid, plain) == 30)
            let later = try await store.claimDue(now: t.adding(seconds: 61), limit: 500, claimant: "b", lease: 10)
            #expect(count(later, robot) == 20)  // ten never tried, and the ten of the first minute again (their lease ran out untouched)
        }
    }

    static func claimAll(_ store: SQLCampaignStore, _ who: String, _ now: Instant) async throws -> [Int64] {
        var out: [Int64] = []
        while true {
            let got = try await store.claimDue(now: now, limit: 3, claimant: who, lease: 60)
            if got.isEmpty { return out }
            #expect(got.allSatisfy { $0.attempts == 1 })
            out += got.map(\.id)
        }
    }
}
