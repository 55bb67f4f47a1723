/// What people can be told of (通知): the kinds of event worth a message, and the few facts of one
/// event that say who should hear of it and what the message says. Pure: the storage gives the
/// context (an obstacle's state, a site's district) and keeps the facts in its outbox.
public enum NotificationTopic: String, CaseIterable, Codable, Sendable, Comparable {
    /// An obstacle escalated to the city by a person (上报市级).
    case escalation
    /// An obstacle escalated because its service-level clock ran out (超时).
    case clockRanOut = "clock_ran_out"
    /// An obstacle dispatched to a unit (派单).
    case dispatched
    /// A new obstacle raised (新增问题).
    case obstacleOpened = "obstacle_opened"
    /// A request to share a resource refused by its owner (申请被拒).
    case rejection
    /// An organisation escalated for missing its reports (未按时报送).
    case missedReports = "missed_reports"
    /// A bulletin issued (通报发布).
    case bulletin
    /// A district put under supervision (挂牌督办).
    case supervision
    /// A major safety finding: work stopped on its site (重大安全隐患，停工).
    case safetyMajor = "safety_major"
    /// A safety finding's fix not reported by its deadline, escalated by the platform (逾期未整改).
    case safetyOverdue = "safety_overdue"

    /// Orders topics as listed.
    public static func < (a: NotificationTopic, b: NotificationTopic) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Whether the message names records (obstacles, sites, requests): only roles that read
    /// records may hear of it; the others (figures, bulletins) every role that reads figures.
    public var namesRecords: Bool {
        switch self {
        case .escalation, .clockRanOut, .dispatched, .obstacleOpened, .rejection, .safetyMajor, .safetyOverdue: true
        case .missedReports, .bulletin, .supervision: false
        }
    }

    /// Parses a comma-separated list (`escalation,bulletin`); throws `unknown_topic` naming the first
    /// word that is none, `no_topics` for an empty list.
    public static func parseList(_ text: String) throws -> Set<NotificationTopic> {
        var out: Set<NotificationTopic> = []
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            guard let topic = NotificationTopic(rawValue: word) else { throw RolloutError("unknown_topic", ["value": String(word.prefix(60))]) }
            out.insert(topic)
        }
        if out.isEmpty { throw RolloutError("no_topics") }
        return out
    }
}

/// One event as a notification sees it: its topic, where it lies and what it is about.
public struct NotificationFact: Codable, Hashable, Sendable {
    /// What kind of news it is.
    public var topic: NotificationTopic
    /// The event's sequence number in the log (a receiver can drop a repeat by it).
    public var seq: Int64
    /// When it happened in the field.
    public var occurredAt: Instant
    /// Who recorded it (`system` for the platform's own sweeps).
    public var actor: String
    /// The district it lies in, when it lies in one.
    public var region: String?
    /// The operator it concerns, when one.
    public var `operator`: Operator?
    /// The unit it waits on, when one.
    public var unit: String?
    /// The resource owner it concerns, when one.
    public var owner: String?
    /// Whether it concerns the whole city (a bulletin): everyone subscribed to its topic hears it.
    public var cityWide: Bool
    /// The obstacle's reporting organisation, or the organisation that missed its reports.
    public var org: String?
    /// The obstacle's reference, the request's id, or the bulletin's number.
    public var ref: String?
    /// The site it concerns, when one.
    public var site: SiteKey?
    /// The obstacle's category, when it is about one.
    public var category: ObstacleCategory?
    /// The reason, note or count the event carries, at most 200 characters.
    public var detail: String?

    /// A fact as the outbox keeps it.
    public init(topic: NotificationTopic, seq: Int64, occurredAt: Instant, actor: String, region: String? = nil,
                operator: Operator? = nil, unit: String? = nil, owner: String? = nil, cityWide: Bool = false, org: String? = nil,
                ref: String? = nil, site: SiteKey? = nil, category: ObstacleCategory? = nil, detail: String? = nil) {
        self.topic = topic; self.seq = seq; self.occurredAt = occurredAt; self.actor = actor; self.region = region
        self.operator = `operator`; self.unit = unit; self.owner = owner; self.cityWide = cityWide; self.org = org
        self.ref = ref; self.site = site; self.category = category; self.detail = detail.map { String($0.prefix(200)) }
    }
}

extension NotificationFact {
    /// What the storage looks up for an event before its fact can be told: the obstacle's state
    /// after the event, and the district of the site a sharing request is for.
    public struct Context: Sendable {
        /// The obstacle the event is about, as it stands after it.
        public var obstacle: ObstacleState?
        /// The district of the event's site, when it names one.
        public var siteRegion: String?
        /// The safety finding the event is about, as recorded.
        public var finding: SafetyFinding?

        /// A context from what the storage found.
        public init(obstacle: ObstacleState? = nil, siteRegion: String? = nil, finding: SafetyFinding? = nil) {
            self.obstacle = obstacle; self.siteRegion = siteRegion; self.finding = finding
        }
    }

    /// Whether an event can be news at all (before the storage looks anything up for it).
    public static func isNews(_ body: EventBody) -> Bool {
        switch body {
        case .obstacleEscalated, .obstacleOpened, .reportingEscalated, .bulletinIssued: true
        case .obstacleStep(_, _, .dispatched): true
        case .resourceRequestAnswered(_, let accepted, _): !accepted
        case .supervision(_, .listed): true
        case .findingRecorded(let f): f.severity == .major
        case .findingStep(_, .escalated): true
        default: false
        }
    }

    /// The fact of an event, or nil when it is no news (or its obstacle is unknown).
    public static func of(_ e: LoggedEvent, context: Context) -> NotificationFact? {
        let ev = e.event
        func fact(_ topic: NotificationTopic) -> NotificationFact {
            NotificationFact(topic: topic, seq: e.seq, occurredAt: ev.occurredAt, actor: ev.actor)
        }
        func obstacleFact(_ topic: NotificationTopic, ref: String, detail: String?, unit: String?) -> NotificationFact? {
            guard let o = context.obstacle?.opening else { return nil }
            var f = fact(topic)
            f.region = o.regionCode; f.operator = o.site?.operator ?? o.operator; f.org = o.org; f.ref = ref
            f.site = o.site; f.category = o.category; f.unit = unit; f.detail = detail
            return f
        }
        let currentUnit = context.obstacle?.situation.unit
        switch ev.body {
        case .obstacleEscalated(_, let ref, let reason):
            let topic: NotificationTopic = ev.actor == NotificationFact.systemActor ? .clockRanOut : .escalation
            return obstacleFact(topic, ref: ref, detail: reason.isEmpty ? nil : reason, unit: currentUnit)
        case .obstacleStep(_, let ref, .dispatched(let unit, let note)):
            return obstacleFact(.dispatched, ref: ref, detail: note.isEmpty ? nil : note, unit: unit)
        case .obstacleOpened(let o):
            return obstacleFact(.obstacleOpened, ref: o.ref, detail: o.description, unit: currentUnit)
        case .resourceRequestAnswered(let r, false, let reason):
            var f = fact(.rejection)
            f.region = context.siteRegion; f.operator = r.site.operator; f.owner = r.owner; f.ref = r.id; f.site = r.site
            f.detail = reason.isEmpty ? nil : reason
            return f
        case .reportingEscalated(let org, _, let misses):
            var f = fact(.missedReports)
            if org.kind == .district { f.region = org.code } else { f.operator = Operator(rawValue: org.code) }
            f.org = org.code; f.detail = String(misses)
            return f
        case .bulletinIssued(let id, _, _):
            var f = fact(.bulletin)
            f.cityWide = true; f.ref = String(id)
            return f
        case .supervision(let region, .listed(let deadline, let rectification)):
            var f = fact(.supervision)
            f.region = region; f.ref = ShanghaiCalendar.dateString(deadline)
            f.detail = rectification.isEmpty ? nil : rectification
            return f
        case .findingRecorded(let x) where x.severity == .major:
            var f = fact(.safetyMajor)
            f.region = x.regionCode; f.operator = x.site?.operator; f.site = x.site; f.ref = x.inspectionRef
            f.org = x.contractor; f.detail = x.text
            return f
        case .findingStep(_, .escalated(let deadline)):
            guard let x = context.finding else { return nil }
            var f = fact(.safetyOverdue)
            f.region = x.regionCode; f.operator = x.site?.operator; f.site = x.site; f.ref = x.ref
            f.org = x.responsible; f.detail = ShanghaiCalendar.dateString(deadline)
            return f
        default:
            return nil
        }
    }

    /// The actor of the platform's own sweeps (an escalation by it is a clock that ran out).
    public static let systemActor = "system"
}
