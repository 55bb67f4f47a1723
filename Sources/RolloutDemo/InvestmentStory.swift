import RolloutCore

/// The demo's spend. Published: 8.5 billion yuan for 2020's three 5G projects (China Mobile,
/// Unicom and Telecom) and more than 30 billion over the three years (`campaign-figures.csv`).
/// The city office records the plan at the launch meeting: 2020's 8.5 billion over the three,
/// the rest (21.5 billion) evenly over 2021 and 2022 and over all four operators, each split over
/// the regions by the plan's weights. **Illustrative, not published**: every actual figure. Each
/// operator reports its spend so far at the end of June and of December (20:00): 2020 a little
/// over plan (the campaign's push), 2021 and 2022 short of it, as the build slowed; ±10 % per
/// region, operator and year.
extension DemoCampaign {
    /// The planned spend per year, yuan (scale 1).
    static let plannedSpend: [Int: Double] = [2020: 8.5e9, 2021: 10.75e9, 2022: 10.75e9]
    /// The share of a year's plan spent by the end of June and by the end of December.
    static let spentShare: [Int: (june: Double, december: Double)] = [2020: (0.70, 1.03), 2021: (0.42, 0.80), 2022: (0.40, 0.62)]

    /// The plan's spend and the operators' reports of it, as events before the clock.
    public func investmentEvents() -> [NewEvent] {
        var out: [NewEvent] = []
        let scaled = Double(scale) * fraction
        for year in [2020, 2021, 2022] {
            let operators = year == 2020 ? DemoPlan.operatorShares.filter { $0.0 != .cbn } : DemoPlan.operatorShares
            let opSum = operators.reduce(0) { $0 + $1.1 }
            var planned: [String: Int64] = [:]
            for r in plan.regions {
                for (op, share) in operators {
                    let yuan = (Self.plannedSpend[year]! * scaled * plan.weights[r.code]! * share / opSum / 10_000).rounded() * 10_000
                    planned["\(r.code)|\(op.rawValue)"] = Int64(yuan)
                }
            }
            // The plan, set at the launch meeting.
            if clock.includes(DemoCampaign.launch) {
                for r in plan.regions {
                    for (op, _) in operators {
                        out.append(NewEvent(.investmentReported(InvestmentFigure(regionCode: r.code, operator: op, year: year,
                                                                                plannedCNY: planned["\(r.code)|\(op.rawValue)"], actualCNY: nil)),
                                            occurredAt: DemoCampaign.launch, recordedAt: DemoCampaign.launch, actor: "city_office"))
                    }
                }
            }
            // The operators' reports of their spend so far.
            let (june, december) = Self.spentShare[year]!
            for (month, day, share) in [(6, 30, june), (12, 31, december)] {
                let at = ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: year, month: month, day: day)!).adding(seconds: 20 * 3600)
                guard clock.includes(at) else { continue }
                for r in plan.regions {
                    for (op, _) in operators {
                        var rng = SeededRandom(seed: seed, stream: 9, item: UInt64(year * 1_000 + (plan.regions.firstIndex { $0.code == r.code } ?? 0) * 10
                                                                                   + (DemoPlan.operatorShares.firstIndex { $0.0 == op } ?? 0)))
                        let noise = rng.uniform(0.9...1.1)
                        let p = Double(planned["\(r.code)|\(op.rawValue)"] ?? 0)
                        let actual = Int64((p * share * noise / 10_000).rounded() * 10_000)
                        out.append(NewEvent(.investmentReported(InvestmentFigure(regionCode: r.code, operator: op, year: year,
                                                                                plannedCNY: planned["\(r.code)|\(op.rawValue)"], actualCNY: actual)),
                                            occurredAt: at, recordedAt: at, actor: "\(op.rawValue)-import"))
                    }
                }
            }
        }
        return out
    }
}
