import AsyncHTTPClient
import Foundation
import Logging
import RolloutCore
import RolloutStorage
import RolloutTexts
import ServiceLifecycle

/// Sends what the outbox holds: claims the messages that are due (so that two instances never hold
/// one at once), sends each through its subscription's channel and records what came of it (a
/// failure is tried again after a doubling wait, and given up on after the last try).
public struct Deliverer: Sendable {
    let store: any CampaignStore
    let webhooks: WebhookSender
    let smtp: SMTPClient?
    let baseURL: String
    let clock: WallClock
    /// The name this instance claims under (unique per process).
    public let claimant: String

    /// A deliverer of a store's outbox; `baseURL` is the platform's public address, for links.
    public init(store: any CampaignStore, webhooks: WebhookSender, smtp: SMTPClient?, baseURL: String, clock: WallClock,
                claimant: String = "instance-\(UInt64.random(in: 1...UInt64.max))") {
        self.store = store; self.webhooks = webhooks; self.smtp = smtp; self.baseURL = baseURL; self.clock = clock
        self.claimant = claimant
    }

    /// What a round did.
    public struct Round: Sendable, Equatable {
        /// Messages claimed.
        public var claimed = 0
        /// Messages delivered.
        public var delivered = 0
        /// Messages that failed this try.
        public var failed = 0
    }

    /// Claims and sends up to `limit` due messages: a subscription's in order, different subscriptions at once.
    @discardableResult
    public func deliverDue(limit: Int = 50) async throws -> Round {
        let now = clock.now()
        let messages = try await store.claimDue(now: now, limit: limit, claimant: claimant, lease: DeliverySchedule.lease)
        var round = Round(claimed: messages.count)
        guard !messages.isEmpty else { return round }
        let subscriptions = Dictionary(uniqueKeysWithValues: try await store.subscriptions().map { ($0.id, $0) })
        let regions = Dictionary(uniqueKeysWithValues: try await store.regions().map { ($0.code, $0) })
        // A subscription's messages one after the other, in order; subscriptions side by side.
        let bySubscription = Dictionary(grouping: messages, by: \.subscription)
        // Each message is held again just before it goes and recorded as soon as it went: a round
        // slower than the lease (a loaded machine) skips what another instance may have taken
        // rather than send it twice.
        let outcomes = try await withThrowingTaskGroup(of: [DeliveryOutcome].self) { group in
            for (id, own) in bySubscription {
                group.addTask {
                    var out: [DeliveryOutcome] = []
                    for m in own.sorted(by: { $0.id < $1.id }) {
                        guard try await self.store.renewClaim(m.id, claimant: self.claimant, now: self.clock.now(), lease: DeliverySchedule.lease) else { continue }
                        let outcome = await self.send(m, subscription: subscriptions[id], regions: regions)
                        try await self.store.finishDelivery(m.id, claimant: self.claimant, outcome: outcome, at: self.clock.now())
                        out.append(outcome)
                    }
                    return out
                }
            }
            var out: [DeliveryOutcome] = []
            for try await o in group { out += o }
            return out
        }
        for outcome in outcomes { if outcome == .delivered { round.delivered += 1 } else { round.failed += 1 } }
        return round
    }

    /// Sends one message through its subscription's channel.
    func send(_ message: OutboxMessage, subscription: Subscription?, regions: [String: Region]) async -> DeliveryOutcome {
        guard let s = subscription, s.isActive else {
            return .failed(reason: Catalogue.text("delivery_subscription_gone", .en), final: true)
        }
        let text = MessageText(message, language: s.language, regions: regions, baseURL: baseURL)
        switch s.channel {
        case .webhook(let url, let format, let style, let secret):
            do {
                let payload = try WebhookPayload(text, url: url, format: format, style: style, secret: secret, subscription: s.id,
                                                 digestDay: message.digestDay, nowMillis: clock.now().seconds * 1000)
                return await webhooks.send(payload, messageId: message.messageId, format: format)
            } catch {
                return .failed(reason: "\(error)", final: true)
            }
        case .email(let address):
            guard let smtp else { return .failed(reason: Catalogue.text("delivery_no_smtp", .en), final: false) }
            return await smtp.send(to: address, subject: text.title, text: text.plain, messageId: message.messageId, date: clock.now())
        }
    }
}

/// `rollout serve`'s delivery of notifications: a round every two seconds until the server shuts
/// down. Every instance runs one; the claims keep them from sending a message twice.
public struct DeliveryService: Service {
    let deliverer: Deliverer
    let interval: Duration

    /// The service of a deliverer.
    public init(deliverer: Deliverer, interval: Duration = .seconds(2)) { self.deliverer = deliverer; self.interval = interval }

    /// Delivers a round, waits, and again, until the server shuts down.
    public func run() async throws {
        let logger = Logger(label: "rollout.notify")
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let round = try await deliverer.deliverDue()
                if round.claimed > 0 { logger.notice("notifications: \(round.delivered) delivered, \(round.failed) failed this try") }
            } catch {
                logger.warning("delivering notifications failed: \(error)")
            }
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) } } catch { return }
        }
    }
}
