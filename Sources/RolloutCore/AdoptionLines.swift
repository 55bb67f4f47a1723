/// What the adoption page, the API and the export show of each region, and of the city: the same
/// numbers from one computation.
extension Adoption {
    /// A region's (or the city's) line at the latest month known in the city.
    public struct Line: Hashable, Sendable {
        /// The region's code; nil for the city.
        public var region: String?
        /// The latest month with a subscriber count in the city.
        public var month: YearMonth?
        /// Subscribers in that month.
        public var subscribers: Int?
        /// Subscribers ``Adoption/growthMonths`` months before.
        public var subscribersBefore: Int?
        /// The relative growth between the two.
        public var growth: Double?
        /// Traffic in that month, TB.
        public var trafficTB: Double?
        /// The subscriber target in force (the region's total line; for the city, the sum of the regions' lines).
        public var target: Int?
        /// Subscribers over the target.
        public var attainment: Double? { guard let t = target, t > 0, let s = subscribers else { return nil }; return Double(s) / Double(t) }
        /// The census population the penetration is computed over (nil: unknown).
        public var population: Int?
        /// Subscribers per 100 people (for the city: over the regions whose population is known).
        public var penetration: Double?
        /// Application projects, all statuses.
        public var applications: Int
        /// Of those, in operation.
        public var inOperation: Int
        /// Of those, demonstration projects.
        public var demonstrations: Int
        /// The investment of all projects, yuan.
        public var investmentCNY: Double
    }

    /// A region's line; `population` from the reference data when known.
    public func line(region code: String, population: Int?) -> Line {
        let month = latestMonth
        let subs = month.flatMap { subscribers($0, region: code) }
        let before = month.flatMap { subscribers($0.minus(Self.growthMonths), region: code) }
        let projects = currentProjects.filter { $0.regionCode == code }
        return Line(region: code, month: month, subscribers: subs, subscribersBefore: before, growth: growth(region: code),
                    trafficTB: month.flatMap { traffic($0, region: code) }, target: target(region: code)?.target, population: population,
                    penetration: Self.penetration(subs, population), applications: projects.count,
                    inOperation: projects.filter { $0.status == .inOperation }.count, demonstrations: projects.filter(\.demonstration).count,
                    investmentCNY: projects.compactMap(\.investmentCNY).reduce(0, +))
    }

    /// The city's line: sums of the regions; the penetration over the regions whose population is known.
    public func cityLine(populations: [String: Int]) -> Line {
        let month = latestMonth
        let subs = month.flatMap { subscribers($0) }
        let before = month.flatMap { subscribers($0.minus(Self.growthMonths)) }
        var counted = 0, people = 0
        if let month {
            for (code, p) in populations where p > 0 { if let s = subscribers(month, region: code) { counted += s; people += p } }
        }
        let targets = self.targets.values.filter { $0.target.operator == nil }.map(\.target.target)
        let projects = currentProjects
        return Line(region: nil, month: month, subscribers: subs, subscribersBefore: before,
                    growth: subs.flatMap { s in before.flatMap { $0 > 0 ? Double(s - $0) / Double($0) : nil } },
                    trafficTB: month.flatMap { traffic($0) }, target: targets.isEmpty ? nil : targets.reduce(0, +),
                    population: people > 0 ? people : nil, penetration: people > 0 ? Self.penetration(counted, people) : nil,
                    applications: projects.count, inOperation: projects.filter { $0.status == .inOperation }.count,
                    demonstrations: projects.filter(\.demonstration).count, investmentCNY: projects.compactMap(\.investmentCNY).reduce(0, +))
    }

    /// Four decimals: shares and rates as the page's API and the exports give them.
    public static func rounded(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }

    /// Subscribers per 100 people; nil without both.
    public static func penetration(_ subscribers: Int?, _ population: Int?) -> Double? {
        guard let s = subscribers, let p = population, p > 0 else { return nil }
        return 100 * Double(s) / Double(p)
    }

    /// The projects counted by domain and status.
    public func projectsByDomain(region: String? = nil) -> [ApplicationProject.Domain: [ApplicationProject.Status: Int]] {
        var out: [ApplicationProject.Domain: [ApplicationProject.Status: Int]] = [:]
        for p in currentProjects where region == nil || p.regionCode == region { out[p.domain, default: [:]][p.status, default: 0] += 1 }
        return out
    }
}
