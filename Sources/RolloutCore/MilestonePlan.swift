/// A cumulative plan: a number of sites by each of several dates (30,000 by 30 June 2020, 70,000
/// by the end of 2021, 100,000 by the end of 2022), for a region, an operator's share, a key area
/// or the whole city.
///
/// The milestone in force at a moment is the first one not yet past; after the last one, the last
/// stays in force. Between two milestones the plan expects the sites pro rata in time, from the
/// earlier milestone's number (from none at the campaign's start, for the first).
public struct MilestonePlan: Hashable, Sendable {
    /// One milestone: its cumulative number of sites and when it falls due (the last second of its day).
    public struct Milestone: Hashable, Codable, Sendable {
        /// The cumulative number of sites due.
        public var target: Int
        /// When it falls due.
        public var due: Instant

        /// A milestone of `target` sites due at `due`.
        public init(target: Int, due: Instant) { self.target = target; self.due = due }
    }

    /// The milestones, by due date, one per date.
    public private(set) var milestones: [Milestone]

    /// A plan from its milestones in any order; of two on one day, the later in the list counts.
    public init(_ milestones: [Milestone]) {
        var byDay: [DayNumber: Milestone] = [:]
        for m in milestones { byDay[ShanghaiCalendar.day(of: m.due)] = m }
        self.milestones = byDay.values.sorted { $0.due < $1.due }
    }

    /// Whether the plan has no milestone.
    public var isEmpty: Bool { milestones.isEmpty }

    /// The index of the milestone in force at an instant (the last instant a read includes).
    public func indexInForce(at t: Instant) -> Int? {
        guard !milestones.isEmpty else { return nil }
        // A milestone stays in force through its whole day.
        let today = ShanghaiCalendar.day(of: t)
        return milestones.firstIndex { ShanghaiCalendar.day(of: $0.due) >= today } ?? milestones.count - 1
    }

    /// The milestone in force at an instant: the first not yet past, else the last.
    public func inForce(at t: Instant) -> Milestone? { indexInForce(at: t).map { milestones[$0] } }

    /// The milestones still ahead at an instant (due at or after it).
    public func ahead(of t: Instant) -> [Milestone] { milestones.filter { ShanghaiCalendar.day(of: $0.due) >= ShanghaiCalendar.day(of: t) } }

    /// Where the period of the milestone in force starts, and the number the plan stands at then:
    /// the previous milestone, or the campaign's start with nothing.
    public func periodStart(at t: Instant, campaignStart: Instant) -> (at: Instant, target: Int)? {
        guard let i = indexInForce(at: t) else { return nil }
        return i == 0 ? (campaignStart, 0) : (milestones[i - 1].due, milestones[i - 1].target)
    }

    /// The share of the period of the milestone in force gone by at an instant (0 to 1).
    public func periodElapsed(at t: Instant, campaignStart: Instant) -> Double? {
        guard let i = indexInForce(at: t), let start = periodStart(at: t, campaignStart: campaignStart) else { return nil }
        let span = Double(milestones[i].due.seconds - start.at.seconds)
        guard span > 0 else { return 1 }
        return min(1, max(0, Double(t.seconds - start.at.seconds) / span))
    }

    /// The sites the plan expects by an instant: pro rata in time within the period of the
    /// milestone in force, from the number it starts at to the milestone's.
    public func expected(at t: Instant, campaignStart: Instant) -> Double? {
        guard let i = indexInForce(at: t), let start = periodStart(at: t, campaignStart: campaignStart),
              let share = periodElapsed(at: t, campaignStart: campaignStart) else { return nil }
        return Double(start.target) + Double(milestones[i].target - start.target) * share
    }

    /// The first two milestones, in date order, where the later is fewer sites than the earlier
    /// (nil: the plan is cumulative, as every plan must stay).
    public var firstFall: (earlier: Milestone, later: Milestone)? {
        zip(milestones, milestones.dropFirst()).first { $0.1.target < $0.0.target }.map { (earlier: $0.0, later: $0.1) }
    }

    /// The sum of several plans: at each date any of them names, the sum of what each has in force then.
    public static func sum(_ plans: [MilestonePlan]) -> MilestonePlan {
        let plans = plans.filter { !$0.isEmpty }
        let dates = Set(plans.flatMap { $0.milestones.map(\.due) }).sorted()
        return MilestonePlan(dates.map { d in Milestone(target: plans.reduce(0) { $0 + ($1.inForce(at: d)?.target ?? 0) }, due: d) })
    }
}

extension TargetSetting {
    /// The key of the milestone this line sets: its entity and its due day.
    public var milestone: String { TargetSetting.milestone(entity: entity, due: due) }

    /// The key of an entity's milestone due on the day of `due`.
    public static func milestone(entity: String, due: Instant) -> String { entity + "@" + ShanghaiCalendar.dateString(due) }
}
