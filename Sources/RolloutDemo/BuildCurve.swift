import RolloutCore

/// The cumulative number of 5G sites on air in Chongqing over time, drawn through the published
/// figures (`campaign-figures.csv`): about 10,000 at the end of 2019, 12,700 on 2020-04-09, the
/// 30,000 of the 2020 plan added by 30 June, 49,000 at the end of 2020, and about 61,000 at the end
/// of 2022: 19.04 base stations per 10,000 people (Chongqing Daily, 2023-05-18) times the census
/// population of 32,054,159, so the plan's 70,000 by 2021 and 100,000 by 2022 were missed. No count
/// for the end of 2021 is published; 55,000 lies on the straight line between 2020 and 2022.
/// Between the anchors it is linear; the shape in between (the slow start of 2020, the push of May
/// and June) follows the campaign's story.
public struct BuildCurve: Sendable {
    /// (day number whose start ends the anchor day, cumulative sites on air), scale 1.
    public let anchors: [(day: DayNumber, built: Double)]

    /// Chongqing's curve, through the published figures from June 2019 to the end of 2022.
    public static let chongqing2020 = BuildCurve(anchors: [
        ("2019-06-06", 0), ("2019-09-30", 2_600), ("2019-12-31", 10_000), ("2020-01-23", 11_100),
        ("2020-02-29", 11_500), ("2020-04-09", 12_700), ("2020-05-15", 23_500), ("2020-06-30", 40_900),
        ("2020-09-30", 45_200), ("2020-12-31", 49_300), ("2021-12-31", 55_000), ("2022-12-31", 61_000),
    ])

    init(anchors: [(String, Double)]) {
        // An anchor counts at the end of its day, that is at the start of the next one.
        self.anchors = anchors.map { (ShanghaiCalendar.parse($0.0).flatMap { if case .day(let d) = $0 { d + 1 } else { nil } }!, $0.1) }
    }

    /// The sites on air at the end of the horizon.
    public var total: Double { anchors.last!.built }

    /// The cumulative count at a (fractional) day.
    public func built(atDay day: Double) -> Double {
        guard day > Double(anchors[0].day) else { return 0 }
        for i in 1..<anchors.count where day <= Double(anchors[i].day) {
            let (d0, b0) = anchors[i - 1], (d1, b1) = anchors[i]
            return b0 + (b1 - b0) * (day - Double(d0)) / Double(d1 - d0)
        }
        return total
    }

    /// The (fractional) day at which the cumulative count reaches a value.
    public func day(reaching value: Double) -> Double {
        for i in 1..<anchors.count where value <= anchors[i].built {
            let (d0, b0) = anchors[i - 1], (d1, b1) = anchors[i]
            return Double(d0) + Double(d1 - d0) * (value - b0) / max(b1 - b0, 1e-9)
        }
        return Double(anchors.last!.day)
    }
}
