/// The spells each obstacle stood unresolved with a unit, as known now: what waits on every unit at
/// any moment is a scan of them, not a fold of every dispatched obstacle's marks.
///
/// An obstacle's situation at a moment is the fold of its marks that happened before it
/// (``ObstacleWorkflow/situation(openedAt:marks:at:)``); taken in field-time order, each distinct
/// mark time ends one spell of that fold and starts the next. A spell is kept when the obstacle
/// then stands unresolved with a unit. Whether its clock has run out is decided at the moment asked,
/// under the routing table of that moment: the clock's start (with the time it waited on its
/// reporter before) is kept, and while it waits on its reporter the clock is stopped, so it ran out
/// only if it had run out when the wait began.
public struct UnitSpells: Sendable {
    /// One obstacle's stretch of time with one unit, unresolved, in nothing else changed.
    public struct Spell: Sendable, Equatable {
        /// The obstacle: its place in ``UnitSpells/entities``.
        public var obstacle: Int32
        /// The unit: its place in ``UnitSpells/units``.
        public var unit: UInt8
        /// Its category: its place in `ObstacleCategory.allCases`.
        public var category: UInt8
        /// The unit the reporter named: its place in ``UnitSpells/responsibles`` (0: none named).
        public var responsible: UInt16
        /// A moment whose cutoff is after this instant (in seconds) and not after `to` sees the spell.
        public var from: Int64
        /// The end of the spell (`Int64.max` while it lasts).
        public var to: Int64
        /// When the obstacle was raised.
        public var openedAt: Int64
        /// Where the clock started, plus the time it waited on its reporter before this spell.
        public var clockBase: Int64
        /// Since when it waits on its reporter; `Int64.max` when it does not.
        public var waitingSince: Int64
    }

    /// An obstacle waiting on a unit at a moment, as a unit's list shows it.
    public struct Waiting: Sendable, Equatable {
        /// The obstacle's entity (`obstacle:org:ref`).
        public var entity: String
        /// When it was raised.
        public var openedAt: Instant
        /// Its category.
        public var category: ObstacleCategory
        /// The unit its reporter named, nil when none.
        public var responsible: String?
        /// Whole days from its opening to the moment.
        public var ageDays: Int
    }

    /// The units, in ``Dispatch/units`` order.
    public let units: [String] = Dispatch.units
    /// The obstacles' entities, each once.
    public private(set) var entities: [String] = []
    /// The units reporters named; the first, `""`, stands for none.
    public private(set) var responsibles: [String] = [""]
    /// Every spell.
    public private(set) var spells: [Spell] = []
    private var entityIndex: [String: Int32] = [:]
    private var responsibleIndex: [String: UInt16] = ["": 0]

    /// The spells of the given obstacles (entity and state).
    public init(_ states: [(entity: String, state: ObstacleState)]) {
        add(states)
    }

    /// The same spells with those of the given obstacles made again from their states now (an
    /// obstacle named whose state is not given keeps none).
    public func updated(_ states: [(entity: String, state: ObstacleState)], named: [String]) -> UnitSpells {
        var copy = self
        let gone = Set((named + states.map(\.entity)).compactMap { entityIndex[$0] })
        if !gone.isEmpty { copy.spells.removeAll { gone.contains($0.obstacle) } }
        copy.add(states)
        return copy
    }

    private mutating func add(_ states: [(entity: String, state: ObstacleState)]) {
        let unitIndex = Dictionary(uniqueKeysWithValues: units.enumerated().map { ($0.element, UInt8($0.offset)) })
        let categoryIndex = Dictionary(uniqueKeysWithValues: ObstacleCategory.allCases.enumerated().map { ($0.element, UInt8($0.offset)) })
        for (entity, state) in states {
            let obstacle: Int32
            if let i = entityIndex[entity] { obstacle = i } else {
                obstacle = Int32(entities.count); entities.append(entity); entityIndex[entity] = obstacle
            }
            let named = state.opening.responsible ?? ""
            let responsible: UInt16
            if let r = responsibleIndex[named] { responsible = r } else {
                // More distinct names than a spell can hold fall back to none (never seen: reporters name units).
                responsible = responsibles.count < Int(UInt16.max) ? UInt16(responsibles.count) : 0
                if responsible != 0 { responsibles.append(named); responsibleIndex[named] = responsible }
            }
            let ordered = state.marks.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
            var i = 0
            while i < ordered.count {
                let t = ordered[i].at
                var j = i
                while j < ordered.count && ordered[j].at == t { j += 1 }
                let s = ObstacleWorkflow.situation(openedAt: state.openedAt, marks: Array(ordered[..<j]))
                let from = max(t.seconds, state.openedAt.seconds), to = j < ordered.count ? ordered[j].at.seconds : Int64.max
                if s.resolvedAt == nil, let u = s.unit.flatMap({ unitIndex[$0] }), from < to {
                    spells.append(Spell(obstacle: obstacle, unit: u, category: categoryIndex[state.opening.category] ?? 0, responsible: responsible,
                                        from: from, to: to, openedAt: state.openedAt.seconds,
                                        clockBase: s.clockStart.seconds + s.pausedSeconds, waitingSince: s.waitingSince?.seconds ?? Int64.max))
                }
                i = j
            }
        }
    }

    /// Whether a spell is seen by a moment whose cutoff is `before` (seconds).
    @inline(__always) static func sees(_ s: Spell, _ before: Int64) -> Bool { s.from < before && before <= s.to }

    /// Whether the clock of a spell seen at `before` has run out under a clock of `slaSeconds`.
    @inline(__always) static func overdue(_ s: Spell, _ before: Int64, slaSeconds: Int64) -> Bool {
        s.waitingSince == Int64.max ? before >= s.clockBase + slaSeconds : s.waitingSince >= s.clockBase + slaSeconds
    }

    /// Every unit's count at a moment (cutoff `before`), under the clocks of `table`: how many wait,
    /// how many of those ran out of time, how many wait on their reporter, and the oldest's age in days.
    public func loads(before: Instant, table: Dispatch.Table) -> [(unit: String, waiting: Int, overdue: Int, onHold: Int, oldestDays: Int)] {
        let sla = ObstacleCategory.allCases.map { Int64(table.rule($0).slaDays) * 86_400 }
        let b = before.seconds
        var waiting = [Int](repeating: 0, count: units.count), overdue = waiting, onHold = waiting
        var oldest = [Int64](repeating: Int64.max, count: units.count)
        for s in spells where Self.sees(s, b) {
            let u = Int(s.unit)
            waiting[u] += 1
            if Self.overdue(s, b, slaSeconds: sla[Int(s.category)]) { overdue[u] += 1 }
            if s.waitingSince != Int64.max { onHold[u] += 1 }
            oldest[u] = min(oldest[u], s.openedAt)
        }
        return units.indices.map { u in
            (units[u], waiting[u], overdue[u], onHold[u], oldest[u] == Int64.max ? 0 : Int(max(0, b - oldest[u]) / 86_400))
        }
    }

    /// The obstacles waiting on `unit` at a moment (cutoff `before`), oldest first (then by entity).
    public func waiting(on unit: String, before: Instant) -> [Waiting] {
        guard let u = units.firstIndex(of: unit).map(UInt8.init) else { return [] }
        let b = before.seconds
        return spells.filter { $0.unit == u && Self.sees($0, b) }
            .map { s in
                Waiting(entity: entities[Int(s.obstacle)], openedAt: Instant(seconds: s.openedAt), category: ObstacleCategory.allCases[Int(s.category)],
                        responsible: s.responsible == 0 ? nil : responsibles[Int(s.responsible)], ageDays: Int(max(0, b - s.openedAt) / 86_400))
            }
            .sorted { ($0.openedAt, $0.entity) < ($1.openedAt, $1.entity) }
    }
}
