import RolloutCore

/// How the demo spreads the campaign over regions and operators.
///
/// A region's weight is 70 % its share of the population and 30 % its share of the area; a region
/// whose population the reference data lacks gets its area times the median density of regions of
/// its kind (for weighting only; the data itself is not changed). Each region also gets a pace
/// factor: most lie between 0.92 and 1.15, and a few lagging ones between 0.5 and 0.7.
public struct DemoPlan: Sendable {
    /// The campaign's regions, in their file order.
    public var regions: [Region]
    /// Normalised weights, summing to 1.
    public var weights: [String: Double]
    /// How well each region keeps up; its share of the sites actually built is weight × pace.
    public var pace: [String: Double]
    /// The lagging regions.
    public var lagging: Set<String>
    /// The campaign target per region, summing to the city target.
    public var regionTargets: [String: Int]
    /// Each operator's share of each region's target.
    public var operatorTargets: [String: [Operator: Int]]
    /// The city's number at each milestone, in due order (the first is `cityTarget`).
    public var milestoneTargets: [Int] = []

    /// The operators' shares of the network build.
    public static let operatorShares: [(Operator, Double)] = [(.cmcc, 0.40), (.ctcc, 0.26), (.cucc, 0.26), (.cbn, 0.08)]

    /// The plan of `cityTarget` sites over `regions`, lagging regions and paces drawn from `seed`.
    public init(regions: [Region], cityTarget: Int, seed: UInt64, milestones: [Int]? = nil) {
        milestoneTargets = milestones ?? [cityTarget]
        self.regions = regions
        var density: [RegionKind: Double] = [:]
        for kind in RegionKind.allCases {
            let d = regions.filter { $0.kind == kind }.compactMap { r -> Double? in
                guard let p = r.population, let a = r.areaKm2, a > 0 else { return nil }
                return Double(p) / a
            }.sorted()
            density[kind] = d.isEmpty ? nil : d[d.count / 2]
        }
        let allDensities = density.values.sorted()
        let fallbackDensity = allDensities.isEmpty ? 300 : allDensities[allDensities.count / 2]
        let population = regions.map { r in
            Double(r.population ?? 0) > 0 ? Double(r.population!) : (r.areaKm2 ?? 100) * (density[r.kind] ?? fallbackDensity)
        }
        let area = regions.map { $0.areaKm2 ?? 100 }
        let (pSum, aSum) = (population.reduce(0, +), area.reduce(0, +))
        var weights: [String: Double] = [:]
        for (i, r) in regions.enumerated() { weights[r.code] = 0.7 * population[i] / pSum + 0.3 * area[i] / aSum }
        self.weights = weights

        var rng = SeededRandom(seed: seed, stream: 1, item: 0)
        // Lagging regions: three outlying counties, drawn from those far from the centre.
        let outlying = regions.filter { $0.kind == .county || $0.kind == .autonomousCounty }.map(\.code).sorted()
        var lagging: Set<String> = []
        while lagging.count < min(3, outlying.count) { lagging.insert(outlying[Int(rng.unit() * Double(outlying.count))]) }
        self.lagging = lagging
        var pace: [String: Double] = [:]
        for r in regions { pace[r.code] = lagging.contains(r.code) ? rng.uniform(0.5...0.7) : rng.uniform(0.92...1.15) }
        self.pace = pace

        regionTargets = DemoPlan.apportion(cityTarget, weights: regions.map { ($0.code, weights[$0.code]!) })
        var operatorTargets: [String: [Operator: Int]] = [:]
        for r in regions {
            let split = DemoPlan.apportion(regionTargets[r.code]!, weights: DemoPlan.operatorShares.map { ($0.0.rawValue, $0.1) })
            operatorTargets[r.code] = Dictionary(uniqueKeysWithValues: split.map { (Operator(rawValue: $0.key)!, $0.value) })
        }
        self.operatorTargets = operatorTargets
        var splits = [(regions: regionTargets, operators: operatorTargets)]
        for (previous, next) in zip(milestoneTargets, milestoneTargets.dropFirst()) {
            let last = splits[splits.count - 1]
            let more = DemoPlan.apportion(max(0, next - previous), weights: regions.map { ($0.code, weights[$0.code]!) })
            var split = last
            for r in regions {
                split.regions[r.code]! += more[r.code]!
                let ops = DemoPlan.apportion(more[r.code]!, weights: DemoPlan.operatorShares.map { ($0.0.rawValue, $0.1) })
                for (op, n) in ops { split.operators[r.code]![Operator(rawValue: op)!]! += n }
            }
            splits.append(split)
        }
        milestoneSplits = splits
    }

    /// Each milestone's split over regions and operators, the milestones in due order (the first
    /// is the campaign target's split): each adds its increase over the one before by the same
    /// weights, so every line's plan is cumulative and the parts add up exactly.
    public var milestoneSplits: [(regions: [String: Int], operators: [String: [Operator: Int]])] = []

    /// Splits a whole number by weights, largest remainder first, so the parts add up exactly.
    public static func apportion(_ total: Int, weights: [(String, Double)]) -> [String: Int] {
        let sum = weights.reduce(0) { $0 + $1.1 }
        var parts = weights.map { (key: $0.0, exact: Double(total) * $0.1 / sum) }
        var out: [String: Int] = [:]
        for p in parts { out[p.key] = Int(p.exact.rounded(.down)) }
        var left = total - out.values.reduce(0, +)
        parts.sort { ($0.exact - $0.exact.rounded(.down), $1.key) > ($1.exact - $1.exact.rounded(.down), $0.key) }
        for p in parts where left > 0 { out[p.key]! += 1; left -= 1 }
        return out
    }
}
