import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

extension SQLCampaignStore {
    /// Stores a new subscription; the store gives its id.
    public func addSubscription(_ subscription: Subscription) async throws -> Subscription {
        try await write { db in
            // The id first (the spec holds it): the row is inserted, then its spec written with its id.
            let id = try await db.raw("""
                INSERT INTO subscriptions (account, spec, created_at) VALUES (\(bind: subscription.account), '{}', \(bind: subscription.createdAt.seconds))
                RETURNING id
                """).first()!.int("id")
            var stored = subscription
            stored.id = id
            try await db.raw("UPDATE subscriptions SET spec = \(bind: try StoredJSON.encode(stored)) WHERE id = \(bind: id)").run()
            return stored
        }
    }

    /// Every subscription, removed ones too, by id.
    public func subscriptions() async throws -> [Subscription] {
        try await read { db in
            try await db.raw("SELECT spec FROM subscriptions ORDER BY id").all().map { try StoredJSON.decode(Subscription.self, try $0.string("spec")) }
        }
    }

    /// Replaces a subscription's channel.
    public func setSubscriptionChannel(_ id: Int64, _ channel: Subscription.Channel) async throws -> Subscription {
        try await changeSubscription(id) { $0.channel = channel }
    }

    /// Marks a subscription removed (once; its pending messages are then given up on).
    public func removeSubscription(_ id: Int64, at: Instant) async throws -> Subscription {
        try await changeSubscription(id) { s in if s.removedAt == nil { s.removedAt = at } }
    }

    private func changeSubscription(_ id: Int64, _ change: @escaping @Sendable (inout Subscription) -> Void) async throws -> Subscription {
        try await write { db in
            guard let row = try await db.raw("SELECT spec FROM subscriptions WHERE id = \(bind: id)").first() else {
                throw RolloutError("unknown_subscription", kind: .notFound, ["value": String(id)])
            }
            var s = try StoredJSON.decode(Subscription.self, try row.string("spec"))
            change(&s)
            try await db.raw("""
                UPDATE subscriptions SET spec = \(bind: try StoredJSON.encode(s)), removed_at = \(bind: s.removedAt?.seconds) WHERE id = \(bind: id)
                """).run()
            return s
        }
    }

    /// Claims due messages for a claimant, held for `lease` seconds: oldest due first, and no more
    /// of a subscription than its tries in the last minute leave of its rate (20 for a robot). On
    /// PostgreSQL rows another claimant is locking are skipped (`FOR UPDATE SKIP LOCKED`); SQLite
    /// has one writer at a time.
    public func claimDue(now: Instant, limit: Int, claimant: String, lease: Int64) async throws -> [OutboxMessage] {
        let dialect = self.dialect
        let claimed: [Int64] = try await write { db in
            let lock = dialect == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
            let t = now.seconds
            return try await db.raw("""
                WITH recent AS (SELECT subscription_id, COUNT(*) AS n FROM notifications WHERE last_attempt_at > \(bind: t - 60)
                                GROUP BY subscription_id),
                     ranked AS (SELECT d.id, d.next_attempt_at, d.per_minute - COALESCE(r.n, 0) AS room,
                                       ROW_NUMBER() OVER (PARTITION BY d.subscription_id ORDER BY d.next_attempt_at, d.id) AS rank
                                FROM notifications d LEFT JOIN recent r ON r.subscription_id = d.subscription_id
                                WHERE d.status = 'pending' AND d.next_attempt_at <= \(bind: t)
                                  AND (d.claimed_until IS NULL OR d.claimed_until < \(bind: t)))
                UPDATE notifications SET claimed_until = \(bind: t + lease), claimed_by = \(bind: claimant), attempts = attempts + 1,
                                         last_attempt_at = \(bind: t)
                WHERE id IN (SELECT n.id FROM notifications n WHERE n.id IN (SELECT id FROM ranked WHERE rank <= room)
                               AND n.status = 'pending' AND (n.claimed_until IS NULL OR n.claimed_until < \(bind: t))
                             ORDER BY n.next_attempt_at, n.id LIMIT \(bind: Int64(limit)) \(unsafeRaw: lock))
                RETURNING id
                """).all().map { try $0.int("id") }
        }
        guard !claimed.isEmpty else { return [] }
        return try await read { db in try await Self.messages(where: "n.id IN (\(claimed.map(String.init).joined(separator: ",")))", db: db) }
            .sorted { $0.id < $1.id }
    }

    /// Holds a claimed message for `lease` seconds more, just before it is sent; false once the claim has run out.
    public func renewClaim(_ id: Int64, claimant: String, now: Instant, lease: Int64) async throws -> Bool {
        try await write { db in
            try await db.raw("""
                UPDATE notifications SET claimed_until = \(bind: now.seconds + lease)
                WHERE id = \(bind: id) AND claimed_by = \(bind: claimant) AND status = 'pending' AND claimed_until >= \(bind: now.seconds)
                RETURNING id
                """).first() != nil
        }
    }

    /// Records a try's outcome while the claimant holds the message: delivered, retried after the schedule's wait, or failed.
    public func finishDelivery(_ id: Int64, claimant: String, outcome: DeliveryOutcome, at: Instant) async throws {
        try await write { db in
            guard let row = try await db.raw("""
                SELECT attempts FROM notifications WHERE id = \(bind: id) AND claimed_by = \(bind: claimant) AND status = 'pending'
                """).first() else { return }
            let attempts = Int(try row.int("attempts"))
            switch outcome {
            case .delivered:
                try await db.raw("""
                    UPDATE notifications SET status = 'delivered', delivered_at = \(bind: at.seconds), claimed_until = NULL, last_error = NULL
                    WHERE id = \(bind: id)
                    """).run()
            case .failed(let reason, let final):
                let text = String(reason.prefix(500))
                if final || attempts >= DeliverySchedule.maxAttempts {
                    try await db.raw("""
                        UPDATE notifications SET status = 'failed', claimed_until = NULL, last_error = \(bind: text) WHERE id = \(bind: id)
                        """).run()
                } else {
                    let next = at.seconds + DeliverySchedule.retryDelay(afterAttempts: attempts)
                    try await db.raw("""
                        UPDATE notifications SET next_attempt_at = \(bind: next), claimed_until = NULL, last_error = \(bind: text) WHERE id = \(bind: id)
                        """).run()
                }
            }
        }
    }

    /// Messages, newest first, with their facts.
    public func outbox(subscription: Int64?, status: OutboxMessage.Status?, limit: Int) async throws -> [OutboxMessage] {
        try await read { db in
            // Numbers and a known status only: the condition is built, not bound.
            var conditions = ["1 = 1"]
            if let subscription { conditions.append("subscription_id = \(subscription)") }
            if let status { conditions.append("status = '\(status.rawValue)'") }
            let ids = try await db.raw("""
                SELECT id FROM notifications WHERE \(unsafeRaw: conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT \(bind: Int64(max(1, limit)))
                """).all().map { try $0.int("id") }
            guard !ids.isEmpty else { return [] }
            return try await Self.messages(where: "n.id IN (\(ids.map(String.init).joined(separator: ",")))", db: db).sorted { $0.id > $1.id }
        }
    }

    /// Messages per subscription and status.
    public func outboxCounts() async throws -> [Int64: OutboxCounts] {
        try await read { db in
            var out: [Int64: OutboxCounts] = [:]
            for r in try await db.raw("SELECT subscription_id, status, COUNT(*) AS n FROM notifications GROUP BY subscription_id, status").all() {
                let id = try r.int("subscription_id"), n = Int(try r.int("n"))
                switch OutboxMessage.Status(rawValue: try r.string("status")) {
                case .pending?: out[id, default: OutboxCounts()].pending += n
                case .delivered?: out[id, default: OutboxCounts()].delivered += n
                case .failed?: out[id, default: OutboxCounts()].failed += n
                case nil: break
                }
            }
            return out
        }
    }

    /// Messages with their facts; `condition` is built from numbers only.
    private static func messages(where condition: String, db: any SQLDatabase) async throws -> [OutboxMessage] {
        var facts: [Int64: [NotificationFact]] = [:]
        for r in try await db.raw("SELECT i.notification_id, i.fact FROM notification_items i JOIN notifications n ON n.id = i.notification_id WHERE \(unsafeRaw: condition) ORDER BY i.seq").all() {
            facts[try r.int("notification_id"), default: []].append(try StoredJSON.decode(NotificationFact.self, try r.string("fact")))
        }
        return try await db.raw("""
            SELECT n.id, n.subscription_id, n.digest_day, n.status, n.attempts, n.next_attempt_at, n.created_at, n.delivered_at, n.last_error
            FROM notifications n WHERE \(unsafeRaw: condition)
            """).all().map { r in
            let id = try r.int("id")
            return OutboxMessage(id: id, subscription: try r.int("subscription_id"), digestDay: try r.optionalInt("digest_day").map { Int($0) },
                                 status: OutboxMessage.Status(rawValue: try r.string("status")) ?? .failed, attempts: Int(try r.int("attempts")),
                                 nextAttemptAt: Instant(seconds: try r.int("next_attempt_at")), createdAt: Instant(seconds: try r.int("created_at")),
                                 deliveredAt: try r.optionalInt("delivered_at").map(Instant.init(seconds:)), lastError: try r.optionalString("last_error"),
                                 facts: facts[id] ?? [])
        }
    }
}
