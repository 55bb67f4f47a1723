import Foundation

/// Reporting discipline (建立5G建设进度通报机制，及时报送5G建设进展): the operators, China Tower and
/// the district offices must report on a cadence the city office sets; the platform sees who did
/// not. A report is any accepted import or write by the organisation (a `report.received` receipt
/// is logged with it, even when every row was unchanged: the act of reporting is what counts).
/// Everything here is a fold of the log at a moment: no clock, no I/O.
public enum Reporting {
    /// The kinds of organisation that must report.
    public enum OrganisationKind: String, Codable, Sendable, CaseIterable, Comparable {
        /// One of the four operators.
        case `operator`
        /// China Tower.
        case tower
        /// A district office (区县).
        case district

        /// Operators first, then China Tower, then the districts.
        public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }

    /// An organisation that must report: its kind and its code (an operator's code, `tower`, or
    /// a district's region code).
    public struct Organisation: Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
        /// Which kind of organisation it is.
        public var kind: OrganisationKind
        /// The operator's code, `tower`, or the district's region code.
        public var code: String

        /// An organisation of a kind with its code.
        public init(kind: OrganisationKind, code: String) { self.kind = kind; self.code = code }

        /// The organisation an account reports for: an operator's (China Tower's) or a district's;
        /// nil for the city office, leaders, resource owners and administrators.
        public init?(reporting principal: Principal) {
            switch principal.role {
            case .operator:
                guard let op = principal.operator else { return nil }
                self.init(kind: op == .tower ? .tower : .operator, code: op.rawValue)
            case .district:
                guard let region = principal.region else { return nil }
                self.init(kind: .district, code: region)
            case .cityOffice, .leader, .resourceOwner, .admin, .inspector, .verifier: return nil
            }
        }

        /// As the API writes it: `operator:cmcc`, `tower:tower`, `district:500103`.
        public var description: String { "\(kind.rawValue):\(code)" }

        /// By kind, then by code.
        public static func < (a: Self, b: Self) -> Bool { (a.kind, a.code) < (b.kind, b.code) }
    }

    /// How often an organisation must report.
    public enum Cadence: String, Codable, Sendable, CaseIterable {
        /// At least once every working day.
        case workingDay = "working_day"
        /// At least once in every calendar week (Monday to Sunday) that has a working day.
        case week
    }

    /// What the city office expects: the cadence of each kind of organisation, and after how many
    /// consecutive missed periods a silence is escalated to the city.
    public struct Rule: Codable, Hashable, Sendable {
        /// The four operators' cadence.
        public var operators: Cadence
        /// China Tower's cadence.
        public var tower: Cadence
        /// The district offices' cadence.
        public var districts: Cadence
        /// Consecutive missed periods that escalate an organisation's silence (from 1).
        public var escalateAfter: Int

        /// A rule with every value given.
        public init(operators: Cadence, tower: Cadence, districts: Cadence, escalateAfter: Int) {
            self.operators = operators; self.tower = tower; self.districts = districts; self.escalateAfter = escalateAfter
        }

        /// Until the office sets one: operators and China Tower every working day, districts weekly,
        /// escalated after three consecutive misses.
        public static let standard = Rule(operators: .workingDay, tower: .workingDay, districts: .week, escalateAfter: 3)

        /// The cadence of a kind of organisation.
        public func cadence(_ kind: OrganisationKind) -> Cadence {
            switch kind {
            case .operator: operators
            case .tower: tower
            case .district: districts
            }
        }

        /// Checks a rule the office sets: escalation after 1 to 60 consecutive misses.
        public func validated() throws -> Rule {
            guard (1...60).contains(escalateAfter) else { throw RolloutError("reporting_bad_escalate_after", ["value": "\(escalateAfter)"]) }
            return self
        }
    }

    /// One period an organisation had to report in (a working day, or a week), as it stands at a moment.
    public struct Period: Encodable, Equatable, Sendable {
        /// Its first day (`YYYY-MM-DD`).
        public var from: String
        /// Its last day (the same as `from` for a working day).
        public var to: String
        /// How many reports were received in it.
        public var reports: Int
        /// Whether it ended without a report.
        public var missed: Bool
    }

    /// An organisation's reporting as it stands at a moment.
    public struct Status: Encodable, Equatable, Sendable {
        /// Who must report.
        public var organisation: Organisation
        /// Its cadence then.
        public var cadence: Cadence
        /// When its last report was received, if ever.
        public var lastReport: Instant?
        /// Periods ended without a report within the days asked.
        public var missed: Int
        /// Periods ended in a row without a report, up to the last ended period (0 when it reported).
        public var consecutiveMisses: Int
        /// Whether the consecutive misses reached the rule's escalation count.
        public var escalated: Bool
        /// The periods within the days asked, the oldest first (the current one, not yet ended, last).
        public var periods: [Period]
        /// The first day of the run of misses, when there is one.
        public var runSince: DayNumber?
        /// When the run reached the escalation count (the end of its last period needed), if it has.
        public var escalationDue: Instant?
        /// When the platform recorded the run's escalation to the city, once it has.
        public var escalatedAt: Instant?

        enum CodingKeys: String, CodingKey {
            case organisation, kind, code, cadence, lastReport, missedDays, consecutiveMisses, escalated, escalatedAt, periods
        }

        /// The organisation as `kind:code` and apart, instants as ISO-8601.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(organisation.description, forKey: .organisation)
            try c.encode(organisation.kind.rawValue, forKey: .kind)
            try c.encode(organisation.code, forKey: .code)
            try c.encode(cadence.rawValue, forKey: .cadence)
            try c.encode(lastReport?.description, forKey: .lastReport)
            try c.encode(missed, forKey: .missedDays)
            try c.encode(consecutiveMisses, forKey: .consecutiveMisses)
            try c.encode(escalated, forKey: .escalated)
            try c.encode(escalatedAt?.description, forKey: .escalatedAt)
            try c.encode(periods, forKey: .periods)
        }
    }

    /// The periods of a cadence that begin on or after `first` and before or on `last` (days), in
    /// order: each working day; or each Monday-to-Sunday week that has a working day, clipped to
    /// neither bound (a week is whole).
    public static func periods(_ cadence: Cadence, calendar: WorkingCalendar, first: DayNumber, last: DayNumber) -> [ClosedRange<DayNumber>] {
        guard first <= last else { return [] }
        switch cadence {
        case .workingDay:
            return (first...last).filter(calendar.isWorkingDay).map { $0...$0 }
        case .week:
            var out: [ClosedRange<DayNumber>] = []
            var monday = first - WorkingCalendar.weekday(first)
            while monday <= last {
                let week = monday...(monday + 6)
                if week.contains(where: calendar.isWorkingDay) { out.append(week) }
                monday += 7
            }
            return out
        }
    }

    /// An organisation's status at `moment` from the instants its reports were received (any
    /// order; those the moment does not include are ignored): periods from `since` (the first day
    /// expected, the campaign's start) on, those within the last `days` days listed and counted.
    /// A period is missed once it has ended (its last day is over at the moment) without a report.
    public static func status(of organisation: Organisation, receipts: [Instant], rule: Rule, calendar: WorkingCalendar,
                              since: DayNumber, days: Int, at moment: Cutoff) -> Status {
        let cadence = rule.cadence(organisation.kind)
        let seen = receipts.filter { moment.includes($0) }
        var perDay: [DayNumber: Int] = [:]
        for r in seen { perDay[ShanghaiCalendar.day(of: r), default: 0] += 1 }
        // The moment's day is over when the moment is its midnight; otherwise it is still going.
        let lastDay = ShanghaiCalendar.day(of: moment.before.adding(seconds: -1))
        let all = periods(cadence, calendar: calendar, first: since, last: lastDay)
        let ended: (ClosedRange<DayNumber>) -> Bool = { Cutoff.endOf(day: $0.upperBound) <= moment }
        let count: (ClosedRange<DayNumber>) -> Int = { $0.reduce(0) { $0 + (perDay[$1] ?? 0) } }
        var run: [ClosedRange<DayNumber>] = []
        for p in all.reversed() where ended(p) {
            if count(p) > 0 { break }
            run.insert(p, at: 0)
        }
        let consecutive = run.count
        let windowStart = lastDay - days + 1
        let listed = all.filter { $0.upperBound >= windowStart }.map { p in
            Period(from: ShanghaiCalendar.dateString(p.lowerBound), to: ShanghaiCalendar.dateString(p.upperBound),
                   reports: count(p), missed: ended(p) && count(p) == 0)
        }
        return Status(organisation: organisation, cadence: cadence, lastReport: seen.max(), missed: listed.filter(\.missed).count,
                      consecutiveMisses: consecutive, escalated: consecutive >= rule.escalateAfter, periods: listed,
                      runSince: run.first?.lowerBound,
                      escalationDue: run.count >= rule.escalateAfter ? Cutoff.endOf(day: run[rule.escalateAfter - 1].upperBound).before : nil)
    }
}
