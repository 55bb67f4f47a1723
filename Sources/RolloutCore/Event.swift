/// Identifies a site: its operator and the operator's own site code.
public struct SiteKey: Hashable, Codable, Sendable, Comparable {
    /// The operator (or China Tower) the site belongs to.
    public var `operator`: Operator
    /// The operator's own site code (站址编码).
    public var code: String

    /// The key of an operator's site code.
    public init(operator: Operator, code: String) { self.operator = `operator`; self.code = code }

    /// The entity name of the site in the log.
    public var entity: String { "site:\(self.operator.rawValue):\(code)" }

    /// Orders sites by operator, then code.
    public static func < (a: SiteKey, b: SiteKey) -> Bool { (a.operator, a.code) < (b.operator, b.code) }
}

/// A site put on the plan (规划): where it is, what it is, what carries it.
public struct SiteRegistration: Hashable, Codable, Sendable {
    /// Which site this is.
    public var site: SiteKey
    /// The code of the region (区县) the site lies in.
    public var regionCode: String
    /// The site's name (站名).
    public var name: String
    /// Latitude, WGS-84 decimal degrees.
    public var lat: Double
    /// Longitude, WGS-84 decimal degrees.
    public var lon: Double
    /// The kind of site (站型).
    public var kind: SiteKind
    /// The frequency band (频段), e.g. `n78`, when given.
    public var band: String?
    /// What carries the antennas (承载); a new tower unless said otherwise.
    public var host: Host
    /// The id of the shared resource (共享资源编号) that hosts the site, when it uses one.
    public var resourceId: String?
    /// The planned on-air date (计划开通日期), when given.
    public var plannedOnAir: Instant?
    /// The China Tower site (铁塔站址编码) an operator's site stands on, when its file names it.
    public var towerSiteCode: String?
    /// The contractor building it (施工单位), when its file names one.
    public var contractor: String?

    /// A registration; without a host, the site is on a new tower.
    public init(site: SiteKey, regionCode: String, name: String, lat: Double, lon: Double, kind: SiteKind,
                band: String? = nil, host: Host = .newTower, resourceId: String? = nil, plannedOnAir: Instant? = nil,
                towerSiteCode: String? = nil, contractor: String? = nil) {
        self.site = site; self.regionCode = regionCode; self.name = name; self.lat = lat; self.lon = lon
        self.kind = kind; self.band = band; self.host = host; self.resourceId = resourceId
        self.plannedOnAir = plannedOnAir; self.towerSiteCode = towerSiteCode; self.contractor = contractor
    }
}

/// An obstacle (困难/问题) raised on a site or on a whole region.
public struct ObstacleOpening: Hashable, Codable, Sendable {
    /// The reporting organisation (an operator code or a region code); `ref` is unique within it.
    public var org: String
    /// The reporter's reference (问题编号); made from the content when a file gives none.
    public var ref: String
    /// The site it holds up; nil for an obstacle on a whole region.
    public var site: SiteKey?
    /// The region it lies in (for a site's obstacle, the site's region).
    public var regionCode: String
    /// The operator concerned, if any: where a rule naming the site's operator sends it.
    public var `operator`: Operator?
    /// What kind of obstacle it is (问题类别).
    public var category: ObstacleCategory
    /// The responsible unit (责任单位) as the reporter wrote it; nil when none was named.
    public var responsible: String?
    /// What the reporter says the problem is (问题描述).
    public var description: String

    /// An obstacle as its reporter raises it.
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

/// A resource offered for shared use (共建共享): a tower, a pole or a rooftop.
public struct ResourceOffer: Hashable, Codable, Sendable {
    /// The owner's id of the resource (资源编号).
    public var resourceId: String
    /// The owning organisation (产权单位), as its files write it.
    public var owner: String
    /// What the resource is: a tower, a pole, a rooftop or an indoor system.
    public var kind: Host
    /// The code of the region it stands in.
    public var regionCode: String
    /// Latitude, WGS-84 decimal degrees.
    public var lat: Double
    /// Longitude, WGS-84 decimal degrees.
    public var lon: Double
    /// Its height in metres, when given.
    public var heightM: Double?

    /// An offer; its height may be unknown.
    public init(resourceId: String, owner: String, kind: Host, regionCode: String, lat: Double, lon: Double, heightM: Double? = nil) {
        self.resourceId = resourceId; self.owner = owner; self.kind = kind; self.regionCode = regionCode
        self.lat = lat; self.lon = lon; self.heightM = heightM
    }

    /// The entity name of the resource in the log (`resource_id` is unique per owner).
    public var entity: String { "resource:\(owner):\(resourceId)" }
}

/// What an event says happened.
public enum EventBody: Hashable, Codable, Sendable {
    /// A site was put on the plan (规划).
    case siteRegistered(SiteRegistration)
    /// The site reached a stage (a forward jump implies the stages in between).
    case stageReported(site: SiteKey, stage: Stage, note: String?)
    /// The site moved back to a stage (e.g. equipment removed), with the reason.
    case stageRolledBack(site: SiteKey, stage: Stage, reason: String)
    /// An obstacle was raised on a site or on a whole region.
    case obstacleOpened(ObstacleOpening)
    /// The obstacle its reporter and reference name was cleared.
    case obstacleResolved(org: String, ref: String)
    /// A district asks the city to take over an obstacle it cannot clear itself.
    case obstacleEscalated(org: String, ref: String, reason: String)
    /// A dispatching step: sent to a unit, waiting on the reporter, no longer waiting, reopened.
    case obstacleStep(org: String, ref: String, step: ObstacleStep)
    /// The city office changed a line of the routing table.
    case dispatchRuleSet(Dispatch.Rule)
    /// The city office set or changed a target line.
    case targetSet(TargetSetting)
    /// An owner offered a resource for shared use (共建共享).
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
    /// An organisation that must report sent a report (a file of the kind named by `channel`, or a
    /// write through the API, `api`): logged with the report, even when its rows changed nothing.
    case reportReceived(Reporting.Organisation, channel: String, rows: Int)
    /// The city office set what it expects of each kind of organisation.
    case reportingRuleSet(Reporting.Rule)
    /// The city office loaded a year's official calendar (holidays, swapped workdays).
    case workingCalendarSet(WorkingCalendar.Year)
    /// The platform escalated an organisation's silence to the city: its run of missed periods that
    /// began on day `since` reached the office's count (once per run).
    case reportingEscalated(Reporting.Organisation, since: DayNumber, misses: Int)
    /// A mismatch between an operator's record and China Tower's was resolved, on the values it
    /// had then, with a note naming the side that was right.
    case reconciliationResolved(Reconciliation.Resolution)
    /// The city office set the reconciliation's thresholds (pairing distance, stage gap, apart).
    case reconciliationThresholdsSet(Reconciliation.Thresholds)
    /// The city office set the scorecard's weights (from then on).
    case scorecardWeightsSet(Scorecard.Weights)
    /// A 5G application project was recorded, or its status or details changed (from the field date on).
    case applicationRecorded(ApplicationProject)
    /// An operator reported its 5G subscribers and traffic in a region for a month (or corrected them).
    case subscribersReported(SubscriberFigure)
    /// The city office set or changed a subscriber target line.
    case subscriberTargetSet(SubscriberTarget)
    /// Planned and actual spend of an operator in a region for a year (a correction is a new record).
    case investmentReported(InvestmentFigure)
    /// A safety inspection found a problem on a site or in a contractor's work in a region.
    case findingRecorded(SafetyFinding)
    /// A step after a finding: the fix reported, or the re-inspection's verdict.
    case findingStep(ref: String, step: SafetyFinding.Step)
    /// The contractor building a site was named or changed (施工单位).
    case contractorSet(site: SiteKey, contractor: String)
    /// The city office set the evidence rule (from then on).
    case evidenceRuleSet(EvidenceRule)
    /// An operator attached a photo to a site's `on_air` or `accepted` stage.
    case evidenceAttached(EvidencePhoto)
    /// A district, a verifier or the city office decided on a site's opening in the queue.
    case verificationDecided(site: SiteKey, decision: VerificationDecision)
    /// The platform drew the week's spot check into the queue.
    case spotCheckDrawn(SpotCheck)

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
        case .reportReceived: "report.received"
        case .reportingRuleSet: "reporting.rule_set"
        case .workingCalendarSet: "calendar.set"
        case .reportingEscalated: "reporting.escalated"
        case .reconciliationResolved: "reconciliation.resolved"
        case .reconciliationThresholdsSet: "reconciliation.thresholds_set"
        case .scorecardWeightsSet: "scorecard.weights_set"
        case .applicationRecorded: "application.recorded"
        case .subscribersReported: "subscribers.reported"
        case .subscriberTargetSet: "subscriber_target.set"
        case .investmentReported: "investment.reported"
        case .findingRecorded: "safety.finding"
        case .findingStep(_, let step): step.kind
        case .contractorSet: "site.contractor_set"
        case .evidenceRuleSet: "evidence.rule_set"
        case .evidenceAttached: "evidence.attached"
        case .verificationDecided: "verification.decided"
        case .spotCheckDrawn: "verification.spot_check"
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
        case .reportReceived(let org, _, _): "report:\(org)"
        case .reportingRuleSet: "reporting-rule"
        case .workingCalendarSet(let y): "calendar:\(y.year)"
        case .reportingEscalated(let org, _, _): "reporting-escalation:\(org)"
        case .reconciliationResolved(let r): r.entity
        case .reconciliationThresholdsSet: "reconciliation-thresholds"
        case .scorecardWeightsSet: "scorecard-weights"
        case .applicationRecorded(let p): p.entity
        case .subscribersReported(let f): f.entity
        case .subscriberTargetSet(let t): t.entity
        case .investmentReported(let f): f.entity
        case .findingRecorded(let f): f.entity
        case .findingStep(let ref, _): SafetyFinding.entity(ref)
        case .contractorSet(let site, _): site.entity
        case .evidenceRuleSet: "evidence-rule"
        case .evidenceAttached(let p): EvidencePhoto.entity(p.site)
        case .verificationDecided(let site, _): EvidencePhoto.entity(site)
        case .spotCheckDrawn(let s): "spot-check:\(s.week)"
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
             .supervision, .supervisionRuleSet, .reportReceived, .reportingRuleSet, .workingCalendarSet,
             .reportingEscalated, .reconciliationResolved, .reconciliationThresholdsSet, .scorecardWeightsSet,
             .applicationRecorded, .subscribersReported, .subscriberTargetSet, .findingStep, .evidenceRuleSet, .spotCheckDrawn,
             .investmentReported: nil
        case .findingRecorded(let f): f.site
        case .contractorSet(let site, _): site
        case .evidenceAttached(let p): p.site
        case .verificationDecided(let site, _): site
        }
    }
}

/// An event to append: what happened, when in the field, when the platform learned it, and who said it.
public struct NewEvent: Hashable, Codable, Sendable {
    /// What happened.
    public var body: EventBody
    /// When it happened in the field.
    public var occurredAt: Instant
    /// When the platform learned it.
    public var recordedAt: Instant
    /// The account (or system) that reported it.
    public var actor: String
    /// The API token it came with, when it came through one.
    public var via: String?

    /// An event to append, with the API token it came through, if any.
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
        case .reportReceived(_, let channel, _): "\(body.kind)|\(body.entity)|\(channel)|\(occurredAt.seconds)"
        // Once per run of misses, however many instances sweep.
        case .reportingEscalated(_, let since, _): "\(body.kind)|\(body.entity)|\(since)"
        // A different rule or calendar set in the same second (a demo's clock stands still) is a change.
        case .reportingRuleSet(let r):
            "\(body.kind)|\(body.entity)|\(occurredAt.seconds)|\(r.operators.rawValue)|\(r.tower.rawValue)|\(r.districts.rawValue)|\(r.escalateAfter)"
        // A resolution is named by the values it was made on: the same one re-sent changes nothing.
        case .reconciliationResolved(let r):
            "\(body.kind)|\(body.entity)|\(r.operatorValue ?? "-")|\(r.towerValue ?? "-")|\(occurredAt.seconds)"
        case .reconciliationThresholdsSet(let t):
            "\(body.kind)|\(body.entity)|\(occurredAt.seconds)|\(t.pairMetres)|\(t.gapDays)|\(t.apartMetres)"
        case .scorecardWeightsSet(let w):
            "\(body.kind)|\(body.entity)|\(occurredAt.seconds)|\(w.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))"
        // A record is named by what it says and its date: the same one re-sent changes nothing.
        case .applicationRecorded(let p):
            "\(body.kind)|\(body.entity)|\(occurredAt.seconds)|\(p.status.rawValue)|\(p.domain.rawValue)|\(p.regionCode)|\(p.operator?.rawValue ?? "-")|\(p.demonstration)|\(p.investmentCNY.map { "\($0)" } ?? "-")|\(p.leadOrg)|\(p.name)"
        // A correction back to an earlier value is news again: the figure is named by when it was recorded.
        case .subscribersReported(let f):
            "\(body.kind)|\(body.entity)|\(f.subscribers.map(String.init) ?? "-")|\(f.trafficTB.map { "\($0)" } ?? "-")|\(recordedAt.seconds)"
        case .subscriberTargetSet(let t):
            "\(body.kind)|\(t.entity)|\(t.target)|\(t.due.seconds)|\(occurredAt.seconds)"
        case .investmentReported(let f):
            "\(body.kind)|\(body.entity)|\(f.plannedCNY.map(String.init) ?? "-")|\(f.actualCNY.map(String.init) ?? "-")|\(recordedAt.seconds)"
        // A finding once; a step named by its time, so the same step re-sent changes nothing.
        case .findingRecorded: "\(body.kind)|\(body.entity)"
        // An escalation once per deadline, however many instances sweep.
        case .findingStep(_, .escalated(let deadline)): "\(body.kind)|\(body.entity)|\(deadline.seconds)"
        case .findingStep: "\(body.kind)|\(body.entity)|\(occurredAt.seconds)"
        case .contractorSet(_, let name): "\(body.kind)|\(body.entity)|\(name)|\(occurredAt.seconds)"
        case .evidenceRuleSet(let r):
            "\(body.kind)|\(body.entity)|\(occurredAt.seconds)|\(r.required)|\(r.checks.maxDistanceMetres)|\(r.checks.toleranceSeconds)|\(r.spotCheckRate)|\(r.rankVerified)"
        // The same photo for the same stage of a site once; a decision named by its time.
        case .evidenceAttached(let p): "\(body.kind)|\(body.entity)|\(p.stage.rawValue)|\(p.sha256)"
        case .verificationDecided: "\(body.kind)|\(body.entity)|\(occurredAt.seconds)"
        // Once a week, however many instances sweep.
        case .spotCheckDrawn: "\(body.kind)|\(body.entity)"
        case .workingCalendarSet(let y):
            "\(body.kind)|\(body.entity)|\(occurredAt.seconds)|\(y.holidays.map(String.init).joined(separator: ","))|\(y.workdays.map(String.init).joined(separator: ","))"
        }
    }
}

/// An event as stored: its place in the log and the event.
public struct LoggedEvent: Hashable, Codable, Sendable {
    /// The position in the log; later appends have higher numbers.
    public var seq: Int64
    /// The event as it was appended.
    public var event: NewEvent

    /// An event at its place in the log.
    public init(seq: Int64, event: NewEvent) { self.seq = seq; self.event = event }
}
