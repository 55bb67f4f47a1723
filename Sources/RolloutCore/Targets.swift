/// The targets at a moment, from the history of target lines: every milestone of every line as it
/// then stood, and the milestone in force per line.
public struct Targets: Sendable {
    /// Every milestone, by milestone key (``TargetSetting/milestone``).
    public var milestones: [String: TargetRecord]
    /// The milestone in force per target entity (line) at the moment: what the views rank,
    /// forecast and move quota against.
    public var lines: [String: TargetRecord]
    /// The last instant the moment includes: which milestone is in force.
    public var at: Instant

    /// The lines set before the moment (by field time) and known before its `knownAt`, applied in
    /// the order they were set: a later setting of a milestone wins, and a move of a milestone's
    /// date takes the old date's milestone away.
    public init(_ records: [TargetRecord], at moment: ReadMoment) {
        let at = moment.asOf.before.adding(seconds: -1)
        let known = records.filter { moment.asOf.includes($0.setAt) && (moment.knownAt?.includes($0.recordedAt) ?? true) }
            .sorted { ($0.setAt, $0.seq) < ($1.setAt, $1.seq) }
        var milestones: [String: TargetRecord] = [:]
        for r in known {
            if let from = r.setting.movedFrom {
                milestones[TargetSetting.milestone(entity: r.setting.entity, due: from)] = nil
            }
            milestones[r.setting.milestone] = r
        }
        self.init(milestones: milestones, at: at)
    }

    /// The targets from their milestones, at an instant.
    public init(milestones: [String: TargetRecord], at: Instant) {
        self.milestones = milestones
        self.at = at
        var byEntity: [String: [TargetRecord]] = [:]
        for r in milestones.values { byEntity[r.setting.entity, default: []].append(r) }
        var lines: [String: TargetRecord] = [:]
        for (entity, rs) in byEntity {
            let sorted = rs.sorted { $0.setting.due < $1.setting.due }
            let today = ShanghaiCalendar.day(of: at)
            lines[entity] = sorted.first { ShanghaiCalendar.day(of: $0.setting.due) >= today } ?? sorted.last
        }
        self.lines = lines
    }

    /// The same milestones, with the one in force at another instant.
    public func at(_ t: Instant) -> Targets { Targets(milestones: milestones, at: t) }

    /// One line's plan: its milestones by date.
    public func plan(entity: String) -> MilestonePlan {
        MilestonePlan(milestones.values.filter { $0.setting.entity == entity }.map { .init(target: $0.setting.target, due: $0.setting.due) })
    }

    /// A line's plan as it would stand with a setting recorded (a move's old date taken away): what
    /// a change is checked against before it is recorded.
    public func plan(with s: TargetSetting) -> MilestonePlan {
        let replaced = [s.due] + (s.movedFrom.map { [$0] } ?? [])
        let kept = milestones.values.filter { m in
            m.setting.entity == s.entity && !replaced.contains { ShanghaiCalendar.day(of: $0) == ShanghaiCalendar.day(of: m.setting.due) }
        }
        return MilestonePlan(kept.map { .init(target: $0.setting.target, due: $0.setting.due) } + [.init(target: s.target, due: s.due)])
    }

    /// A region's whole-region plan: its total line's, or else the sum of its operators' lines.
    public func plan(region: String) -> MilestonePlan {
        let whole = milestones.values.filter { $0.setting.regionCode == region && $0.setting.keyArea == nil }
        if whole.contains(where: { $0.setting.operator == nil }) {
            return MilestonePlan(whole.filter { $0.setting.operator == nil }.map { .init(target: $0.setting.target, due: $0.setting.due) })
        }
        let entities = Set(whole.map(\.setting.entity))
        return MilestonePlan.sum(entities.sorted().map { plan(entity: $0) })
    }

    /// An operator's plan in a region.
    public func plan(region: String, operator op: Operator) -> MilestonePlan {
        plan(entity: TargetSetting(regionCode: region, operator: op, target: 0, due: at).entity)
    }

    /// The plan of several regions together (the city's): at each date, the sum of what each has in force.
    public func plan(regions: [String]) -> MilestonePlan { MilestonePlan.sum(regions.map { plan(region: $0) }) }

    /// A region's whole-region target in force: its total line's, or else the sum of its operators' lines.
    public func target(region: String) -> Int? { plan(region: region).inForce(at: at)?.target }

    /// An operator's share of a region's target in force.
    public func target(region: String, operator op: Operator) -> Int? {
        lines.values.first { $0.setting.regionCode == region && $0.setting.operator == op && $0.setting.keyArea == nil }?
            .setting.target
    }

    /// When a region's milestone in force falls due.
    public func due(region: String) -> Instant? { plan(region: region).inForce(at: at)?.due }
}
