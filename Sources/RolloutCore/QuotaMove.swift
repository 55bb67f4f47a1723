import Foundation

/// Moving planned sites of quota from one region to another (调整到其他区县): the city office's
/// lever when a district cannot build its share in time and another can build more.
///
/// A move is recorded as new target lines (with the move's reason), so the original and the
/// adjusted targets both stay in the history, and every view from the move's moment on ranks and
/// forecasts against the adjusted ones.
public struct QuotaMove: Codable, Equatable, Sendable {
    /// The code of the region that gives up quota.
    public var from: String
    /// The code of the region that takes it.
    public var to: String
    /// nil: the regions' whole targets; else that operator's shares (and the whole targets with them).
    public var `operator`: Operator?
    /// How many planned sites of quota move (1 to 1,000,000).
    public var sites: Int
    /// Why the office moves them (required, at most 500 characters).
    public var reason: String

    /// A move as the office asks for it; ``settings(targets:progress:operatorProgress:)`` checks it.
    public init(from: String, to: String, operator: Operator? = nil, sites: Int, reason: String) {
        self.from = from; self.to = to; self.operator = `operator`; self.sites = sites; self.reason = reason
    }

    /// The target lines that carry out the move, checked against the targets in force and the
    /// progress already made: a region cannot give away more of its quota than it has left to
    /// build (its target less what it has built since the start), nor quota it does not have.
    public func settings(targets: Targets, progress: [String: Int], operatorProgress: [String: [Operator: Int]]) throws -> [TargetSetting] {
        let reason = self.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw RolloutError("quota_reason_required") }
        guard reason.count <= 500 else { throw RolloutError("text_too_long", ["value": "500"]) }
        guard from != to else { throw RolloutError("quota_same_region", ["value": from]) }
        guard sites > 0, sites <= 1_000_000 else { throw RolloutError("quota_bad_count", ["value": "\(sites)"]) }
        let text = "调整到其他区县：\(from) 调出 \(sites) 站至 \(to)。\(reason)"
        var out: [TargetSetting] = []
        func line(_ region: String, _ op: Operator?) throws -> TargetRecord {
            let found = targets.lines.values.first { $0.setting.regionCode == region && $0.setting.operator == op && $0.setting.keyArea == nil }
            guard let found else { throw RolloutError("quota_no_target", ["value": region + (op.map { " \($0.rawValue)" } ?? "")]) }
            return found
        }
        // What the giving region has left to build, for the line that is moved.
        let giving = try line(from, self.operator)
        let built = self.operator.map { operatorProgress[from]?[$0] ?? 0 } ?? progress[from] ?? 0
        let left = max(0, giving.setting.target - built)
        guard sites <= left else {
            throw RolloutError("quota_move_too_large", ["value": "\(sites)", "left": "\(left)", "region": from])
        }
        let receiving = try line(to, self.operator)
        for (record, delta) in [(giving, -sites), (receiving, sites)] {
            var s = record.setting
            s.target += delta
            s.reason = text
            try Self.checkCumulative(s, in: targets)
            out.append(s)
        }
        // An operator's move changes its regions' whole targets too, where they have one.
        if self.operator != nil {
            for (region, delta) in [(from, -sites), (to, sites)] {
                if let whole = try? line(region, nil) {
                    var s = whole.setting
                    s.target = max(0, s.target + delta)
                    s.reason = text
                    out.append(s)
                }
            }
        }
        return out
    }

    /// A move acts on the milestones in force: it may not leave a line's plan falling from one
    /// milestone to a later one.
    static func checkCumulative(_ s: TargetSetting, in targets: Targets) throws {
        guard let fall = targets.plan(with: s).firstFall else { return }
        let other = ShanghaiCalendar.day(of: fall.earlier.due) == ShanghaiCalendar.day(of: s.due) ? fall.later : fall.earlier
        throw RolloutError("quota_not_cumulative", ["value": "\(s.target)", "due": ShanghaiCalendar.dateString(other.due), "later": "\(other.target)"])
    }
}

/// Proposes moves: from the regions whose forecast falls short of their target to those whose
/// forecast goes beyond theirs, largest first, never more than a region has left to build or than
/// the other is expected to build beyond its target.
public enum QuotaAdvisor {
    /// One proposed move, with what it changes.
    public struct Proposal: Codable, Equatable, Sendable {
        /// The region expected to fall short, which gives.
        public var from: String
        /// The region expected to go beyond its target, which takes.
        public var to: String
        /// How many sites of quota to move.
        public var sites: Int
        /// The giving region's expected shortfall and the receiving region's expected surplus, before.
        public var shortfall: Int
        /// The receiving region's expected surplus, before.
        public var surplus: Int
    }

    /// The effect of a set of moves on the regions' outlook.
    public struct Effect: Codable, Equatable, Sendable {
        /// Regions expected to miss their target, before and after.
        public var regionsShortBefore: Int
        /// Regions expected to miss their target after the moves.
        public var regionsShortAfter: Int
        /// The sum over regions of the sites by which they are expected to miss, before and after.
        public var shortfallBefore: Int
        /// The same sum after the moves.
        public var shortfallAfter: Int
        /// The campaign's target, expected progress and chance (a move changes none of them: it
        /// moves where the quota is, not how much will be built).
        public var campaignTarget: Int?
        /// The campaign's expected progress at the deadline.
        public var campaignExpected: Int
        /// The campaign's chance of reaching its target; nil when its forecast gives none.
        public var campaignProbability: Double?
    }

    /// The moves to propose, the largest shortfall matched with the largest surplus first.
    public static func propose(_ regions: [RegionFigures]) -> [Proposal] {
        var short = regions.compactMap { r -> (String, Int, Int)? in
            guard let t = r.target else { return nil }
            let gap = t - r.forecast.expectedAtDeadline
            return gap > 0 ? (r.regionCode, gap, max(0, t - r.progress)) : nil
        }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
        var spare = regions.compactMap { r -> (String, Int)? in
            guard let t = r.target else { return nil }
            let extra = r.forecast.expectedAtDeadline - t
            return extra > 0 ? (r.regionCode, extra) : nil
        }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
        var out: [Proposal] = []
        var i = 0, j = 0
        while i < short.count && j < spare.count {
            let n = min(short[i].1, short[i].2, spare[j].1)
            if n > 0 { out.append(Proposal(from: short[i].0, to: spare[j].0, sites: n, shortfall: short[i].1, surplus: spare[j].1)) }
            short[i].1 -= n; short[i].2 -= n; spare[j].1 -= n
            if short[i].1 <= 0 || short[i].2 <= 0 { i += 1 }
            if spare[j].1 <= 0 { j += 1 }
        }
        return out
    }

    /// What the moves would change, region by region against the same forecasts.
    public static func effect(of moves: [(from: String, to: String, sites: Int)], on regions: [RegionFigures], campaign: Summary) -> Effect {
        var targets = Dictionary(uniqueKeysWithValues: regions.compactMap { r in r.target.map { (r.regionCode, $0) } })
        func tally() -> (Int, Int) {
            var count = 0, sum = 0
            for r in regions {
                guard let t = targets[r.regionCode] else { continue }
                let gap = t - r.forecast.expectedAtDeadline
                if gap > 0 { count += 1; sum += gap }
            }
            return (count, sum)
        }
        let before = tally()
        for m in moves {
            targets[m.from, default: 0] -= m.sites
            targets[m.to, default: 0] += m.sites
        }
        let after = tally()
        return Effect(regionsShortBefore: before.0, regionsShortAfter: after.0, shortfallBefore: before.1, shortfallAfter: after.1,
                      campaignTarget: campaign.target, campaignExpected: campaign.forecast.expectedAtDeadline,
                      campaignProbability: campaign.forecast.probabilityByDeadline)
    }
}
