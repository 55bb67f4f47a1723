/// The targets in force at a moment, from the history of target lines.
public struct Targets: Sendable {
    /// The line in force per target entity.
    public var lines: [String: TargetRecord]

    /// The lines set before the moment (by field time) and known before its `knownAt`; the latest wins.
    public init(_ records: [TargetRecord], at moment: ReadMoment) {
        var lines: [String: TargetRecord] = [:]
        for r in records where moment.asOf.includes(r.setAt) && (moment.knownAt?.includes(r.recordedAt) ?? true) {
            let key = r.setting.entity
            if let old = lines[key], (old.setAt, old.seq) > (r.setAt, r.seq) { continue }
            lines[key] = r
        }
        self.lines = lines
    }

    /// A region's whole-region target: its total line, or else the sum of its operators' lines.
    public func target(region: String) -> Int? {
        let whole = lines.values.filter { $0.setting.regionCode == region && $0.setting.keyArea == nil }
        if let total = whole.first(where: { $0.setting.operator == nil }) { return total.setting.target }
        let ops = whole.filter { $0.setting.operator != nil }
        return ops.isEmpty ? nil : ops.reduce(0) { $0 + $1.setting.target }
    }

    /// An operator's share of a region's target.
    public func target(region: String, operator op: Operator) -> Int? {
        lines.values.first { $0.setting.regionCode == region && $0.setting.operator == op && $0.setting.keyArea == nil }?
            .setting.target
    }

    /// The latest due date among a region's lines.
    public func due(region: String) -> Instant? {
        lines.values.filter { $0.setting.regionCode == region }.map(\.setting.due).max()
    }
}
