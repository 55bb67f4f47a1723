/// Turns counter values and targets into the figures every view shows, so all views agree.
public enum Figures {
    /// The pace window of the forecast, in days.
    public static let paceDays = 14

    /// The counter values a set of figures needs: at the moment, at the campaign start, and one pace window before.
    public struct Inputs: Sendable {
        /// The counters at the moment.
        public var now: CounterValues
        /// The counters at the campaign's start.
        public var atStart: CounterValues
        /// The counters at the start of the pace window.
        public var paceStart: CounterValues
        /// The length of the pace window in days (shorter near the campaign's start).
        public var paceDays: Double
        /// The stage-duration model, from the counters now and ``StageForecast/windowDays`` before.
        public var model: StageForecast
        /// The model's past errors, when the reader has measured them (none: the model's own spread).
        public var calibration = ForecastCalibration()

        /// The inputs, with the model fitted from `now` and `windowStart` and no calibration yet.
        public init(now: CounterValues, atStart: CounterValues, paceStart: CounterValues, paceDays: Double,
                    windowStart: CounterValues) {
            self.now = now; self.atStart = atStart; self.paceStart = paceStart; self.paceDays = paceDays
            model = StageForecast(now: now, windowStart: windowStart)
        }
    }

    /// The cutoff where the forecast's window of recent durations starts.
    public static func windowStart(for moment: ReadMoment) -> Cutoff {
        Cutoff(before: moment.asOf.before.adding(days: -StageForecast.windowDays))
    }

    /// Sites registered per day over the pace window, per operator, in a region (or the whole campaign).
    static func arrivals(_ inputs: Inputs, region: String?) -> [String: Double] {
        guard inputs.paceDays > 0 else { return [:] }
        var out: [String: Double] = [:]
        for op in Operator.network {
            let now = Stage.allCases.reduce(0) { $0 + inputs.now.sites(at: $1, region: region, operator: op.rawValue) }
            let then = Stage.allCases.reduce(0) { $0 + inputs.paceStart.sites(at: $1, region: region, operator: op.rawValue) }
            if now > then { out[op.rawValue] = Double(now - then) / inputs.paceDays }
        }
        return out
    }

    /// The sites not yet built, per operator and stage, in a region (or the whole campaign).
    static func pipeline(_ values: CounterValues, region: String?) -> [String: [Stage: Int]] {
        var out: [String: [Stage: Int]] = [:]
        for op in Operator.network {
            for s in Stage.allCases where !s.isBuilt {
                let n = values.sites(at: s, region: region, operator: op.rawValue)
                if n != 0 { out[op.rawValue, default: [:]][s] = n }
            }
        }
        return out
    }

    /// The cutoff where the pace window starts, never before the campaign start.
    public static func paceStart(for moment: ReadMoment, campaign: Campaign) -> Cutoff {
        let back = Cutoff(before: moment.asOf.before.adding(days: -paceDays))
        return max(back, Cutoff(before: campaign.start))
    }

    /// The campaign summary.
    public static func summary(campaign: Campaign, regions: [Region], targets: Targets, inputs: Inputs,
                               moment: ReadMoment) -> Summary {
        let target = regions.reduce(0) { $0 + (targets.target(region: $1.code) ?? 0) }
        let plan = targets.plan(regions: regions.map(\.code)), horizon = due(plan, campaign: campaign, moment: moment)
        let built = inputs.now.built()
        let atStart = inputs.atStart.built()
        var stages: [String: Int] = [:]
        for s in Stage.allCases { stages[s.rawValue] = inputs.now.sites(at: s) }
        var byCategory: [String: Int] = [:]
        for c in ObstacleCategory.allCases { byCategory[c.rawValue] = inputs.now.openObstacles(category: c) }
        let progress = built - atStart
        return Summary(
            campaign: campaign.name, start: ShanghaiCalendar.dateString(campaign.start),
            deadline: ShanghaiCalendar.dateString(campaign.deadline), asOf: moment.asOf.description,
            knownAt: moment.knownAt?.description, target: target, built: built, builtAtStart: atStart,
            progress: progress, completion: ratio(progress, target), sites: stages.values.reduce(0, +), stages: stages,
            openObstacles: inputs.now.openObstacles(), openObstaclesByCategory: byCategory,
            forecast: planForecast(plan, progress: progress, paceBuilt: built - inputs.paceStart.built(),
                                   pipeline: pipeline(inputs.now, region: nil), arrivals: arrivals(inputs, region: nil), inputs: inputs,
                                   target: target, campaign: campaign, moment: moment, withPath: true, key: ""),
            shared: inputs.now.shared(), sharingRate: ratio(inputs.now.shared(), stages.values.reduce(0, +)))
            .withStages(stageOutlook(inputs: inputs, region: nil, campaign: campaign.until(horizon), moment: moment))
            .withPlan(plan, campaign: campaign, moment: moment)
            .withPopulation(Population.city(regions, figures: Population.figures(regions)))
    }

    /// Every region's figures, ranked.
    public static func regions(campaign: Campaign, regions: [Region], targets: Targets, inputs: Inputs,
                               moment: ReadMoment) -> [RegionFigures] {
        let people = Population.figures(regions)
        var rows = regions.map { r -> RegionFigures in
            let built = inputs.now.built(region: r.code)
            let atStart = inputs.atStart.built(region: r.code)
            let target = targets.target(region: r.code)
            var stages: [String: Int] = [:]
            for s in Stage.allCases { stages[s.rawValue] = inputs.now.sites(at: s, region: r.code) }
            let operators = Operator.network.compactMap { op -> OperatorFigures? in
                let b = inputs.now.built(region: r.code, operator: op.rawValue)
                let sites = Stage.allCases.reduce(0) { $0 + inputs.now.sites(at: $1, region: r.code, operator: op.rawValue) }
                let t = targets.target(region: r.code, operator: op)
                if sites == 0 && t == nil { return nil }
                return OperatorFigures(operator: op.rawValue, target: t, built: b,
                                       progress: b - inputs.atStart.built(region: r.code, operator: op.rawValue), sites: sites,
                                       shared: inputs.now.shared(region: r.code, operator: op.rawValue))
            }
            let plan = targets.plan(region: r.code), horizon = due(plan, campaign: campaign, moment: moment)
            return RegionFigures(
                regionCode: r.code, name: r.nameZh, nameEn: r.nameEn, kind: r.kind.rawValue, target: target,
                due: targets.due(region: r.code).map { ShanghaiCalendar.dateString($0) }, built: built,
                builtAtStart: atStart, progress: built - atStart, completion: target.flatMap { ratio(built - atStart, $0) },
                rank: 0, sites: stages.values.reduce(0, +), stages: stages,
                openObstacles: inputs.now.openObstacles(region: r.code), operators: operators,
                forecast: planForecast(plan, progress: built - atStart, paceBuilt: built - inputs.paceStart.built(region: r.code),
                                       pipeline: pipeline(inputs.now, region: r.code), arrivals: arrivals(inputs, region: r.code),
                                       inputs: inputs, target: target ?? 0,
                                       campaign: campaign, moment: moment, withPath: true, key: r.code),
                shared: inputs.now.shared(region: r.code), sharingRate: ratio(inputs.now.shared(region: r.code), stages.values.reduce(0, +)))
                .withStages(stageOutlook(inputs: inputs, region: r.code, campaign: campaign.until(horizon), moment: moment))
                .withPlan(plan, campaign: campaign, moment: moment)
                .withPopulation(people[r.code])
        }
        for i in rows.indices { rows[i].rankedProgress = rows[i].progress }
        rank(&rows)
        return rows
    }

    /// Ranks regions by the share of their target their ranked progress makes (1 = best); regions
    /// without a target rank last, ties by ranked progress then code.
    public static func rank(_ rows: inout [RegionFigures]) {
        func share(_ r: RegionFigures) -> Double? { r.target.flatMap { ratio(r.rankedProgress, $0) } }
        let order = rows.indices.sorted { a, b in
            let (x, y) = (rows[a], rows[b])
            switch (share(x), share(y)) {
            case let (cx?, cy?) where cx != cy: return cx > cy
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (-x.rankedProgress, x.regionCode) < (-y.rankedProgress, y.regionCode)
            }
        }
        for (rank, i) in order.enumerated() { rows[i].rank = rank + 1 }
    }

    /// The figures with their verified and unverified sites, and under the `verified` basis
    /// ranked by their progress less the unverified sites (never below zero).
    public static func withVerification(_ figures: (summary: Summary, regions: [RegionFigures]), tally: VerificationTally,
                                        basis: RankBasis) -> (summary: Summary, regions: [RegionFigures]) {
        var (summary, regions) = figures
        summary.verified = tally.city.verified
        summary.unverified = tally.city.unverified
        summary.rankBasis = basis.rawValue
        for i in regions.indices {
            let line = tally.region(regions[i].regionCode)
            regions[i].verified = line.verified
            regions[i].unverified = line.unverified
            regions[i].rankBasis = basis.rawValue
            regions[i].rankedProgress = basis == .verified ? max(0, regions[i].progress - line.unverified) : regions[i].progress
            for j in regions[i].operators.indices {
                regions[i].operators[j].verified = tally.cell(region: regions[i].regionCode, operator: regions[i].operators[j].operator).verified
            }
        }
        rank(&regions)
        return (summary, regions)
    }

    /// The progress and the forecast of the city (nil) or of one region, without the rest of the
    /// figures (what a track record needs of each past week).
    /// - Parameter due: the day to forecast for (nil: the milestone in force at the moment).
    public static func forecast(region: String?, campaign: Campaign, regions: [Region], targets: Targets, inputs: Inputs,
                                moment: ReadMoment, due: Instant? = nil) -> (progress: Int, target: Int?, forecast: Forecast) {
        let progress = inputs.now.built(region: region) - inputs.atStart.built(region: region)
        let plan = region.map { targets.plan(region: $0) } ?? targets.plan(regions: regions.map(\.code))
        let forDay = due ?? Self.due(plan, campaign: campaign, moment: moment)
        // The target of the milestone forecast for: the one of that day, or the one in force.
        let target = due == nil ? (region.map { targets.target(region: $0) } ?? regions.reduce(0) { $0 + (targets.target(region: $1.code) ?? 0) })
            : plan.isEmpty ? nil : plan.inForce(at: forDay)?.target
        let f = forecast(progress: progress, paceBuilt: inputs.now.built(region: region) - inputs.paceStart.built(region: region),
                         pipeline: pipeline(inputs.now, region: region), arrivals: arrivals(inputs, region: region), inputs: inputs,
                         target: target ?? 0, campaign: campaign.until(forDay), moment: moment,
                         withPath: true, key: region ?? "")
        return (progress, target.flatMap { $0 > 0 ? $0 : nil }, f)
    }

    /// Each operator's progress over the campaign, its target (summed over the regions) and its
    /// forecast, from the same model as the regions'.
    public static func operators(campaign: Campaign, regions: [Region], targets: Targets, inputs: Inputs,
                                 moment: ReadMoment) -> [OperatorForecast] {
        let pipeline = pipeline(inputs.now, region: nil), arrivals = arrivals(inputs, region: nil)
        return Operator.network.compactMap { op in
            let code = op.rawValue
            let progress = inputs.now.built(operator: code) - inputs.atStart.built(operator: code)
            let listed = regions.compactMap { targets.target(region: $0.code, operator: op) }
            let target = listed.isEmpty ? nil : listed.reduce(0, +)
            guard target != nil || pipeline[code] != nil || progress > 0 else { return nil }
            let plan = MilestonePlan.sum(regions.map { targets.plan(region: $0.code, operator: op) })
            let f = planForecast(plan, progress: progress, paceBuilt: inputs.now.built(operator: code) - inputs.paceStart.built(operator: code),
                                 pipeline: pipeline[code].map { [code: $0] } ?? [:], arrivals: arrivals[code].map { [code: $0] } ?? [:],
                                 inputs: inputs, target: target ?? 0, campaign: campaign, moment: moment, withPath: false, key: "op:" + code)
            var made = OperatorForecast(operator: code, progress: progress, target: target, forecast: f)
            made.milestones = Figures.milestones(plan, moment: moment)
            made.plannedByNow = Figures.plannedByNow(plan, campaign: campaign, moment: moment)
            return made
        }
    }

    /// The sites the model expects built in `days` from the moment of `inputs` (before any
    /// calibration), for the city (`""`), each region and each operator (`op:` and its code); and
    /// the sites built by then, by the same keys.
    public static func expectedGains(_ inputs: Inputs, regions: [Region], within days: Double) -> (expected: [String: Double], built: [String: Int]) {
        var expected: [String: Double] = [:], built: [String: Int] = ["": inputs.now.built()]
        let all = pipeline(inputs.now, region: nil), allArrivals = arrivals(inputs, region: nil)
        expected[""] = inputs.model.outlook(all, arrivals: allArrivals, within: days).mean
        for r in regions {
            expected[r.code] = inputs.model.outlook(pipeline(inputs.now, region: r.code), arrivals: arrivals(inputs, region: r.code), within: days).mean
            built[r.code] = inputs.now.built(region: r.code)
        }
        for op in Operator.network.map(\.rawValue) {
            expected["op:" + op] = inputs.model.outlook(all[op].map { [op: $0] } ?? [:], arrivals: allArrivals[op].map { [op: $0] } ?? [:], within: days).mean
            built["op:" + op] = inputs.now.built(operator: op)
        }
        return (expected, built)
    }

    static func ratio(_ a: Int, _ b: Int) -> Double? {
        b > 0 ? (Double(a) / Double(b) * 10_000).rounded() / 10_000 : nil
    }

    static func forecast(progress: Int, paceBuilt: Int, pipeline: [String: [Stage: Int]], arrivals: [String: Double], inputs: Inputs, target: Int,
                         campaign: Campaign, moment: ReadMoment, withPath: Bool, key: String = "", withCompletion: Bool = true) -> Forecast {
        let pace = inputs.paceDays > 0 ? Double(paceBuilt) / inputs.paceDays : 0
        let daysLeft = max(0, Double(campaign.deadline.seconds - moment.asOf.before.seconds) / 86_400)
        let today = ShanghaiCalendar.day(of: moment.asOf.before.adding(seconds: -1))
        guard inputs.model.hasData else {
            return paceForecast(progress: progress, pace: pace, daysLeft: daysLeft, target: target, today: today)
        }
        let model = inputs.model
        let fit = inputs.calibration.fit(for: key)
        // The gain expected in `days`, with its 80 % range and the chance of `needed`: from the
        // model's past errors when they are known, else from the model's own spread.
        func gain(_ days: Double) -> StageForecast.Outlook { model.outlook(pipeline, arrivals: arrivals, within: days) }
        // The sites registered and not yet built: the most the calibration lets them give.
        let registered = Double(pipeline.values.reduce(0) { $0 + $1.values.reduce(0, +) })
        func expectedGain(_ o: StageForecast.Outlook) -> Double { fit?.expected(o, registered: registered) ?? o.mean }
        func range(_ o: StageForecast.Outlook, _ days: Double) -> (low: Double, high: Double) {
            fit?.range(o, registered: registered, days: days) ?? (o.quantile(-1.2816), o.quantile(1.2816))
        }
        let atDeadline = gain(daysLeft)
        let expected = progress + Int(expectedGain(atDeadline).rounded())
        var completionDate: String? = nil
        if withCompletion && target > 0 && progress < target {
            // The expected count only grows with time: the first day it reaches the target, by bisection.
            let needed = Double(target - progress)
            var (low, high) = (0, Int(daysLeft) + 730)
            if expectedGain(gain(Double(high))) >= needed {
                while low < high {
                    let mid = (low + high) / 2
                    if expectedGain(gain(Double(mid))) >= needed { high = mid } else { low = mid + 1 }
                }
                completionDate = ShanghaiCalendar.dateString(today + low)
            }
        }
        var path: [ForecastPoint]? = nil
        if withPath && daysLeft > 0 {
            var days = Array(stride(from: 0, to: Int(daysLeft.rounded(.up)), by: 7))
            days.append(Int(daysLeft.rounded(.up)))
            path = days.map { d in
                let span = min(Double(d), daysLeft)
                let o = gain(span), r = range(o, span)
                return ForecastPoint(date: ShanghaiCalendar.dateString(today + d), expected: progress + Int(expectedGain(o).rounded()),
                                     low: progress + Int(r.low.rounded()), high: progress + Int(r.high.rounded()))
            }
        }
        let band = range(atDeadline, daysLeft)
        let chance: Double? = target > 0
            ? fit.map { $0.chance(atDeadline, registered: registered, ofAtLeast: Double(target - progress), days: daysLeft) } ?? atDeadline.chance(ofAtLeast: target - progress)
            : nil
        var made = Forecast(method: "stage_durations", pacePerDay: (pace * 10).rounded() / 10, expectedAtDeadline: expected,
                        expectedLow: progress + Int(band.low.rounded()), expectedHigh: progress + Int(band.high.rounded()),
                        expectedCompletionDate: completionDate, onTrack: target > 0 ? expected >= target : nil,
                        probabilityByDeadline: chance.map { (min(1, max(0, $0)) * 1000).rounded() / 1000 },
                        path: path,
                        calibration: fit.map { CalibrationNote(bias: ($0.bias * 10_000).rounded() / 10_000,
                                                               spreadPerRootDay: ($0.spreadPerRootDay * 10_000).rounded() / 10_000, samples: $0.samples) })
        made.reason = target > 0 ? nil : "no_target"
        made.expectedNewSites = Int((fit?.expectedArriving(atDeadline) ?? atDeadline.arriving).rounded())
        return made
    }

    /// The straight line through the last 14 days' pace, while nothing has been built to learn from.
    static func paceForecast(progress: Int, pace: Double, daysLeft: Double, target: Int, today: DayNumber) -> Forecast {
        let expected = progress + Int((pace * daysLeft).rounded())
        var completionDate: String? = nil
        if target > 0 && progress < target && pace > 0 {
            let days = Int((Double(target - progress) / pace).rounded(.up))
            completionDate = ShanghaiCalendar.dateString(today + days)
        }
        return Forecast(method: "pace_\(paceDays)d", pacePerDay: (pace * 10).rounded() / 10, expectedAtDeadline: expected,
                        expectedLow: nil, expectedHigh: nil, expectedCompletionDate: completionDate,
                        onTrack: target > 0 ? expected >= target : nil, probabilityByDeadline: nil, path: nil, reason: "nothing_built")
    }
}
