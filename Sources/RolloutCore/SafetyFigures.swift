/// What the safety page, the API, the export and the scorecard count of the findings: the same
/// numbers from one computation.
extension Safety {
    /// Counts of findings in a group (a region, a contractor, a category).
    public struct Tally: Hashable, Sendable {
        /// Findings recorded.
        public var findings = 0
        /// Of them, major.
        public var major = 0
        /// Not closed (open or fix reported).
        public var unresolved = 0
        /// Open past the deadline.
        public var overdue = 0
        /// Of the overdue, escalated to the city by the platform.
        public var escalated = 0
        /// Sites stopped now.
        public var stopped = 0
        /// Days from inspection to the accepted fix, summed over the closed ones, and how many.
        public var daysToClose = 0.0
        /// How many were closed.
        public var closed = 0

        /// An empty tally.
        public init() {}

        /// The mean days from inspection to an accepted fix; nil before any is closed.
        public var meanDaysToClose: Double? { closed > 0 ? daysToClose / Double(closed) : nil }

        /// Findings per 100 sites; nil without sites.
        public func per100(sites: Int) -> Double? { sites > 0 ? 100 * Double(findings) / Double(sites) : nil }

        mutating func add(_ s: State, at t: Instant) {
            findings += 1
            if s.finding.severity == .major { major += 1 }
            if s.status != .closed { unresolved += 1 }
            if s.overdue(at: t) { overdue += 1; if s.escalatedAt != nil { escalated += 1 } }
            if s.stopsWork(at: t) { stopped += 1 }
            if let closedAt = s.closedAt { closed += 1; daysToClose += Double(closedAt.seconds - s.inspectedAt.seconds) / 86_400 }
        }
    }

    /// The tallies by region, by contractor ("" for findings without one), by category and severity, and in all.
    public func tallies(at t: Instant) -> (city: Tally, regions: [String: Tally], contractors: [String: Tally], categories: [String: Tally]) {
        var city = Tally(), regions: [String: Tally] = [:], contractors: [String: Tally] = [:], categories: [String: Tally] = [:]
        for s in findings.values {
            city.add(s, at: t)
            regions[s.finding.regionCode, default: Tally()].add(s, at: t)
            contractors[s.finding.contractor ?? "", default: Tally()].add(s, at: t)
            categories["\(s.finding.category.rawValue)/\(s.finding.severity.rawValue)", default: Tally()].add(s, at: t)
        }
        return (city, regions, contractors, categories)
    }

    /// The scorecard's safety measure of a region: findings per 100 sites, a major one weighing
    /// three; nil without sites.
    public static func weightedPer100(_ tally: Tally, sites: Int) -> Double? {
        sites > 0 ? 100 * Double(tally.findings + 2 * tally.major) / Double(sites) : nil
    }

    /// The findings still to be dealt with (not closed), the overdue first, then by deadline.
    public func unresolved(at t: Instant) -> [State] {
        findings.values.filter { $0.status != .closed }.sorted {
            ($0.overdue(at: t) ? 0 : 1, $0.deadline, $0.finding.ref) < ($1.overdue(at: t) ? 0 : 1, $1.deadline, $1.finding.ref)
        }
    }
}
