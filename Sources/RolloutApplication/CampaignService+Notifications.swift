import Foundation
import RolloutCore
import RolloutStorage

/// What a new subscription asks for, as the page, the API and the command line give it.
public struct SubscriptionRequest: Sendable {
    /// The account it is for (nil: the asking account, or an organisation's when `scope` is set).
    public var account: String?
    /// An organisation's scope (`region:500101`, `operator:cmcc`, `unit:grid`, `city`); nil: the account's.
    public var scope: String?
    /// The topics, comma-separated.
    public var topics: String
    /// A webhook address (empty: off until set).
    public var webhook: String?
    /// The webhook's format: `wecom`, `dingtalk` or `json` (default json).
    public var format: String?
    /// `markdown` (default) or `text`.
    public var style: String?
    /// A DingTalk robot's signing secret.
    public var secret: String?
    /// An e-mail address instead of a webhook.
    public var email: String?
    /// A daily digest instead of a message each.
    public var digest: Bool
    /// The messages' language.
    public var language: Language

    /// A request as given.
    public init(account: String? = nil, scope: String? = nil, topics: String, webhook: String? = nil, format: String? = nil,
                style: String? = nil, secret: String? = nil, email: String? = nil, digest: Bool = false, language: Language = .zh) {
        self.account = account; self.scope = scope; self.topics = topics; self.webhook = webhook; self.format = format
        self.style = style; self.secret = secret; self.email = email; self.digest = digest; self.language = language
    }
}

/// A subscription as its page lists it: with its outbox's counts.
public struct SubscriptionLine: Sendable, Equatable {
    /// The subscription.
    public var subscription: Subscription
    /// Its messages by status.
    public var counts: OutboxCounts

    /// A line of a subscription and its counts.
    public init(subscription: Subscription, counts: OutboxCounts) { self.subscription = subscription; self.counts = counts }
}

/// Subscriptions and the outbox as the pages, the API and the command line use them.
extension CampaignService {
    /// The most subscriptions a database keeps standing.
    public static let maxSubscriptions = 1_000

    /// Makes a subscription; `principal` nil is the command line (trusted, any account or scope).
    public func subscribe(_ r: SubscriptionRequest, by principal: Principal?) async throws -> Subscription {
        let topics = try NotificationTopic.parseList(r.topics)
        var account: String? = nil
        let scope: Subscription.Scope
        let role: Role
        if let text = r.scope?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard r.account == nil || r.account!.isEmpty else { throw RolloutError("bad_scope", ["value": text]) }
            scope = try Subscription.Scope.parse(text)
            if case .region(let code) = scope, !(try await store.regions()).contains(where: { $0.code == code }) {
                throw RolloutError("unknown_region", ["value": code])
            }
            try SubscriptionAccess.checkOrganisation(scope, principal)
            role = SubscriptionAccess.role(of: scope)
        } else {
            let name = (r.account?.isEmpty == false ? r.account : nil) ?? principal?.account
            guard let name, let stored = try await store.account(named: name), stored.account.disabledAt == nil else {
                throw RolloutError("unknown_account_subscription", kind: .notFound, ["value": r.account ?? ""])
            }
            if let p = principal, p.role != .cityOffice, p.account != name {
                throw RolloutError("forbidden_subscription", kind: .forbidden, ["value": name])
            }
            account = name
            scope = .of(stored.account)
            role = stored.account.role
        }
        try SubscriptionAccess.checkTopics(topics, role: role)
        let channel: Subscription.Channel
        let webhook = r.webhook?.trimmingCharacters(in: .whitespaces), email = r.email?.trimmingCharacters(in: .whitespaces)
        switch (webhook.map { !$0.isEmpty } ?? false, email.map { !$0.isEmpty } ?? false) {
        case (true, false), (false, false) where r.webhook != nil:
            let format = try r.format.map { raw in
                guard let f = Subscription.Format(rawValue: raw) else { throw RolloutError("bad_webhook_format", ["value": String(raw.prefix(40))]) }
                return f
            } ?? .json
            let style = try r.style.map { raw in
                guard let s = Subscription.Style(rawValue: raw) else { throw RolloutError("bad_webhook_style", ["value": String(raw.prefix(40))]) }
                return s
            } ?? .markdown
            let secret = try Subscription.checkedSecret(r.secret)
            if secret != nil && format != .dingtalk { throw RolloutError("subscription_secret_dingtalk") }
            channel = .webhook(url: try Subscription.checkedWebhook(webhook ?? ""), format: format, style: style, secret: secret)
        case (false, true):
            channel = .email(address: try Subscription.checkedEmail(email!))
        default:
            throw RolloutError("subscription_needs_channel")
        }
        let standing = try await store.subscriptions().filter { $0.removedAt == nil }.count
        guard standing < Self.maxSubscriptions else { throw RolloutError("too_many_subscriptions", kind: .conflict, ["value": String(Self.maxSubscriptions)]) }
        let now = clock.now()
        return try await store.addSubscription(Subscription(id: 0, account: account, scope: scope, topics: topics, channel: channel,
                                                            digest: r.digest, language: r.language, createdAt: now,
                                                            createdBy: principal?.account ?? "cli"))
    }

    /// The subscriptions a principal may see (all for the city office and the command line), with
    /// their outbox's counts; removed ones only when asked.
    public func subscriptionLines(for principal: Principal?, includeRemoved: Bool = false) async throws -> [SubscriptionLine] {
        let counts = try await store.outboxCounts()
        return try await store.subscriptions()
            .filter { (includeRemoved || $0.removedAt == nil) && SubscriptionAccess.mayManage($0, principal) }
            .map { SubscriptionLine(subscription: $0, counts: counts[$0.id] ?? OutboxCounts()) }
    }

    /// A subscription the principal may manage; throws `unknown_subscription` or `forbidden_subscription`.
    func managed(_ id: Int64, by principal: Principal?) async throws -> Subscription {
        guard let s = try await store.subscriptions().first(where: { $0.id == id }) else {
            throw RolloutError("unknown_subscription", kind: .notFound, ["value": String(id)])
        }
        guard SubscriptionAccess.mayManage(s, principal) else { throw RolloutError("forbidden_subscription", kind: .forbidden, ["value": String(id)]) }
        return s
    }

    /// Removes a subscription; its pending messages are not sent.
    @discardableResult
    public func unsubscribe(_ id: Int64, by principal: Principal?) async throws -> Subscription {
        let s = try await managed(id, by: principal)
        guard s.removedAt == nil else { throw RolloutError("subscription_removed", kind: .conflict, ["value": String(id)]) }
        return try await store.removeSubscription(id, at: clock.now())
    }

    /// Sets (or clears) a webhook subscription's address: a demo's subscriptions point nowhere
    /// until the office sets one.
    @discardableResult
    public func setSubscriptionAddress(_ id: Int64, to url: String, by principal: Principal?) async throws -> Subscription {
        let s = try await managed(id, by: principal)
        guard s.removedAt == nil else { throw RolloutError("subscription_removed", kind: .conflict, ["value": String(id)]) }
        switch s.channel {
        case .webhook(_, let format, let style, let secret):
            return try await store.setSubscriptionChannel(id, .webhook(url: try Subscription.checkedWebhook(url), format: format, style: style, secret: secret))
        case .email:
            return try await store.setSubscriptionChannel(id, .email(address: try Subscription.checkedEmail(url)))
        }
    }

    /// The outbox's messages of the subscriptions a principal may see, newest first. The city
    /// office and the command line read the whole outbox; any other account reads each of its
    /// subscriptions' own (a read of everyone's newest, filtered after, could hide its older ones).
    public func outbox(subscription: Int64?, status: OutboxMessage.Status?, limit: Int = 100, by principal: Principal?) async throws -> [OutboxMessage] {
        let n = max(1, min(limit, 500))
        if let subscription {
            _ = try await managed(subscription, by: principal)
            return try await store.outbox(subscription: subscription, status: status, limit: n)
        }
        if principal == nil || principal?.role == .cityOffice { return try await store.outbox(subscription: nil, status: status, limit: n) }
        var all: [OutboxMessage] = []
        for line in try await subscriptionLines(for: principal, includeRemoved: true) {
            all += try await store.outbox(subscription: line.subscription.id, status: status, limit: n)
        }
        return Array(all.sorted { $0.id > $1.id }.prefix(n))
    }
}
