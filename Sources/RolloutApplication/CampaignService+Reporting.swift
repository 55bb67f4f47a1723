import Foundation
import RolloutCore
import RolloutStorage

/// Reporting discipline as the pages and the API see it at a moment.
public struct ReportingView: Encodable, Sendable, Equatable {
    /// The rule in force.
    public var rule: Reporting.Rule
    /// The years whose official calendar (holidays, swapped workdays) the office has loaded.
    public var calendarYears: [Int]
    /// The days the periods and the missed counts cover, ending with the moment's day.
    public var days: Int
    /// Every organisation that must report, operators first, then China Tower, then the districts.
    public var organisations: [Reporting.Status]
}

extension CampaignService {
    /// The kinds of event reporting discipline is folded from.
    public static let reportingKinds = ["report.received", "reporting.rule_set", "calendar.set", "reporting.escalated"]
    /// The most days a reporting view covers.
    public static let reportingMaxDays = 366

    /// Who must report: the four operators, China Tower, and every district of the campaign.
    func reportingOrganisations() async throws -> [Reporting.Organisation] {
        let operators = Operator.allCases.filter { $0 != .tower }.map { Reporting.Organisation(kind: .operator, code: $0.rawValue) }
        let districts = try await regionList().map { Reporting.Organisation(kind: .district, code: $0.code) }
        return operators + [Reporting.Organisation(kind: .tower, code: Operator.tower.rawValue)] + districts
    }

    /// Every organisation's reporting at a moment, over the last `days` days (1 to 366).
    public func reporting(asOf: String? = nil, knownAt: String? = nil, days: Int = 30) async throws -> ReportingView {
        guard (1...Self.reportingMaxDays).contains(days) else { throw RolloutError("reporting_bad_days", ["value": "\(days)"]) }
        let (c, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await reporting(c.campaign, at: moment, days: days)
    }

    /// The organisations not reporting on time at a checked moment (a run of missed periods up to
    /// the last one ended): flagged on the overview, their district's or operator's page and the bulletin.
    public func reportingLate(at moment: ReadMoment) async throws -> [Reporting.Status] {
        try await reporting(try await campaign().campaign, at: moment, days: 1).organisations.filter { $0.consecutiveMisses > 0 }
    }

    /// Every organisation's reporting at a checked moment.
    func reporting(_ campaign: Campaign, at moment: ReadMoment, days: Int) async throws -> ReportingView {
        let events = try await reportingEvents().filter {
            moment.asOf.includes($0.event.occurredAt) && (moment.knownAt?.includes($0.event.recordedAt) ?? true)
        }
        var rule = Reporting.Rule.standard
        var years: [WorkingCalendar.Year] = []
        var receipts: [Reporting.Organisation: [Instant]] = [:]
        var escalations: [Reporting.Organisation: [DayNumber: Instant]] = [:]
        for e in events {
            switch e.event.body {
            case .reportReceived(let org, _, _): receipts[org, default: []].append(e.event.recordedAt)
            case .reportingRuleSet(let r): rule = r
            case .workingCalendarSet(let y): years.append(y)
            case .reportingEscalated(let org, let since, _): escalations[org, default: [:]][since] = e.event.recordedAt
            default: break
            }
        }
        let calendar = WorkingCalendar.from(years)
        let since = ShanghaiCalendar.day(of: campaign.start)
        // The receipts known at the moment: as of it, and as known then when asked.
        let cut = moment.knownAt.map { min($0, moment.asOf) } ?? moment.asOf
        let statuses = try await reportingOrganisations().map { org in
            var s = Reporting.status(of: org, receipts: receipts[org] ?? [], rule: rule, calendar: calendar, since: since, days: days, at: cut)
            s.escalatedAt = s.runSince.flatMap { escalations[org]?[$0] }
            return s
        }
        return ReportingView(rule: rule, calendarYears: Set(years.map(\.year)).sorted(), days: days, organisations: statuses)
    }

    /// The events reporting discipline is folded from, caught up with the log when it has grown (the
    /// overview, district and operator pages each ask for them).
    func reportingEvents() async throws -> [LoggedEvent] {
        try await kept.events(kinds: Self.reportingKinds, store: store)
    }

    /// Records, as `system`, the escalation to the city of every organisation whose run of missed
    /// periods has reached the office's count and is not escalated yet, dated when it reached it.
    /// Several instances may sweep at once: a run is escalated once. Returns how many it escalated.
    @discardableResult
    public func escalateSilentOrganisations() async throws -> Int {
        let c = try await campaign()
        let now = c.now(clock)
        let view = try await reporting(c.campaign, at: ReadMoment(asOf: .including(now)), days: 1)
        let events = view.organisations.compactMap { s -> NewEvent? in
            guard s.escalatedAt == nil, let due = s.escalationDue, let since = s.runSince else { return nil }
            return NewEvent(.reportingEscalated(s.organisation, since: since, misses: s.consecutiveMisses), occurredAt: min(due, now),
                            recordedAt: now, actor: Self.systemActor)
        }
        guard !events.isEmpty else { return 0 }
        return try await store.append(events).applied
    }

    /// Sets what the office expects of each kind of organisation, as the city office; returns the rule set.
    @discardableResult
    public func setReportingRule(_ rule: Reporting.Rule, by principal: Principal) async throws -> Reporting.Rule {
        try await recordNow(needs: .setReporting, by: principal) { let checked = try rule.validated(); return (.reportingRuleSet(checked), checked) }
    }

    /// Loads a year's official calendar (lines `YYYY-MM-DD,holiday|workday`), as the city office; it
    /// replaces the year's earlier load from now on.
    public func loadWorkingCalendar(year: Int, text: String, by principal: Principal) async throws -> WorkingCalendar.Year {
        try await recordNow(needs: .setReporting, by: principal) {
            let parsed = try WorkingCalendar.Year.parse(year: year, text: text)
            return (.workingCalendarSet(parsed), parsed)
        }
    }

    /// The receipt of a report by the principal's organisation through `channel` (an import kind,
    /// or `api`), when it reports for one: appended with the report (a file whose rows all changed
    /// nothing is still a report).
    public static func receipt(for principal: Principal?, channel: String, rows: Int, at now: Instant) -> NewEvent? {
        guard let principal, let org = Reporting.Organisation(reporting: principal) else { return nil }
        return NewEvent(.reportReceived(org, channel: channel, rows: rows), occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)
    }

    /// Logs the receipt of a write the principal's organisation made through the API (after the
    /// write itself is committed: a receipt that fails to be logged leaves the write as it is).
    func noteReport(by principal: Principal, at now: Instant) async {
        guard let receipt = Self.receipt(for: principal, channel: "api", rows: 1, at: now) else { return }
        _ = try? await store.append([receipt])
    }
}
