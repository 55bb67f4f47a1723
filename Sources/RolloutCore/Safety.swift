/// Safety in production as of a moment, folded from the log: each finding's state (open, fix
/// reported, closed), its deadline and history, and the stop-work periods of major findings.
/// Pure: the application reads the events.
public struct Safety: Sendable {
    /// The kinds of event safety is folded from.
    public static let kinds = ["safety.finding", "safety.rectified", "safety.accepted", "safety.reopened", "safety.escalated"]

    /// Where a finding stands.
    public enum Status: String, CaseIterable, Codable, Sendable {
        /// Not fixed (or reopened by a re-inspection).
        case open
        /// The fix reported, waiting for the re-inspection.
        case rectified
        /// The re-inspection accepted the fix.
        case closed
    }

    /// A step of a finding's history.
    public struct Mark: Hashable, Sendable {
        /// The event's kind (`safety.finding`, `safety.rectified`, …).
        public var kind: String
        /// When it happened.
        public var at: Instant
        /// Who recorded it.
        public var by: String
        /// What was said.
        public var note: String
    }

    /// A finding as it stands.
    public struct State: Hashable, Sendable {
        /// The finding as recorded.
        public var finding: SafetyFinding
        /// When the inspection found it.
        public var inspectedAt: Instant
        /// Where it stands.
        public var status: Status
        /// The deadline in force (a reopening sets a new one).
        public var deadline: Instant
        /// Its history, oldest first.
        public var marks: [Mark]
        /// When the fix was accepted (nil while not closed).
        public var closedAt: Instant?
        /// When the last fix was reported.
        public var rectifiedAt: Instant?
        /// When the platform escalated the deadline in force to the city (nil: not escalated, or
        /// reopened with a new deadline since).
        public var escalatedAt: Instant?
        /// Periods during which work on the site was stopped (major findings): from, and until (nil: still).
        public var stops: [StopPeriod]

        /// Whether the fix is late: still open past the deadline.
        public func overdue(at t: Instant) -> Bool { status == .open && deadline < t }

        /// Whether work on the site was stopped by this finding at a field time.
        public func stopsWork(at t: Instant) -> Bool { stops.contains { $0.from <= t && ($0.until.map { t < $0 } ?? true) } }
    }

    /// A stop-work period.
    public struct StopPeriod: Hashable, Sendable {
        /// From when.
        public var from: Instant
        /// Until when (nil: not lifted).
        public var until: Instant?
    }

    /// Every finding by reference.
    public private(set) var findings: [String: State] = [:]

    /// Folds the events (in log order) that happened before the moment and were known by it.
    public init(_ events: [LoggedEvent], at moment: ReadMoment) {
        for logged in events.sorted(by: { $0.seq < $1.seq }) {
            let e = logged.event
            guard moment.asOf.includes(e.occurredAt), moment.knownAt?.includes(e.recordedAt) ?? true else { continue }
            switch e.body {
            case .findingRecorded(let f):
                guard findings[f.ref] == nil else { continue }
                findings[f.ref] = State(finding: f, inspectedAt: e.occurredAt, status: .open, deadline: f.deadline,
                                        marks: [Mark(kind: e.body.kind, at: e.occurredAt, by: e.actor, note: f.text)], closedAt: nil, rectifiedAt: nil, escalatedAt: nil,
                                        stops: f.severity == .major && f.site != nil ? [StopPeriod(from: e.occurredAt, until: nil)] : [])
            case .findingStep(let ref, let step):
                guard var s = findings[ref] else { continue }
                switch step {
                case .rectified(let note):
                    s.status = .rectified; s.rectifiedAt = e.occurredAt
                    s.marks.append(Mark(kind: step.kind, at: e.occurredAt, by: e.actor, note: note))
                case .accepted(let note):
                    s.status = .closed; s.closedAt = e.occurredAt
                    if let last = s.stops.indices.last, s.stops[last].until == nil { s.stops[last].until = e.occurredAt }
                    s.marks.append(Mark(kind: step.kind, at: e.occurredAt, by: e.actor, note: note))
                case .reopened(let note, let deadline):
                    s.status = .open; s.deadline = deadline; s.closedAt = nil; s.escalatedAt = nil
                    if s.finding.severity == .major, s.finding.site != nil, s.stops.last?.until != nil {
                        s.stops.append(StopPeriod(from: e.occurredAt, until: nil))
                    }
                    s.marks.append(Mark(kind: step.kind, at: e.occurredAt, by: e.actor, note: note))
                case .escalated(let deadline):
                    // An escalation of a deadline no longer in force (a late record) changes nothing.
                    guard deadline == s.deadline, s.escalatedAt == nil else { continue }
                    s.escalatedAt = e.occurredAt
                    s.marks.append(Mark(kind: step.kind, at: e.occurredAt, by: e.actor, note: ""))
                }
                findings[ref] = s
            default: continue
            }
        }
    }

    /// The major finding that stops work on a site at a field time, if any (the earliest by reference).
    public func stopWork(_ site: SiteKey, at t: Instant) -> SafetyFinding? {
        findings.values.filter { $0.finding.site == site && $0.stopsWork(at: t) }.map(\.finding).min { $0.ref < $1.ref }
    }

    /// The sites stopped at a field time, with the finding that stops each.
    public func stoppedSites(at t: Instant) -> [SiteKey: SafetyFinding] {
        var out: [SiteKey: SafetyFinding] = [:]
        for s in findings.values.sorted(by: { $0.finding.ref < $1.finding.ref }) where s.stopsWork(at: t) {
            if let site = s.finding.site, out[site] == nil { out[site] = s.finding }
        }
        return out
    }

    /// The findings whose deadline in force ran out before `t` with the fix not reported and that
    /// were not escalated yet: what the platform's sweep escalates, oldest deadline first.
    public func dueForEscalation(at t: Instant) -> [State] {
        findings.values.filter { $0.overdue(at: t) && $0.escalatedAt == nil }
            .sorted { ($0.deadline, $0.finding.ref) < ($1.deadline, $1.finding.ref) }
    }

    /// Checks a step against a finding as it stands and who takes it: a fix is reported on an
    /// open finding by its responsible organisation (or the city office); a re-inspection accepts
    /// or reopens a reported fix, by the city office, an inspector or the finding's district, and a reopening
    /// sets a deadline after it; an escalation is the platform's alone. Throws `unknown_finding`, `finding_not_open`,
    /// `finding_not_rectified`, `finding_not_responsible`, `finding_not_inspector`, `finding_bad_deadline`.
    public static func check(_ step: SafetyFinding.Step, on state: State?, at t: Instant, by p: Principal) throws {
        guard let state else { throw RolloutError("unknown_finding", kind: .notFound) }
        let f = state.finding
        switch step {
        case .rectified:
            guard state.status == .open else { throw RolloutError("finding_not_open", kind: .conflict, ["value": f.ref]) }
            let mine = p.role == .cityOffice || p.operator?.rawValue == f.responsible || (p.role == .district && p.region == f.responsible)
            guard mine else { throw RolloutError("finding_not_responsible", kind: .forbidden, ["value": f.responsible]) }
        case .accepted, .reopened:
            guard state.status == .rectified else { throw RolloutError("finding_not_rectified", kind: .conflict, ["value": f.ref]) }
            guard p.role == .cityOffice || p.role == .inspector || (p.role == .district && p.region == f.regionCode) else {
                throw RolloutError("finding_not_inspector", kind: .forbidden, ["value": f.ref])
            }
            if case .reopened(_, let deadline) = step, deadline <= t { throw RolloutError("finding_bad_deadline", ["value": ShanghaiCalendar.iso8601(deadline)]) }
        case .escalated:
            throw RolloutError("forbidden", kind: .forbidden, ["role": p.role.rawValue])
        }
    }
}
