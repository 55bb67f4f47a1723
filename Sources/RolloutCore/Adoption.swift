/// 5G adoption as of a moment, folded from the log: each application project's latest record,
/// each operator's standing figure per region and month (the last correction known), and the
/// subscriber targets. Pure: the application reads the events.
public struct Adoption: Sendable {
    /// The kinds of event adoption is folded from.
    public static let kinds = ["application.recorded", "subscribers.reported", "subscriber_target.set"]

    /// Each project by reference, as its latest record before the moment says, with since when.
    public private(set) var projects: [String: (project: ApplicationProject, since: Instant)] = [:]
    /// Each standing figure by entity.
    public private(set) var figures: [String: SubscriberFigure] = [:]
    /// Each subscriber target line by entity, with when it was set.
    public private(set) var targets: [String: (target: SubscriberTarget, setAt: Instant)] = [:]

    /// Folds the events (in log order) that happened before the moment and were known by it.
    public init(_ events: [LoggedEvent], at moment: ReadMoment) {
        for logged in events.sorted(by: { $0.seq < $1.seq }) {
            let e = logged.event
            guard moment.asOf.includes(e.occurredAt), moment.knownAt?.includes(e.recordedAt) ?? true else { continue }
            switch e.body {
            case .applicationRecorded(let p):
                // A record dated before the one standing is history, not the news.
                if let old = projects[p.ref], old.since > e.occurredAt { continue }
                projects[p.ref] = (p, e.occurredAt)
            case .subscribersReported(let f): figures[f.entity] = f
            case .subscriberTargetSet(let t):
                if let old = targets[t.entity], old.setAt > e.occurredAt { continue }
                targets[t.entity] = (t, e.occurredAt)
            default: continue
            }
        }
    }

    /// The months with a subscriber count, oldest first.
    public var months: [YearMonth] { Array(Set(figures.values.filter { $0.subscribers != nil }.map(\.month))).sorted() }

    /// The months with traffic, oldest first.
    public var trafficMonths: [YearMonth] { Array(Set(figures.values.filter { $0.trafficTB != nil }.map(\.month))).sorted() }

    /// The latest month any subscriber count is known for.
    public var latestMonth: YearMonth? { months.last }

    /// The figures of a month, in a fixed order (so that sums of traffic come out the same every time).
    private func matching(_ month: YearMonth, region: String?, operator op: Operator?) -> [SubscriberFigure] {
        figures.filter { $0.value.month == month && (region == nil || $0.value.regionCode == region) && (op == nil || $0.value.operator == op) }
            .sorted { $0.key < $1.key }.map(\.value)
    }

    /// The subscribers of a month, summed over what is given (a region, an operator, or all); nil when no figure counts them.
    public func subscribers(_ month: YearMonth, region: String? = nil, operator op: Operator? = nil) -> Int? {
        let counts = matching(month, region: region, operator: op).compactMap(\.subscribers)
        return counts.isEmpty ? nil : counts.reduce(0, +)
    }

    /// The traffic of a month in TB, summed likewise; nil when no figure gives it.
    public func traffic(_ month: YearMonth, region: String? = nil, operator op: Operator? = nil) -> Double? {
        let tb = matching(month, region: region, operator: op).compactMap(\.trafficTB)
        return tb.isEmpty ? nil : (tb.reduce(0, +) * 10_000).rounded() / 10_000
    }

    /// The months over which the scorecard measures growth.
    public static let growthMonths = 3

    /// A region's relative growth of subscribers over the ``growthMonths`` before the latest month
    /// known in the city: (latest − earlier) / earlier; nil without both counts or with none earlier.
    public func growth(region: String) -> Double? {
        guard let last = latestMonth, let now = subscribers(last, region: region),
              let before = subscribers(last.minus(Self.growthMonths), region: region), before > 0 else { return nil }
        return Double(now - before) / Double(before)
    }

    /// The projects as they stand, by reference.
    public var currentProjects: [ApplicationProject] { projects.values.map(\.project).sorted { $0.ref < $1.ref } }

    /// The projects of a region in operation.
    public func inOperation(region: String) -> Int {
        projects.values.filter { $0.project.regionCode == region && $0.project.status == .inOperation }.count
    }

    /// The subscriber target of a region (or an operator's share in it).
    public func target(region: String, operator op: Operator? = nil) -> SubscriberTarget? {
        targets[SubscriberTarget(regionCode: region, operator: op, target: 0, due: Instant(seconds: 0)).entity]?.target
    }
}
