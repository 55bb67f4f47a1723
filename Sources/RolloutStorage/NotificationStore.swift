import RolloutCore

/// A message of the outbox: one notification, or one subscription's digest of a day.
public struct OutboxMessage: Sendable, Equatable, Codable {
    /// Where a message stands.
    public enum Status: String, Sendable, Codable, CaseIterable { case pending, delivered, failed }

    /// Its number; the stable id every try of it carries (`rollout-<id>`).
    public var id: Int64
    /// The subscription it is for.
    public var subscription: Int64
    /// The day a digest gathers; nil for a single notification.
    public var digestDay: DayNumber?
    /// Where it stands.
    public var status: Status
    /// Tries so far.
    public var attempts: Int
    /// When it is (or was) next due.
    public var nextAttemptAt: Instant
    /// When it was written (the recording of its first event).
    public var createdAt: Instant
    /// When it was delivered.
    public var deliveredAt: Instant?
    /// Why its last try failed.
    public var lastError: String?
    /// Its events, oldest first.
    public var facts: [NotificationFact]

    /// A message as stored.
    public init(id: Int64, subscription: Int64, digestDay: DayNumber?, status: Status, attempts: Int, nextAttemptAt: Instant,
                createdAt: Instant, deliveredAt: Instant?, lastError: String?, facts: [NotificationFact]) {
        self.id = id; self.subscription = subscription; self.digestDay = digestDay; self.status = status
        self.attempts = attempts; self.nextAttemptAt = nextAttemptAt; self.createdAt = createdAt
        self.deliveredAt = deliveredAt; self.lastError = lastError; self.facts = facts
    }

    /// The id a receiver can drop repeats by.
    public var messageId: String { "rollout-\(id)" }
}

/// What a try of a claimed message came to.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver took it.
    case delivered
    /// It failed with this reason; tried again later unless it was the last try (or `final`).
    case failed(reason: String, final: Bool)
}

/// How many messages of a subscription stand where.
public struct OutboxCounts: Sendable, Equatable, Codable {
    /// Waiting to be sent (or tried again).
    public var pending: Int
    /// Taken by their receiver.
    public var delivered: Int
    /// Given up on.
    public var failed: Int

    /// Counts as read.
    public init(pending: Int = 0, delivered: Int = 0, failed: Int = 0) {
        self.pending = pending; self.delivered = delivered; self.failed = failed
    }
}

/// The subscriptions and the outbox, in the campaign's database. Notifications are written by the
/// log's own append, in the transaction of the events that cause them; these calls manage the
/// subscriptions and let a delivery service claim, send and mark messages.
public protocol NotificationStore: Sendable {
    /// Stores a new subscription (its id is given by the store) and returns it.
    func addSubscription(_ subscription: Subscription) async throws -> Subscription
    /// Every subscription, removed ones too, by id.
    func subscriptions() async throws -> [Subscription]
    /// Replaces a subscription's channel (setting a demo's empty address, say); throws `unknown_subscription`.
    func setSubscriptionChannel(_ id: Int64, _ channel: Subscription.Channel) async throws -> Subscription
    /// Marks a subscription removed; its pending messages are not sent. Throws `unknown_subscription`.
    func removeSubscription(_ id: Int64, at: Instant) async throws -> Subscription
    /// Claims up to `limit` messages due at `now` for `claimant`, held for `lease` seconds; two
    /// claimants never hold one message at once. Counts the try.
    func claimDue(now: Instant, limit: Int, claimant: String, lease: Int64) async throws -> [OutboxMessage]
    /// Holds a claimed message for `lease` seconds more, just before it is sent: true while
    /// `claimant` still holds it (its lease not run out), false when it must not be sent (another
    /// instance may have it now).
    func renewClaim(_ id: Int64, claimant: String, now: Instant, lease: Int64) async throws -> Bool
    /// Records what a claimed try came to (only while `claimant` holds it).
    func finishDelivery(_ id: Int64, claimant: String, outcome: DeliveryOutcome, at: Instant) async throws
    /// A subscription's messages (or everyone's), newest first.
    func outbox(subscription: Int64?, status: OutboxMessage.Status?, limit: Int) async throws -> [OutboxMessage]
    /// How many messages of each subscription stand where.
    func outboxCounts() async throws -> [Int64: OutboxCounts]
}
