import RolloutCore

/// How the demo's regions build over time: all along the city's curve, or some stalling and some
/// building late, so that a forecast can be tried on regions that do not behave like the city.
public enum DemoVariant: String, Sendable, CaseIterable {
    /// Every region follows the city's build curve.
    case standard
    /// Four regions stop building from 10 to 31 May (what they would have put on air then goes on
    /// air in the three weeks after, on top of their own), and four others build late (what they
    /// would have put on air between the launch and the deadline is pushed toward the deadline).
    case stallAndSurge = "stall-surge"
}

/// The regions a ``DemoVariant`` changes, and how it moves the day a site goes on air.
struct RegionBehaviour: Sendable {
    /// Regions that stall in ``stallDays``.
    let stalling: Set<String>
    /// Regions whose builds between the launch and the deadline come late.
    let surging: Set<String>

    /// The stall: 10 May to 31 May 2020 (day numbers, end exclusive).
    static let stallDays = Double(ShanghaiCalendar.dayNumber(year: 2020, month: 5, day: 10)!)..<Double(ShanghaiCalendar.dayNumber(year: 2020, month: 6, day: 1)!)
    /// The span a late surge squeezes toward its end: the launch (9 April) to the deadline (30 June).
    static let surgeDays = Double(ShanghaiCalendar.dayNumber(year: 2020, month: 4, day: 9)!)...Double(ShanghaiCalendar.dayNumber(year: 2020, month: 7, day: 1)!)

    /// The regions of a variant: four stalling and four surging, drawn from the regions that are not
    /// lagging already (those have their own slow story), the same for the same seed.
    init(_ variant: DemoVariant, plan: DemoPlan, regions: [String], seed: UInt64) {
        guard variant == .stallAndSurge else { stalling = []; surging = []; return }
        var rng = SeededRandom(seed: seed, stream: 7, item: 0)
        var pool = regions.filter { !plan.lagging.contains($0) }.sorted()
        var picked: [String] = []
        while picked.count < 8 && !pool.isEmpty { picked.append(pool.remove(at: Int(rng.unit() * Double(pool.count)))) }
        stalling = Set(picked.prefix(4))
        surging = Set(picked.dropFirst(4))
    }

    /// The (fractional) day a site of `region` goes on air, from the day the city's curve gives it.
    func day(_ day: Double, region: String) -> Double {
        if stalling.contains(region), RegionBehaviour.stallDays.contains(day) {
            return day + (RegionBehaviour.stallDays.upperBound - RegionBehaviour.stallDays.lowerBound)
        }
        if surging.contains(region), RegionBehaviour.surgeDays.contains(day) {
            let (a, b) = (RegionBehaviour.surgeDays.lowerBound, RegionBehaviour.surgeDays.upperBound)
            // The share x of the span built by a day becomes √x: the later days take more of it.
            return a + (b - a) * ((day - a) / (b - a)).squareRoot()
        }
        return day
    }
}
