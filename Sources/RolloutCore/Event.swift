/// Identifies a site: its operator and the operator's own site code.
public struct SiteKey: Hashable, Codable, Sendable, Comparable {
    public var `operator`: Operator
    public var code: String

    public init(operator: Operator, code: String) { self.operator = `operator`; self.code = code }

    /// The entity name of the site in the log.
    public var entity: String { "site:\(self.operator.rawValue):\(code)" }

    public static func < (a: SiteKey, b: SiteKey) -> Bool { (a.operator, a.code) < (b.operator, b.code) }
}

/// A site put on the plan (规划): where it is, what it is, what carries it.
public struct SiteRegistration: Hashable, Codable, Sendable {
    public var site: SiteKey
    public var regionCode: String
    public var name: String
    public var lat: Double
    public var lon: Double
    public var kind: SiteKind
    public var band: String?
    public var host: Host
    public var resourceId: String?
    public var plannedOnAir: Instant?

    public init(site: SiteKey, regionCode: String, name: String, lat: Double, lon: Double, kind: SiteKind,
                band: String? = nil, host: Host = .newTower, resourceId: String? = nil, plannedOnAir: Instant? = nil) {
        self.site = site; self.regionCode = regionCode; self.name = name; self.lat = lat; self.lon = lon
        self.kind = kind; self.band = band; self.host = host; self.resourceId = resourceId
        self.plannedOnAir = plannedOnAir
    }
}

/// An obstacle (困难/问题) raised on a site or on a whole region.
public struct ObstacleOpening: Hashable, Codable, Sendable {
    /// The reporting organisation (an operator code or a region code); `ref` is unique within it.
    public var org: String
    public var ref: String
    public var site: SiteKey?
    public var regionCode: String
    public var `operator`: Operator?
    public var category: ObstacleCategory
    public var responsible: String?
    public var description: String

    public init(org: String, ref: String, site: SiteKey?, regionCode: String, operator: Operator?,
                category: ObstacleCategory, responsible: String?, description: String) {
        self.org = org; self.ref = ref; self.site = site; self.regionCode = regionCode
        self.operator = `operator`; self.category = category; self.responsible = responsible
        self.description = description
    }

    /// The entity name of the obstacle in the log.
    public var entity: String { ObstacleOpening.entity(org: org, ref: ref) }

    /// The entity name of an obstacle.
    public static func entity(org: String, ref: String) -> String { "obstacle:\(org):\(ref)" }
}

/// A target set or changed by the city office.
public struct TargetSetting: Hashable, Codable, Sendable {
    public var regionCode: String
    /// nil: the region's total; else that operator's share.
    public var `operator`: Operator?
    /// nil: the whole region; else a key area (重点区域) inside it.
    public var keyArea: String?
    public var target: Int
    public var due: Instant
    /// Why an existing target changed (a reallocation).
    public var reason: String?

    public init(regionCode: String, operator: Operator? = nil, keyArea: String? = nil, target: Int, due: Instant,
                reason: String? = nil) {
        self.regionCode = regionCode; self.operator = `operator`; self.keyArea = keyArea
        self.target = target; self.due = due; self.reason = reason
    }

    /// The entity name of this target line in the log.
    public var entity: String { "target:\(regionCode):\(self.operator?.rawValue ?? ""):\(keyArea ?? "")" }
}

/// A resource offered for shared use (共建共享): a tower, a pole or a rooftop.
public struct ResourceOffer: Hashable, Codable, Sendable {
    public var resourceId: String
    public var owner: String
    public var kind: Host
    public var regionCode: String
    public var lat: Double
    public var lon: Double
    public var heightM: Double?

    public init(resourceId: String, owner: String, kind: Host, regionCode: String, lat: Double, lon: Double, heightM: Double? = nil) {
        self.resourceId = resourceId; self.owner = owner; self.kind = kind; self.regionCode = regionCode
        self.lat = lat; self.lon = lon; self.heightM = heightM
    }

    /// The entity name of the resource in the log (`resource_id` is unique per owner).
    public var entity: String { "resource:\(owner):\(resourceId)" }
}

/// What an event says happened.
public enum EventBody: Hashable, Codable, Sendable {
    case siteRegistered(SiteRegistration)
    /// The site reached a stage (a forward jump implies the stages in between).
    case stageReported(site: SiteKey, stage: Stage, note: String?)
    /// The site moved back to a stage (e.g. equipment removed), with the reason.
    case stageRolledBack(site: SiteKey, stage: Stage, reason: String)
    case obstacleOpened(ObstacleOpening)
    case obstacleResolved(org: String, ref: String)
    /// A district asks the city to take over an obstacle it cannot clear itself.
    case obstacleEscalated(org: String, ref: String, reason: String)
    /// A dispatching step: sent to a unit, waiting on the reporter, no longer waiting, reopened.
    case obstacleStep(org: String, ref: String, step: ObstacleStep)
    /// The city office changed a line of the routing table.
    case dispatchRuleSet(Dispatch.Rule)
    case targetSet(TargetSetting)
    case resourceOffered(ResourceOffer)
    /// The city office issued the bulletin (通报) for the period ending at `cutoff`; its bytes are
    /// kept beside the log, and `sha256` names them.
    case bulletinIssued(id: Int64, cutoff: Instant, sha256: String)
    /// A step of listed supervision (挂牌督办) of a region: listed, reviewed, delisted.
    case supervision(region: String, step: Supervision.Step)
    /// The city office set the rule that proposes listings.
    case supervisionRuleSet(Supervision.Rule)
    /// An operator asked an owner for an offered resource for one of its planned sites.
    case resourceRequested(ResourceRequest)
    /// The owner accepted (the site is then hosted by the resource) or declined, with a reason.
    case resourceRequestAnswered(ResourceRequest, accepted: Bool, reason: String)

    /// The stable name of the event's kind, stored in the log.
    public var kind: String {
        switch self {
        case .siteRegistered: "site.registered"
        case .stageReported: "stage.reported"
        case .stageRolledBack: "stage.rolled_back"
        case .obstacleOpened: "obstacle.opened"
        case .obstacleResolved: "obstacle.resolved"
        case .obstacleEscalated: "obstacle.escalated"
        case .obstacleStep(_, _, let step): step.kind
        case .dispatchRuleSet: "dispatch.rule_set"
        case .targetSet: "target.set"
        case .resourceOffered: "resource.offered"
        case .bulletinIssued: "bulletin.issued"
        case .supervision(_, let step):
            switch step {
            case .listed: "supervision.listed"
            case .reviewed: "supervision.reviewed"
            case .delisted: "supervision.delisted"
            }
        case .supervisionRuleSet: "supervision.rule_set"
        case .resourceRequested: "resource.requested"
        case .resourceRequestAnswered: "resource.request_answered"
        }
    }

    /// The entity the event belongs to: the events of one entity fold into its state.
    public var entity: String {
        switch self {
        case .siteRegistered(let r): r.site.entity
        case .stageReported(let s, _, _), .stageRolledBack(let s, _, _): s.entity
        case .obstacleOpened(let o): o.entity
        case .obstacleResolved(let org, let ref), .obstacleEscalated(let org, let ref, _), .obstacleStep(let org, let ref, _):
            ObstacleOpening.entity(org: org, ref: ref)
        case .dispatchRuleSet(let r): "dispatch-rule:\(r.category.rawValue)"
        case .targetSet(let t): t.entity
        case .resourceOffered(let r): r.entity
        case .bulletinIssued(let id, _, _): "bulletin:\(id)"
        case .supervision(let region, _): "supervision:\(region)"
        case .supervisionRuleSet: "supervision-rule"
        case .resourceRequested(let r), .resourceRequestAnswered(let r, _, _): ResourceRequest.entity(r.id)
        }
    }

    /// The site the event is about, if any.
    public var site: SiteKey? {
        switch self {
        case .siteRegistered(let r): r.site
        case .stageReported(let s, _, _), .stageRolledBack(let s, _, _): s
        case .obstacleOpened(let o): o.site
        case .resourceRequested(let r), .resourceRequestAnswered(let r, _, _): r.site
        case .obstacleResolved, .obstacleEscalated, .obstacleStep, .dispatchRuleSet, .targetSet, .resourceOffered, .bulletinIssued,
             .supervision, .supervisionRuleSet: nil
        }
    }
}

/// An event to append: what happened, when in the field, when the platform learned it, and who said it.
public struct NewEvent: Hashable, Codable, Sendable {
    public var body: EventBody
    /// When it happened in the field.
    public var occurredAt: Instant
    /// When the platform learned it.
    public var recordedAt: Instant
    /// The account (or system) that reported it.
    public var actor: String
    /// The API token it came with, when it came through one.
    public var via: String?

    public init(_ body: EventBody, occurredAt: Instant, recordedAt: Instant, actor: String, via: String? = nil) {
        self.body = body; self.occurredAt = occurredAt; self.recordedAt = recordedAt; self.actor = actor; self.via = via
    }

    /// The key that makes a re-sent event change nothing: the same fact twice has the same key.
    public var dedupKey: String {
        switch body {
        case .siteRegistered(let r): "\(body.kind)|\(r.site.entity)"
        case .stageReported(let s, let stage, _): "\(body.kind)|\(s.entity)|\(stage.rawValue)|\(occurredAt.seconds)"
        case .stageRolledBack(let s, let stage, _): "\(body.kind)|\(s.entity)|\(stage.rawValue)|\(occurredAt.seconds)"
        case .obstacleOpened(let o): "\(body.kind)|\(o.entity)"
        // Once: an obstacle is escalated to the city once. A resolution is named by its time, so
        // the same resolution re-sent changes nothing, and one after a reopening still counts.
        case .obstacleEscalated: "\(body.kind)|\(body.entity)"
        case .obstacleResolved: "\(body.kind)|\(body.entity)|\(occurredAt.seconds)"
        case .obstacleStep(_, _, .dispatched(let unit, _)): "\(body.kind)|\(body.entity)|\(unit)|\(occurredAt.seconds)"
        case .obstacleStep, .dispatchRuleSet: "\(body.kind)|\(body.entity)|\(occurredAt.seconds)"
        case .targetSet(let t):
            "\(body.kind)|\(t.entity)|\(t.target)|\(t.due.seconds)|\(occurredAt.seconds)"
        case .resourceOffered(let r): "\(body.kind)|\(r.entity)"
        case .bulletinIssued: "\(body.kind)|\(body.entity)"
        case .supervision, .supervisionRuleSet: "\(body.kind)|\(body.entity)|\(occurredAt.seconds)"
        case .resourceRequested, .resourceRequestAnswered: "\(body.kind)|\(body.entity)"
        }
    }
}

/// An event as stored: its place in the log and the event.
public struct LoggedEvent: Hashable, Codable, Sendable {
    /// The position in the log; later appends have higher numbers.
    public var seq: Int64
    public var event: NewEvent

    public init(seq: Int64, event: NewEvent) { self.seq = seq; self.event = event }
}
