/// The campaign's headline numbers at a moment: what `/api/v1/summary` answers.
public struct Summary: Codable, Equatable, Sendable {
    public var campaign: String
    public var start: String
    public var deadline: String
    public var asOf: String
    public var knownAt: String?
    /// The sum of the regions' targets in force.
    public var target: Int
    /// Sites at `on_air` or later, including those built before the campaign.
    public var built: Int
    /// Sites built when the campaign started.
    public var builtAtStart: Int
    /// Sites built since the start: what counts toward the target.
    public var progress: Int
    /// `progress / target`, nil without a target.
    public var completion: Double?
    /// Registered sites (every stage).
    public var sites: Int
    /// Sites standing at each stage.
    public var stages: [String: Int]
    public var openObstacles: Int
    public var openObstaclesByCategory: [String: Int]
    public var forecast: Forecast
}

/// A region's numbers at a moment: one row of `/api/v1/regions` and of `export regions`.
public struct RegionFigures: Codable, Equatable, Sendable {
    public var regionCode: String
    public var name: String
    public var nameEn: String
    public var kind: String
    public var target: Int?
    public var due: String?
    public var built: Int
    public var builtAtStart: Int
    public var progress: Int
    public var completion: Double?
    /// 1 = best completion; regions without a target rank last.
    public var rank: Int
    public var sites: Int
    public var stages: [String: Int]
    public var openObstacles: Int
    public var operators: [OperatorFigures]
    public var forecast: Forecast
}

/// An operator's part of a region's numbers.
public struct OperatorFigures: Codable, Equatable, Sendable {
    public var `operator`: String
    public var target: Int?
    public var built: Int
    public var progress: Int
    public var sites: Int
}

/// Where the pace leads by the deadline.
public struct Forecast: Codable, Equatable, Sendable {
    /// How the forecast was made.
    public var method: String
    /// Sites built per day over the last 14 days (or since the start, if shorter).
    public var pacePerDay: Double
    /// The progress expected at the deadline at that pace.
    public var expectedAtDeadline: Int
    /// The day the target is expected to be reached at that pace, if ever.
    public var expectedCompletionDate: String?
    /// Whether the expected progress at the deadline reaches the target.
    public var onTrack: Bool?
}

/// Turns counter values and targets into the figures every view shows, so all views agree.
public enum Figures {
    /// The pace window of the forecast, in days.
    public static let paceDays = 14

    /// The counter values a set of figures needs: at the moment, at the campaign start, and one pace window before.
    public struct Inputs: Sendable {
        public var now: CounterValues
        public var atStart: CounterValues
        public var paceStart: CounterValues
        public var paceDays: Double

        public init(now: CounterValues, atStart: CounterValues, paceStart: CounterValues, paceDays: Double) {
            self.now = now; self.atStart = atStart; self.paceStart = paceStart; self.paceDays = paceDays
        }
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
            forecast: forecast(progress: progress, paceBuilt: built - inputs.paceStart.built(), inputs: inputs,
                               target: target, campaign: campaign, moment: moment))
    }

    /// Every region's figures, ranked.
    public static func regions(campaign: Campaign, regions: [Region], targets: Targets, inputs: Inputs,
                               moment: ReadMoment) -> [RegionFigures] {
        var rows = regions.map { r -> RegionFigures in
            let built = inputs.now.built(region: r.code)
            let atStart = inputs.atStart.built(region: r.code)
            let target = targets.target(region: r.code)
            var stages: [String: Int] = [:]
            for s in Stage.allCases { stages[s.rawValue] = inputs.now.sites(at: s, region: r.code) }
            let operators = Operator.allCases.compactMap { op -> OperatorFigures? in
                let b = inputs.now.built(region: r.code, operator: op.rawValue)
                let sites = Stage.allCases.reduce(0) { $0 + inputs.now.sites(at: $1, region: r.code, operator: op.rawValue) }
                let t = targets.target(region: r.code, operator: op)
                if sites == 0 && t == nil { return nil }
                return OperatorFigures(operator: op.rawValue, target: t, built: b,
                                       progress: b - inputs.atStart.built(region: r.code, operator: op.rawValue), sites: sites)
            }
            return RegionFigures(
                regionCode: r.code, name: r.nameZh, nameEn: r.nameEn, kind: r.kind.rawValue, target: target,
                due: targets.due(region: r.code).map { ShanghaiCalendar.dateString($0) }, built: built,
                builtAtStart: atStart, progress: built - atStart, completion: target.flatMap { ratio(built - atStart, $0) },
                rank: 0, sites: stages.values.reduce(0, +), stages: stages,
                openObstacles: inputs.now.openObstacles(region: r.code), operators: operators,
                forecast: forecast(progress: built - atStart, paceBuilt: built - inputs.paceStart.built(region: r.code),
                                   inputs: inputs, target: target ?? 0, campaign: campaign, moment: moment))
        }
        let order = rows.indices.sorted { a, b in
            let (x, y) = (rows[a], rows[b])
            switch (x.completion, y.completion) {
            case let (cx?, cy?) where cx != cy: return cx > cy
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (-x.progress, x.regionCode) < (-y.progress, y.regionCode)
            }
        }
        for (rank, i) in order.enumerated() { rows[i].rank = rank + 1 }
        return rows
    }

    static func ratio(_ a: Int, _ b: Int) -> Double? {
        b > 0 ? (Double(a) / Double(b) * 10_000).rounded() / 10_000 : nil
    }

    static func forecast(progress: Int, paceBuilt: Int, inputs: Inputs, target: Int, campaign: Campaign,
                         moment: ReadMoment) -> Forecast {
        let pace = inputs.paceDays > 0 ? Double(paceBuilt) / inputs.paceDays : 0
        let daysLeft = max(0, Double(campaign.deadline.seconds - moment.asOf.before.seconds) / 86_400)
        let expected = progress + Int((pace * daysLeft).rounded())
        var completionDate: String? = nil
        if target > 0 {
            if progress >= target {
                completionDate = nil
            } else if pace > 0 {
                let days = Int((Double(target - progress) / pace).rounded(.up))
                completionDate = ShanghaiCalendar.dateString(ShanghaiCalendar.day(of: moment.asOf.before.adding(seconds: -1)) + days)
            }
        }
        return Forecast(method: "pace_\(paceDays)d", pacePerDay: (pace * 10).rounded() / 10, expectedAtDeadline: expected,
                        expectedCompletionDate: completionDate, onTrack: target > 0 ? expected >= target : nil)
    }
}
