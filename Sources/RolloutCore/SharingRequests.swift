import Foundation

/// Co-build and share requests: an operator asks an owner for an offered resource for one of its
/// planned sites; the owner accepts (the site is then hosted by the resource) or declines with a
/// reason. Every step is an event; the requests at a moment are their fold.
public struct ResourceRequest: Hashable, Codable, Sendable {
    /// The request's id (`Q` and hex digits).
    public var id: String
    /// The operator's planned site the resource is asked for.
    public var site: SiteKey
    /// The owner asked, as its offers name it.
    public var owner: String
    /// The owner's id of the resource asked for.
    public var resourceId: String
    /// What the resource is (recorded with the request, so that acceptance can set the site's host).
    public var host: Host
    /// What the operator writes to the owner with the request.
    public var note: String

    /// A request as the operator makes it.
    public init(id: String, site: SiteKey, owner: String, resourceId: String, host: Host, note: String) {
        self.id = id; self.site = site; self.owner = owner; self.resourceId = resourceId; self.host = host; self.note = note
    }

    /// The entity name of a request in the log.
    public static func entity(_ id: String) -> String { "request:\(id)" }
}

/// A request as it stands.
public struct RequestState: Encodable, Equatable, Sendable {
    /// What was asked.
    public var request: ResourceRequest
    /// When it was asked, in field time.
    public var requestedAt: Instant
    /// The account that asked.
    public var requestedBy: String
    /// nil while waiting for the owner.
    public var accepted: Bool?
    /// When the owner answered; nil while waiting.
    public var answeredAt: Instant?
    /// The owner's reason, needed to decline; nil when none was given.
    public var reason: String?

    /// `waiting`, `accepted` or `declined`.
    public var status: String { accepted.map { $0 ? "accepted" : "declined" } ?? "waiting" }

    enum CodingKeys: String, CodingKey { case request, status, requestedAt, requestedBy, answeredAt, reason }

    /// Instants as ISO-8601, with the status in words.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(request, forKey: .request)
        try c.encode(status, forKey: .status)
        try c.encode(requestedAt.description, forKey: .requestedAt)
        try c.encode(requestedBy, forKey: .requestedBy)
        try c.encodeIfPresent(answeredAt?.description, forKey: .answeredAt)
        try c.encodeIfPresent(reason, forKey: .reason)
    }

    /// A request as it stands; by default, still waiting for its answer.
    public init(request: ResourceRequest, requestedAt: Instant, requestedBy: String, accepted: Bool? = nil, answeredAt: Instant? = nil,
                reason: String? = nil) {
        self.request = request; self.requestedAt = requestedAt; self.requestedBy = requestedBy
        self.accepted = accepted; self.answeredAt = answeredAt; self.reason = reason
    }
}

/// The rules and the fold of co-build and share requests (共建共享).
public enum SharingRequests {
    /// Checks an answer: only a waiting request is answered; declining needs a reason.
    public static func answer(_ state: RequestState?, id: String, accepted: Bool, reason: String, at: Instant) throws -> RequestState {
        guard var s = state else { throw RolloutError("unknown_request", kind: .notFound, ["value": id]) }
        guard s.accepted == nil else { throw RolloutError("request_already_answered", kind: .conflict, ["value": id]) }
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if !accepted && text.isEmpty { throw RolloutError("decline_needs_reason") }
        guard text.count <= 500 else { throw RolloutError("text_too_long", ["value": "500"]) }
        s.accepted = accepted; s.answeredAt = at; s.reason = text.isEmpty ? nil : text
        return s
    }

    /// The requests at a moment, by id.
    public static func fold(_ events: [LoggedEvent], at moment: ReadMoment) -> [String: RequestState] {
        var out: [String: RequestState] = [:]
        for e in events.sorted(by: { ($0.event.occurredAt, $0.seq) < ($1.event.occurredAt, $1.seq) })
        where moment.asOf.includes(e.event.occurredAt) && (moment.knownAt?.includes(e.event.recordedAt) ?? true) {
            switch e.event.body {
            case .resourceRequested(let r):
                if out[r.id] == nil { out[r.id] = RequestState(request: r, requestedAt: e.event.occurredAt, requestedBy: e.event.actor) }
            case .resourceRequestAnswered(let r, let accepted, let reason):
                if let next = try? answer(out[r.id], id: r.id, accepted: accepted, reason: reason, at: e.event.occurredAt) { out[r.id] = next }
            default: break
            }
        }
        return out
    }
}
