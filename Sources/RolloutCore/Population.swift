/// The population each region's density is over: the census figure where the reference data has
/// one, otherwise an estimate.
///
/// A district or county without a census figure gets its area times the median density of the
/// regions of its kind that have one (the rule the demo weights regions by). A functional area
/// (两江新区 and the like) lies inside districts whose census figures already count its people:
/// it has a density only when the reference data gives it a population of its own, never an
/// estimate, and the city's population is the sum over districts and counties alone.
public enum Population {
    /// One region's population and whether it is an estimate.
    public struct Figure: Hashable, Sendable {
        /// Persons.
        public var people: Int
        /// Whether it is an estimate rather than the census figure.
        public var imputed: Bool
    }

    /// The population per region code, for the regions that have one or can be given an estimate.
    public static func figures(_ regions: [Region]) -> [String: Figure] {
        var medians: [RegionKind: Double] = [:]
        for kind in RegionKind.allCases {
            let d = regions.filter { $0.kind == kind }.compactMap { r -> Double? in
                guard let p = r.population, p > 0, let a = r.areaKm2, a > 0 else { return nil }
                return Double(p) / a
            }.sorted()
            if let m = d.medianOfSorted { medians[kind] = m }
        }
        var out: [String: Figure] = [:]
        for r in regions {
            if let p = r.population, p > 0 {
                out[r.code] = Figure(people: p, imputed: false)
            } else if r.kind != .functionalArea, let a = r.areaKm2, a > 0, let m = medians[r.kind] {
                out[r.code] = Figure(people: Int((a * m).rounded()), imputed: true)
            }
        }
        return out
    }

    /// The city's population: the sum over its districts and counties (functional areas lie inside them).
    public static func city(_ regions: [Region], figures: [String: Figure]) -> (people: Int, imputed: Bool)? {
        let parts = regions.filter { $0.kind != .functionalArea }.compactMap { figures[$0.code] }
        guard !parts.isEmpty else { return nil }
        return (parts.reduce(0) { $0 + $1.people }, parts.contains(where: \.imputed))
    }

    /// Sites per 10,000 people, to two decimals; nil without people.
    public static func perTenThousand(_ sites: Int, people: Int) -> Double? {
        people > 0 ? (Double(sites) * 10_000 / Double(people) * 100).rounded() / 100 : nil
    }
}

extension RegionFigures {
    func withPopulation(_ p: Population.Figure?) -> RegionFigures {
        var r = self
        r.population = p?.people
        r.populationImputed = p?.imputed ?? false
        r.sitesPerTenThousand = p.flatMap { Population.perTenThousand(built, people: $0.people) }
        return r
    }
}

extension Summary {
    func withPopulation(_ p: (people: Int, imputed: Bool)?) -> Summary {
        var s = self
        s.population = p?.people
        s.populationImputed = p?.imputed ?? false
        s.sitesPerTenThousand = p.flatMap { Population.perTenThousand(built, people: $0.people) }
        return s
    }
}
