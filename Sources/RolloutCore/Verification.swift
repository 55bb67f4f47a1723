/// What each site's reported opening is as of a moment, folded from the log: the evidence rule in
/// force, the sites' `on_air` reports and rollbacks, the photos attached and the decisions. Pure:
/// the application reads the events (``Verification/kinds``).
///
/// An opening reported (recorded) before evidence was switched on is `before_evidence`. After it:
/// `awaiting_evidence` until a photo comes; `accepted` when one photo passed every check (and it
/// was not drawn for a spot check); `in_queue` when every photo failed a check, or it was drawn;
/// then `verified` or `rejected` by a person. A rejection rolls the site back: the opening stays
/// `rejected` until a new report opens it again. Verified sites = accepted + verified.
public struct Verification: Sendable {
    /// The kinds of event it is folded from.
    public static let kinds = ["evidence.rule_set", "stage.reported", "stage.rolled_back", "evidence.attached", "verification.decided",
                               "verification.spot_check"]

    /// Where an opening stands.
    public enum State: String, CaseIterable, Codable, Sendable {
        case beforeEvidence = "before_evidence"
        case awaitingEvidence = "awaiting_evidence"
        case accepted
        case inQueue = "in_queue"
        case verified
        case rejected

        /// Whether it counts among the verified sites.
        public var countsVerified: Bool { self == .accepted || self == .verified }
    }

    /// A site's latest opening.
    public struct Opening: Hashable, Sendable {
        /// The site.
        public var site: SiteKey
        /// When it went on air (field time), and when the platform learned it.
        public var reportedAt: Instant, recordedAt: Instant
        /// The account that reported it.
        public var reportedBy: String
        /// Whether evidence was on when it was reported.
        public var needsEvidence: Bool
        /// The photos attached to it, oldest first.
        public var photos: [EvidencePhoto]
        /// When the first photo came.
        public var firstPhotoAt: Instant?
        /// Drawn for a spot check.
        public var drawn: Bool
        /// The decision.
        public var decision: VerificationDecision?
        /// When it was decided, and by whom.
        public var decidedAt: Instant?, decidedBy: String?
        /// Whether the site is still built (a rollback below `on_air` ends the opening).
        public var standing: Bool

        /// Whether it is current: standing, or rejected until a new report.
        public var isCurrent: Bool { standing || state == .rejected }

        /// Where it stands.
        public var state: State {
            if let decision { if case .verified = decision { return .verified } else { return .rejected } }
            guard needsEvidence else { return .beforeEvidence }
            if photos.isEmpty { return .awaitingEvidence }
            if drawn || !photos.contains(where: { $0.failures.isEmpty }) { return .inQueue }
            return .accepted
        }
    }

    /// The rule in force (nil: evidence never set).
    public private(set) var rule: EvidenceRule?
    /// Since when the rule in force stands.
    public private(set) var ruleSince: Instant?
    /// Since when evidence has been required without a break (nil while it is not).
    public private(set) var requiredSince: Instant?
    /// Each site's latest opening (a site never on air has none).
    public private(set) var openings: [SiteKey: Opening] = [:]
    /// Every rule folded, in log order, with when it was set.
    private var rules: [(at: Instant, rule: EvidenceRule)] = []
    /// The spot checks drawn, by week.
    public private(set) var spotChecks: [DayNumber: SpotCheck] = [:]

    /// Whether an event can change what the fold makes of any opening: every event of its
    /// ``kinds`` but a report of a stage below `on_air`, since the stage only rises and nothing
    /// else of it counts. A reader that keeps the events between folds reads only these: on the
    /// demo at `--scale 10`, 0.84 of the 3.4 million stage reports.
    @Sendable public static func changesOpenings(_ e: LoggedEvent) -> Bool {
        if case .stageReported(_, let s, _) = e.event.body { return s.isBuilt }
        return true
    }

    /// Folds the events (in log order) that happened before the moment and were known by it.
    public init(_ events: [LoggedEvent], at moment: ReadMoment) {
        // Whether each site stands built: all an opening needs of its stage. A report below
        // `on_air` never changes it (the stage only rises), so it costs nothing here: on the demo at
        // `--scale 10`, three in four of the 3.4 million reports.
        var built: Set<SiteKey> = []
        // Room for an opening per `on_air` report (half of the kept events at `--scale 10`): a
        // quarter made both tables grow twice on the way (a tenth of a fold's time).
        built.reserveCapacity(events.count / 2)
        openings.reserveCapacity(events.count / 2)
        // The kept events come in log order; sorting them anyway copied all of them on every fold.
        let inOrder = events.indices.dropFirst().allSatisfy { events[$0 - 1].seq < events[$0].seq }
        for logged in inOrder ? events : events.sorted(by: { $0.seq < $1.seq }) {
            let e = logged.event
            guard moment.asOf.includes(e.occurredAt), moment.knownAt?.includes(e.recordedAt) ?? true else { continue }
            apply(e, built: &built)
        }
    }

    /// Nothing folded yet (``VerificationTimeline`` folds a site's events one by one).
    init() {}

    /// Folds one more event; `built` holds whether each site stands built.
    mutating func apply(_ e: NewEvent, built: inout Set<SiteKey>) {
        switch e.body {
        case .evidenceRuleSet(let r):
            if !r.required { requiredSince = nil } else if rule?.required != true { requiredSince = e.occurredAt }
            rule = r; ruleSince = e.occurredAt
            rules.insert((e.occurredAt, r), at: rules.firstIndex { $0.at > e.occurredAt } ?? rules.endIndex)
        case .stageReported(let site, let s, _):
            // A report reaching on air from below it opens the site (again).
            if s.isBuilt, built.insert(site).inserted {
                // Evidence is asked of a report by the rule in force when it was recorded (a later
                // change of the rule's details does not make earlier openings "before evidence").
                let needs = rules.last { $0.at <= e.recordedAt }?.rule.required == true
                openings[site] = Opening(site: site, reportedAt: e.occurredAt, recordedAt: e.recordedAt, reportedBy: e.actor, needsEvidence: needs, photos: [],
                                         firstPhotoAt: nil, drawn: false, decision: nil, decidedAt: nil, decidedBy: nil, standing: true)
            }
        case .stageRolledBack(let site, let s, _):
            if s.isBuilt { built.insert(site) } else { built.remove(site); openings[site]?.standing = false }
        case .evidenceAttached(let p):
            // Changed in place: one look-up, and no copy of the opening and its photos.
            guard let i = openings.index(forKey: p.site), openings.values[i].standing, openings.values[i].decision == nil else { return }
            openings.values[i].photos.append(p)
            if openings.values[i].firstPhotoAt == nil { openings.values[i].firstPhotoAt = e.occurredAt }
        case .spotCheckDrawn(let s):
            for site in s.sites where openings[site]?.state == .accepted { openings[site]?.drawn = true }
            spotChecks[s.week] = s
        case .verificationDecided(let site, let d):
            // A decision is logged before the rollback a rejection brings: its opening still stands.
            guard let i = openings.index(forKey: site), openings.values[i].standing, openings.values[i].decision == nil else { return }
            openings.values[i].decision = d; openings.values[i].decidedAt = e.occurredAt; openings.values[i].decidedBy = e.actor
        default: return
        }
    }

    /// The rule in force just before an instant (the folded events' history of rules, so a rule
    /// set later in the same fold does not count).
    public func rule(before t: Instant) -> EvidenceRule? { rules.last { $0.at < t }?.rule }

    /// The openings still standing (the site built), and the rejected ones until a new report.
    public var current: [Opening] {
        openings.values.filter(\.isCurrent).sorted { ($0.site.operator.rawValue, $0.site.code) < ($1.site.operator.rawValue, $1.site.code) }
    }

    /// The queue: openings waiting for a person, oldest report first.
    public var queue: [Opening] {
        current.filter { $0.state == .inQueue }.sorted { ($0.recordedAt, $0.site.code) < ($1.recordedAt, $1.site.code) }
    }

    /// The openings in the queue that one account reported (recorded) in a period, oldest first:
    /// what a bulk decision takes.
    public func queue(reportedBy account: String, from: Instant, until: Instant) -> [Opening] {
        queue.filter { $0.reportedBy == account && $0.recordedAt >= from && $0.recordedAt < until }
    }

    /// Checks a decision on a site's opening by a principal: a district on its region's sites, a
    /// verifier or the city office on any; only an opening in the queue; a rejection needs its
    /// reason. Throws `no_opening`, `not_in_queue`, `not_your_region`, `reason_required`.
    public func check(_ decision: VerificationDecision, on site: SiteKey, region: String, by p: Principal) throws {
        guard Access.allows(p.role, .verify) else { throw RolloutError("forbidden", kind: .forbidden, ["role": p.role.rawValue]) }
        guard p.role != .district || p.region == region else { throw RolloutError("not_your_region", kind: .forbidden, ["value": region]) }
        guard let o = openings[site], o.isCurrent else { throw RolloutError("no_opening", kind: .notFound, ["value": site.code]) }
        guard o.state == .inQueue else { throw RolloutError("not_in_queue", kind: .conflict, ["value": o.state.rawValue]) }
        if case .rejected(let reason) = decision, reason.trimmedSpaces.isEmpty { throw RolloutError("reason_required") }
    }
}
