import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

/// The outbox's writing side, run by the log's append in the events' own transaction: each event
/// that is news becomes a fact; each active subscription that wants it gets a message (a new one,
/// or the pending digest of the day the event was recorded on) holding that fact.
enum Outbox {
    /// Writes the messages of newly logged events. Costs one read of the subscriptions when any
    /// event is news, nothing otherwise.
    static func enqueue(_ logged: [LoggedEvent], db: any SQLDatabase) async throws {
        let news = logged.filter { NotificationFact.isNews($0.event.body) }
        guard !news.isEmpty else { return }
        let subscriptions = try await activeSubscriptions(db)
        guard !subscriptions.isEmpty else { return }
        let facts = try await facts(of: news, db: db)
        var digests: [String: Int64] = [:]
        for (fact, recorded) in facts {
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
                        id = try await insertMessage(subscription: s.id, digestDay: day, due: DeliverySchedule.digestDue(day), at: recorded, db: db)
                    }
                    digests[key] = id
                } else {
                    id = try await insertMessage(subscription: s.id, digestDay: nil, due: recorded, at: recorded, db: db)
                }
                try await db.raw("""
                    INSERT INTO notification_items (notification_id, seq, fact) VALUES (\(bind: id), \(bind: fact.seq), \(bind: try StoredJSON.encode(fact)))
                    """).run()
            }
        }
    }

    private static func insertMessage(subscription: Int64, digestDay: DayNumber?, due: Instant, at: Instant, db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO notifications (subscription_id, digest_day, status, attempts, next_attempt_at, created_at)
            VALUES (\(bind: subscription), \(bind: digestDay.map(Int64.init)), 'pending', 0, \(bind: due.seconds), \(bind: at.seconds)) RETURNING id
            """).first()!.int("id")
    }

    /// The subscriptions that can be sent to.
    static func activeSubscriptions(_ db: any SQLDatabase) async throws -> [Subscription] {
        try await db.raw("SELECT spec FROM subscriptions WHERE removed_at IS NULL ORDER BY id").all()
            .map { try StoredJSON.decode(Subscription.self, try $0.string("spec")) }
            .filter(\.isActive)
    }

    /// The facts of the news among `logged`, with when each was recorded, looking up the
    /// obstacles (as they stand after the append) and the sites' districts they need.
    private static func facts(of news: [LoggedEvent], db: any SQLDatabase) async throws -> [(NotificationFact, Instant)] {
        var obstacleEntities: Set<String> = []
        var sites: Set<SiteKey> = []
        for e in news {
            switch e.event.body {
            case .obstacleEscalated(let org, let ref, _), .obstacleStep(let org, let ref, _):
                obstacleEntities.insert(ObstacleOpening.entity(org: org, ref: ref))
            case .obstacleOpened(let o): obstacleEntities.insert(o.entity)
            case .resourceRequestAnswered(let r, _, _): sites.insert(r.site)
            default: break
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
            default: break
            }
            return NotificationFact.of(e, context: context).map { ($0, e.event.recordedAt) }
        }
    }
}
