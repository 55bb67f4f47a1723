import Foundation

/// A subscription (订阅): who is told of which topics, through which channel, at once or in a
/// daily digest. It belongs to an account (and then hears what the account may read) or to an
/// organisation (a district, an operator, a unit, or the whole city).
public struct Subscription: Codable, Hashable, Sendable {
    /// Whose news it carries.
    public enum Scope: Codable, Hashable, Sendable {
        /// Everything in the city.
        case city
        /// A district's (its code).
        case region(String)
        /// An operator's (China Tower included).
        case `operator`(Operator)
        /// What waits on a dispatching unit (its code).
        case unit(String)
        /// A resource owner's (its name as its offers write it).
        case owner(String)

        /// The scope an account hears: its role's reach.
        public static func of(_ account: Account) -> Scope {
            switch account.role {
            case .district: account.region.map(Scope.region) ?? .city
            case .operator: account.operator.map(Scope.operator) ?? .city
            case .resourceOwner: account.owner.map(Scope.owner) ?? .city
            case .cityOffice, .leader, .admin, .inspector, .verifier: .city
            }
        }

        /// Whether a fact lies in this scope.
        public func covers(_ fact: NotificationFact) -> Bool {
            if fact.cityWide { return true }
            switch self {
            case .city: return true
            case .region(let code): return fact.region == code
            case .operator(let op): return fact.operator == op
            case .unit(let code): return fact.unit == code
            case .owner(let name): return fact.owner == name
            }
        }

        /// `city`, `region:500101`, `operator:cmcc`, `unit:grid` or `owner:NAME`.
        public var text: String {
            switch self {
            case .city: "city"
            case .region(let c): "region:\(c)"
            case .operator(let o): "operator:\(o.rawValue)"
            case .unit(let u): "unit:\(u)"
            case .owner(let n): "owner:\(n)"
            }
        }

        /// Parses ``text``; throws `bad_scope`.
        public static func parse(_ text: String) throws -> Scope {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            switch (parts.first, parts.count) {
            case ("city", 1): return .city
            case ("region", 2): return .region(parts[1])
            case ("operator", 2): if let o = Operator(rawValue: parts[1]) { return .operator(o) }
            case ("unit", 2): if Dispatch.isUnit(parts[1]) { return .unit(parts[1]) }
            case ("owner", 2): if !parts[1].isEmpty { return .owner(parts[1]) }
            default: break
            }
            throw RolloutError("bad_scope", ["value": String(text.prefix(60))])
        }
    }

    /// The message formats of webhooks: WeChat Work's and DingTalk's group robots, or plain JSON.
    public enum Format: String, Codable, Hashable, Sendable, CaseIterable { case wecom, dingtalk, json }

    /// Markdown or plain text, for the robots' formats.
    public enum Style: String, Codable, Hashable, Sendable, CaseIterable { case markdown, text }

    /// Where the messages go.
    public enum Channel: Codable, Hashable, Sendable {
        /// An HTTP(S) address that takes a POST; an empty one means off until somebody sets it.
        case webhook(url: String, format: Format, style: Style, secret: String?)
        /// An e-mail address, through the city's SMTP relay.
        case email(address: String)
    }

    /// The subscription's number.
    public var id: Int64
    /// The account it belongs to; nil for an organisation's.
    public var account: String?
    /// Whose news it carries.
    public var scope: Scope
    /// Which topics.
    public var topics: Set<NotificationTopic>
    /// Where to.
    public var channel: Channel
    /// A daily digest (the day's news in one message the next morning) instead of one message each.
    public var digest: Bool
    /// The language of its messages.
    public var language: Language
    /// When and by whom it was made.
    public var createdAt: Instant
    /// The account (or `cli`) that made it.
    public var createdBy: String
    /// When it was removed; nil while it stands.
    public var removedAt: Instant?

    /// A subscription as stored.
    public init(id: Int64, account: String?, scope: Scope, topics: Set<NotificationTopic>, channel: Channel, digest: Bool,
                language: Language, createdAt: Instant, createdBy: String, removedAt: Instant? = nil) {
        self.id = id; self.account = account; self.scope = scope; self.topics = topics; self.channel = channel
        self.digest = digest; self.language = language; self.createdAt = createdAt; self.createdBy = createdBy
        self.removedAt = removedAt
    }

    /// Whether messages can go: it stands and its channel has an address.
    public var isActive: Bool {
        guard removedAt == nil else { return false }
        if case .webhook(let url, _, _, _) = channel, url.isEmpty { return false }
        return true
    }

    /// Whether it wants a fact: one of its topics, in its scope.
    public func wants(_ fact: NotificationFact) -> Bool { topics.contains(fact.topic) && scope.covers(fact) }

    /// The address with its secret part hidden, for lists (a robot's key is in its query).
    public var maskedTarget: String {
        switch channel {
        case .email(let address): return address
        case .webhook(let url, _, _, _):
            guard !url.isEmpty else { return "" }
            guard let q = url.firstIndex(of: "?") else { return url }
            return String(url[..<q]) + "?…"
        }
    }
}

extension Subscription {
    /// The longest webhook address or e-mail address taken.
    public static let maxAddress = 2_000

    /// Checks a webhook address: http or https, a host, no user or password in it, at most
    /// ``maxAddress`` characters; empty is allowed (off until set). Throws `bad_webhook_url`.
    public static func checkedWebhook(_ raw: String) throws -> String {
        let url = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if url.isEmpty { return "" }
        guard url.count <= maxAddress, let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = c.host, !host.isEmpty, c.user == nil, c.password == nil,
              !url.contains(where: { $0.isWhitespace || $0.isNewline })
        else { throw RolloutError("bad_webhook_url", ["value": String(url.prefix(80))]) }
        return url
    }

    /// Checks an e-mail address: one `@`, a dotted domain, no spaces or angle brackets or line
    /// breaks (it goes into SMTP commands). Throws `bad_email`.
    public static func checkedEmail(_ raw: String) throws -> String {
        let a = raw.trimmingCharacters(in: .whitespaces)
        let parts = a.split(separator: "@", omittingEmptySubsequences: false)
        guard a.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
              !parts[1].hasSuffix("."), a.allSatisfy({ $0.isASCII && !$0.isWhitespace && !"<>()[],;:\"\\".contains($0) })
        else { throw RolloutError("bad_email", ["value": String(a.prefix(80))]) }
        return a
    }

    /// Checks a DingTalk signing secret: printable ASCII, 1–200 characters. Throws `bad_secret`.
    public static func checkedSecret(_ raw: String?) throws -> String? {
        guard let s = raw?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
        guard s.count <= 200, s.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) else { throw RolloutError("bad_secret") }
        return s
    }

    /// The topics a role may hear of: those naming records only for roles that read records,
    /// none for the administrator.
    public static func topics(for role: Role) -> Set<NotificationTopic> {
        let records = Access.allows(role, .readRecords), figures = Access.allows(role, .readFigures)
        var out = Set(NotificationTopic.allCases.filter { $0.namesRecords ? records : figures })
        if role == .operator || role == .resourceOwner { out.insert(.rejection) }
        return out
    }
}
