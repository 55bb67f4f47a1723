import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

/// The outbox's writing side, run by the log's append in the events' own transaction: each event
/// that is news becomes a fact; each active subscription that wants it gets a message (a new one,
/// or the pending digest of the day the event was recorded on) holding that fact.
enum Outbox {
    /// Writes the messages of newly logged events. Costs one read of the subscriptions when any
    /// event is news, nothing otherwise; the messages and their facts go in multi-row inserts (an
    /// import of 5,000 obstacles with two subscriptions took 9.7 s on PostgreSQL and 2.4 s on SQLite
    /// one by one, 2.5 s and 0.8 s so, against 1.6 s and 0.6 s without subscriptions; debug build). Ids are given here, one past the highest: appends are one writer at a time on both
    /// engines (PostgreSQL's append locks the log), and only appends write messages.
    static func enqueue(_ logged: [LoggedEvent], db: any SQLDatabase) async throws {
        let news = logged.filter { NotificationFact.isNews($0.event.body) }
        guard !news.isEmpty else { return }
        let subscriptions = try await activeSubscriptions(db)
        guard !subscriptions.isEmpty else { return }
        let facts = try await facts(of: news, db: db)
        var next = try await db.raw("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM notifications").first()!.int("m") + 1
        var messages: [[any Encodable & Sendable]] = []
        var items: [[any Encodable & Sendable]] = []
        var digests: [String: Int64] = [:]
        for (fact, recorded) in facts {
            let text = try StoredJSON.encode(fact)
            for s in subscriptions where s.wants(fact) {
                let id: Int64
                if s.digest {
                    let day = DeliverySchedule.digestDay(of: recorded)
                    let key = "\(s.id)|\(day)"
                    if let known = digests[key] {
                        id = known
                    } else if let open = try await db.raw("""
                        SELECT id FROM notifications WHERE subscription_id = \(bind: s.id) AND digest_day = \(bind: day)
                          AND status = 'pending' AND attempts = 0 ORDER BY id LIMIT 1
                        """).first() {
                        id = try open.int("id")
                    } else {
                        id = next
                        next += 1
                        messages.append(row(id, s, digestDay: day, due: DeliverySchedule.digestDue(day), at: recorded))
                    }
                    digests[key] = id
                } else {
                    id = next
                    next += 1
                    messages.append(row(id, s, digestDay: nil, due: recorded, at: recorded))
                }
                items.append([id, fact.seq, text])
            }
        }
        try await db.insertRows("notifications", columns: ["id", "subscription_id", "digest_day", "status", "attempts", "next_attempt_at", "created_at", "per_minute"],
                                rows: messages)
        try await db.insertRows("notification_items", columns: ["notification_id", "seq", "fact"], rows: items)
    }

    private static func row(_ id: Int64, _ s: Subscription, digestDay: DayNumber?, due: Instant, at: Instant) -> [any Encodable & Sendable] {
        [id, s.id, digestDay.map(Int64.init), "pending", Int64(0), due.seconds, at.seconds, Int64(DeliverySchedule.perMinute(s.channel))]
    }

    /// The subscriptions that can be sent to: standing, with an address, and not of a disabled account.
    static func activeSubscriptions(_ db: any SQLDatabase) async throws -> [Subscription] {
        try await db.raw("""
            SELECT spec FROM subscriptions WHERE removed_at IS NULL
              AND (account IS NULL OR account IN (SELECT name FROM accounts WHERE disabled_at IS NULL)) ORDER BY id
            """).all()
            .map { try StoredJSON.decode(Subscription.self, try $0.string("spec")) }
            .filter(\.isActive)
    }

    /// The facts of the news among `logged`, with when each was recorded, looking up the
    /// obstacles (as they stand after the append) and the sites' districts they need.
    private static func facts(of news: [LoggedEvent], db: any SQLDatabase) async throws -> [(NotificationFact, Instant)] {
        var obstacleEntities: Set<String> = []
        var sites: Set<SiteKey> = []
        var findingEntities: Set<String> = []
        for e in news {
            switch e.event.body {
            case .obstacleEscalated(let org, let ref, _), .obstacleStep(let org, let ref, _):
                obstacleEntities.insert(ObstacleOpening.entity(org: org, ref: ref))
            case .obstacleOpened(let o): obstacleEntities.insert(o.entity)
            case .resourceRequestAnswered(let r, _, _): sites.insert(r.site)
            case .findingStep(let ref, _): findingEntities.insert(SafetyFinding.entity(ref))
            default: break
            }
        }
        var findings: [String: SafetyFinding] = [:]
        if !findingEntities.isEmpty {
            let decoder = JSONDecoder()
            for row in try await db.raw("""
                SELECT \(unsafeRaw: EventRow.select) FROM events WHERE kind = 'safety.finding' AND entity IN (\(binds: Array(findingEntities).sorted()))
                """).all() {
                if case .findingRecorded(let f) = try EventRow.decode(row, decoder: decoder).event.body { findings[f.ref] = f }
            }
        }
        let obstacles = try await Projector.loadObstacles(obstacleEntities, db: db)
        var regionOf: [SiteKey: String] = [:]
        for site in sites {
            if let r = try await db.raw("SELECT region_code FROM sites WHERE operator = \(bind: site.operator.rawValue) AND code = \(bind: site.code)").first() {
                regionOf[site] = try r.string("region_code")
            }
        }
        return news.compactMap { e in
            var context = NotificationFact.Context()
            switch e.event.body {
            case .obstacleEscalated(let org, let ref, _), .obstacleStep(let org, let ref, _):
                context.obstacle = obstacles[ObstacleOpening.entity(org: org, ref: ref)]
            case .obstacleOpened(let o): context.obstacle = obstacles[o.entity]
            case .resourceRequestAnswered(let r, _, _): context.siteRegion = regionOf[r.site]
            case .findingStep(let ref, _): context.finding = findings[ref]
            default: break
            }
            return NotificationFact.of(e, context: context).map { ($0, e.event.recordedAt) }
        }
    }
}
