import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// Notifications (消息通知): the subscriptions an account may manage, with what their outbox sent,
/// failed and holds; forms to subscribe (itself, or its organisation), set a subscription's
/// address and remove one. The API answers the same.
enum NotificationsPage {
    struct Form: Decodable {
        var action: String?
        var id: String?
        var scope: String?
        var topic_escalation: String?
        var topic_clock_ran_out: String?
        var topic_dispatched: String?
        var topic_obstacle_opened: String?
        var topic_rejection: String?
        var topic_missed_reports: String?
        var topic_bulletin: String?
        var topic_supervision: String?
        var webhook: String?
        var format: String?
        var style: String?
        var secret: String?
        var email: String?
        var digest: String?
        var language: String?
        var url: String?
        var lang: String?

        /// The topics ticked (a checkbox per topic, `topic_<code>`).
        var topics: [String] {
            let ticked: [(NotificationTopic, String?)] = [
                (.escalation, topic_escalation), (.clockRanOut, topic_clock_ran_out), (.dispatched, topic_dispatched),
                (.obstacleOpened, topic_obstacle_opened), (.rejection, topic_rejection), (.missedReports, topic_missed_reports),
                (.bulletin, topic_bulletin), (.supervision, topic_supervision),
            ]
            return ticked.filter { $0.1 != nil }.map(\.0.rawValue)
        }
    }

    struct SubscribeBody: Decodable {
        var account: String?
        var scope: String?
        var topics: [String]
        var webhook: String?
        var format: String?
        var style: String?
        var secret: String?
        var email: String?
        var digest: Bool?
        var language: String?
    }

    struct AddressBody: Decodable { var address: String }

    struct Model {
        var lines: [SubscriptionLine]
        var messages: [OutboxMessage]
        var regions: [Region]
        var principal: Principal?
        var topics: [NotificationTopic]
        var scopes: [Subscription.Scope]
        var done: Bool
        var error: RolloutError?
    }

    /// The messages the page lists.
    static let shownMessages = 100

    static func language(_ text: String?) throws -> Language {
        guard let text, !text.isEmpty else { return .zh }
        guard let l = Language(rawValue: text) else { throw RolloutError("bad_language", ["value": String(text.prefix(20))]) }
        return l
    }

    static func id(_ text: String?) throws -> Int64 {
        guard let text, let n = Int64(text), n > 0 else { throw RolloutError("unknown_subscription", kind: .notFound, ["value": String((text ?? "").prefix(20))]) }
        return n
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.notifications) { request, context in
            try await page(request, context, service: service, error: nil)
        }
        router.on(.notificationsAction) { request, context in
            let form = try await request.form(Form.self, upTo: 64 * 1024)
            return try await FormSubmission.handle(perform: {
                let principal = try context.requirePrincipal()
                switch form.action ?? "" {
                case "subscribe":
                    let webhook = form.webhook ?? ""
                    let email = form.email.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
                    _ = try await service.subscribe(SubscriptionRequest(
                        scope: form.scope.flatMap { $0.isEmpty || $0 == "self" ? nil : $0 }, topics: form.topics.joined(separator: ","),
                        webhook: email == nil ? webhook : nil, format: form.format, style: form.style, secret: form.secret,
                        email: email, digest: form.digest == "on" || form.digest == "1", language: try language(form.language)), by: principal)
                case "remove":
                    try await service.unsubscribe(try id(form.id), by: principal)
                case "address":
                    try await service.setSubscriptionAddress(try id(form.id), to: form.url ?? "", by: principal)
                default: throw RolloutError("reporting_bad_action", ["value": String((form.action ?? "").prefix(40))])
                }
                return "\(Route.notifications.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&done=1"
            }, again: { e in try await page(request, context, service: service, error: e) })
        }
        router.on(.apiSubscriptions) { _, context in
            let lines = try await service.subscriptionLines(for: try context.requirePrincipal())
            return try JSONResponse.ok(lines.map(SubscriptionJSON.init))
        }
        router.on(.apiSubscribe) { request, context in
            let b = try await request.json(SubscribeBody.self, upTo: 16 * 1024)
            let s = try await service.subscribe(SubscriptionRequest(
                account: b.account, scope: b.scope, topics: b.topics.joined(separator: ","), webhook: b.webhook, format: b.format, style: b.style,
                secret: b.secret, email: b.email, digest: b.digest ?? false, language: try language(b.language)), by: try context.requirePrincipal())
            return try JSONResponse.ok(SubscriptionJSON(SubscriptionLine(subscription: s, counts: OutboxCounts())))
        }
        router.on(.apiUnsubscribe) { _, context in
            let s = try await service.unsubscribe(try id(context.parameters.get("id")), by: try context.requirePrincipal())
            return try JSONResponse.ok(SubscriptionJSON(SubscriptionLine(subscription: s, counts: OutboxCounts())))
        }
        router.on(.apiSubscriptionAddress) { request, context in
            let b = try await request.json(AddressBody.self, upTo: 16 * 1024)
            let s = try await service.setSubscriptionAddress(try id(context.parameters.get("id")), to: b.address, by: try context.requirePrincipal())
            return try JSONResponse.ok(SubscriptionJSON(SubscriptionLine(subscription: s, counts: OutboxCounts())))
        }
        router.on(.apiNotifications) { request, context in
            let status = try request.query("status").flatMap { text -> OutboxMessage.Status? in
                if text.isEmpty { return nil }
                guard let s = OutboxMessage.Status(rawValue: text) else { throw RolloutError("bad_status", ["value": String(text.prefix(40))]) }
                return s
            }
            let subscription = try request.query("subscription").flatMap { $0.isEmpty ? nil : try id($0) }
            let limit = try request.query("limit").map { text -> Int in
                guard let n = Int(text), (1...500).contains(n) else { throw RolloutError("bad_page", ["value": String(text.prefix(20))]) }
                return n
            } ?? 100
            let messages = try await service.outbox(subscription: subscription, status: status, limit: limit, by: try context.requirePrincipal())
            return try JSONResponse.ok(messages.map(OutboxJSON.init))
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service)
        let principal = try context.requirePrincipal()
        let lines = try await service.subscriptionLines(for: principal)
        let messages = try await service.outbox(subscription: nil, status: nil, limit: shownMessages, by: principal)
        let regions = try await service.regionList()
        var scopes: [Subscription.Scope] = []
        if principal.role == .cityOffice {
            scopes = [.city] + Dispatch.departments.map(Subscription.Scope.unit) + Operator.allCases.map(Subscription.Scope.operator)
                + regions.map { Subscription.Scope.region($0.code) }
        } else if let own = SubscriptionAccess.organisation(of: principal) {
            scopes = [own]
        }
        let m = Model(lines: lines, messages: messages, regions: regions, principal: principal,
                      topics: Subscription.topics(for: principal.role).sorted(), scopes: scopes,
                      done: request.query("done") != nil, error: error)
        return HTMLPage.html(view(m, context: c), status: error.map(JSONResponse.status) ?? .ok)
    }
}

/// A subscription as the API answers it (a webhook's query, where robots keep their key, hidden;
/// the secret never shown).
struct SubscriptionJSON: Encodable {
    var id: Int64
    var account: String?
    var scope: String
    var topics: [String]
    var channel: String
    var address: String
    var format: String?
    var style: String?
    var signed: Bool
    var digest: Bool
    var language: String
    var active: Bool
    var created_at: String
    var created_by: String
    var removed_at: String?
    var pending: Int
    var delivered: Int
    var failed: Int

    init(_ line: SubscriptionLine) {
        let s = line.subscription
        id = s.id; account = s.account; scope = s.scope.text; topics = s.topics.sorted().map(\.rawValue)
        address = s.maskedTarget; digest = s.digest; language = s.language.rawValue; active = s.isActive
        created_at = ShanghaiCalendar.iso8601(s.createdAt); created_by = s.createdBy; removed_at = s.removedAt.map(ShanghaiCalendar.iso8601)
        pending = line.counts.pending; delivered = line.counts.delivered; failed = line.counts.failed
        switch s.channel {
        case .webhook(_, let f, let st, let secret): channel = "webhook"; format = f.rawValue; style = st.rawValue; signed = secret != nil
        case .email: channel = "email"; format = nil; style = nil; signed = false
        }
    }
}

/// A message of the outbox as the API answers it.
struct OutboxJSON: Encodable {
    struct Item: Encodable { var seq: Int64; var topic: String; var occurred_at: String; var region_code: String?; var ref: String? }
    var id: String
    var subscription: Int64
    var digest_day: String?
    var status: String
    var attempts: Int
    var next_attempt_at: String
    var created_at: String
    var delivered_at: String?
    var last_error: String?
    var items: [Item]

    init(_ m: OutboxMessage) {
        id = m.messageId; subscription = m.subscription; digest_day = m.digestDay.map(ShanghaiCalendar.dateString); status = m.status.rawValue
        attempts = m.attempts; next_attempt_at = ShanghaiCalendar.iso8601(m.nextAttemptAt); created_at = ShanghaiCalendar.iso8601(m.createdAt)
        delivered_at = m.deliveredAt.map(ShanghaiCalendar.iso8601); last_error = m.lastError
        items = m.facts.map { Item(seq: $0.seq, topic: $0.topic.rawValue, occurred_at: ShanghaiCalendar.iso8601($0.occurredAt), region_code: $0.region, ref: $0.ref) }
    }
}
