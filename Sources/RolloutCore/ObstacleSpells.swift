/// The spells each obstacle stood unresolved, as known now: which obstacles are open at any
/// moment, with whom, and what waits on every unit, are a scan of them, not a fold of every
/// obstacle's marks.
///
/// An obstacle's situation at a moment is the fold of its marks that happened before it
/// (``ObstacleWorkflow/situation(openedAt:marks:at:)``); taken in field-time order, each distinct
/// mark time ends one spell of that fold and starts the next. A spell is kept when the obstacle
/// then stands unresolved. Whether its clock has run out is decided at the moment asked, under the
/// routing table of that moment: the clock's start (with the time it waited on its reporter
/// before) is kept, and while it waits on its reporter the clock is stopped, so it ran out only if
/// it had run out when the wait began.
public struct ObstacleSpells: Sendable {
    /// One obstacle's stretch of time unresolved in which nothing about it changed.
    public struct Spell: Sendable, Equatable {
        /// The obstacle: its place in ``ObstacleSpells/entities``.
        public var obstacle: Int32
        /// The unit it is with: its place in ``ObstacleSpells/units`` (``ObstacleSpells/none``: with no unit).
        public var unit: UInt8
        /// Its category: its place in `ObstacleCategory.allCases`.
        public var category: UInt8
        /// Its operator: its place in `Operator.allCases` (``ObstacleSpells/none``: no one operator).
        public var `operator`: UInt8
        /// Whether it stands escalated to the city.
        public var escalated: Bool
        /// The unit the reporter named: its place in ``ObstacleSpells/names`` (0: none named).
        public var responsible: UInt16
        /// Its region: its place in ``ObstacleSpells/names``.
        public var region: UInt16
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

    /// An obstacle unresolved at a moment, as a list shows it.
    public struct Open: Sendable, Equatable {
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

    /// Which open obstacles a list asks for (nil: any).
    public struct Filter: Sendable, Equatable {
        /// Only those in this region.
        public var region: String?
        /// Only this operator's.
        public var `operator`: Operator?
        /// Only those of this category.
        public var category: ObstacleCategory?
        /// Only those escalated to the city.
        public var escalated: Bool
        /// Only those open at least this many whole days.
        public var minAgeDays: Int?
        /// Only those with this unit.
        public var unit: String?
        /// Only those whose clock has run out.
        public var overdue: Bool

        /// A filter; by default every open obstacle.
        public init(region: String? = nil, operator: Operator? = nil, category: ObstacleCategory? = nil, escalated: Bool = false,
                    minAgeDays: Int? = nil, unit: String? = nil, overdue: Bool = false) {
            self.region = region; self.operator = `operator`; self.category = category; self.escalated = escalated
            self.minAgeDays = minAgeDays; self.unit = unit; self.overdue = overdue
        }
    }

    /// The place standing for none (no unit, no operator).
    public static let none: UInt8 = .max

    /// The units, in ``Dispatch/units`` order.
    public let units: [String] = Dispatch.units
    /// The obstacles' entities, each once.
    public private(set) var entities: [String] = []
    /// The names the spells refer to: regions and the units reporters named; the first, `""`, stands for none.
    public private(set) var names: [String] = [""]
    /// Every spell.
    public private(set) var spells: [Spell] = []
    private var entityIndex: [String: Int32] = [:]
    private var nameIndex: [String: UInt16] = ["": 0]

    /// The spells of the given obstacles (entity and state).
    public init(_ states: [(entity: String, state: ObstacleState)]) {
        add(states)
    }

    /// The same spells with those of the given obstacles made again from their states now (an
    /// obstacle named whose state is not given keeps none).
    public func updated(_ states: [(entity: String, state: ObstacleState)], named: [String]) -> ObstacleSpells {
        var copy = self
        let gone = Set((named + states.map(\.entity)).compactMap { entityIndex[$0] })
        if !gone.isEmpty { copy.spells.removeAll { gone.contains($0.obstacle) } }
        copy.add(states)
        return copy
    }

    /// The place of a name (more distinct names than a spell can hold fall back to none: never
    /// seen, regions and units are a few hundred).
    private mutating func name(_ text: String) -> UInt16 {
        if let n = nameIndex[text] { return n }
        guard names.count < Int(UInt16.max) else { return 0 }
        names.append(text); nameIndex[text] = UInt16(names.count - 1)
        return UInt16(names.count - 1)
    }

    private mutating func add(_ states: [(entity: String, state: ObstacleState)]) {
        let unitIndex = Dictionary(uniqueKeysWithValues: units.enumerated().map { ($0.element, UInt8($0.offset)) })
        let categoryIndex = Dictionary(uniqueKeysWithValues: ObstacleCategory.allCases.enumerated().map { ($0.element, UInt8($0.offset)) })
        let operatorIndex = Dictionary(uniqueKeysWithValues: Operator.allCases.enumerated().map { ($0.element, UInt8($0.offset)) })
        for (entity, state) in states {
            let obstacle: Int32
            if let i = entityIndex[entity] { obstacle = i } else {
                obstacle = Int32(entities.count); entities.append(entity); entityIndex[entity] = obstacle
            }
            let o = state.opening
            let responsible = name(o.responsible ?? ""), region = name(o.regionCode)
            let category = categoryIndex[o.category] ?? 0, op = o.operator.flatMap { operatorIndex[$0] } ?? Self.none
            let ordered = state.marks.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
            // The spell before any mark, then one after each distinct mark time.
            var i = 0, t = state.openedAt, marksTaken = 0
            while true {
                let s = ObstacleWorkflow.situation(openedAt: state.openedAt, marks: Array(ordered[..<marksTaken]))
                let from = max(t.seconds, state.openedAt.seconds), to = i < ordered.count ? ordered[i].at.seconds : Int64.max
                if s.resolvedAt == nil, from < to {
                    spells.append(Spell(obstacle: obstacle, unit: s.unit.flatMap { unitIndex[$0] } ?? Self.none, category: category, operator: op,
                                        escalated: s.escalatedAt != nil, responsible: responsible, region: region, from: from, to: to,
                                        openedAt: state.openedAt.seconds, clockBase: s.clockStart.seconds + s.pausedSeconds,
                                        waitingSince: s.waitingSince?.seconds ?? Int64.max))
                }
                guard i < ordered.count else { break }
                t = ordered[i].at
                while i < ordered.count && ordered[i].at == t { i += 1 }
                marksTaken = i
            }
        }
    }

    /// Whether a spell is seen by a moment whose cutoff is `before` (seconds).
    @inline(__always) static func sees(_ s: Spell, _ before: Int64) -> Bool { s.from < before && before <= s.to }

    /// Whether the clock of a spell seen at `before` has run out under a clock of `slaSeconds`.
    @inline(__always) static func overdue(_ s: Spell, _ before: Int64, slaSeconds: Int64) -> Bool {
        s.waitingSince == Int64.max ? before >= s.clockBase + slaSeconds : s.waitingSince >= s.clockBase + slaSeconds
    }

    private static func slaSeconds(_ table: Dispatch.Table) -> [Int64] {
        ObstacleCategory.allCases.map { Int64(table.rule($0).slaDays) * 86_400 }
    }

    /// Every unit's count at a moment (cutoff `before`), under the clocks of `table`: how many wait,
    /// how many of those ran out of time, how many wait on their reporter, and the oldest's age in days.
    public func loads(before: Instant, table: Dispatch.Table) -> [(unit: String, waiting: Int, overdue: Int, onHold: Int, oldestDays: Int)] {
        let sla = Self.slaSeconds(table)
        let b = before.seconds
        var waiting = [Int](repeating: 0, count: units.count), overdue = waiting, onHold = waiting
        var oldest = [Int64](repeating: Int64.max, count: units.count)
        for s in spells where s.unit != Self.none && Self.sees(s, b) {
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

    /// How many open obstacles have one value of an attribute (a category, a unit named).
    public struct Tally: Sendable, Equatable {
        /// The attribute's value (`""`: none named).
        public var key: String
        /// How many have it.
        public var count: Int
        /// Of those, how many are over 7 days old.
        public var olderThanWeek: Int
        /// The age in whole days of the oldest.
        public var oldestDays: Int
    }

    /// One page of the open obstacles a list asks for, with the counts of all of them.
    public struct OpenPage: Sendable, Equatable {
        /// How many match.
        public var total: Int
        /// Their counts by category (categories with none left out), in `ObstacleCategory` order.
        public var byCategory: [Tally]
        /// Their counts by the unit their reporter named (`""`: none), in the order first met.
        public var byResponsible: [Tally]
        /// The page: oldest first, then by entity.
        public var obstacles: [Open]
    }

    /// The obstacles unresolved at a moment (cutoff `before`) that the filter asks for, under the
    /// clocks of `table`: counted by category and by the unit named (without a string made per
    /// obstacle), and the `limit` of them after the first `offset`, oldest first (then by entity).
    public func openPage(before: Instant, _ filter: Filter = Filter(), table: Dispatch.Table, offset: Int, limit: Int) -> OpenPage {
        let b = before.seconds
        let sla = Self.slaSeconds(table)
        let nothing = OpenPage(total: 0, byCategory: [], byResponsible: [], obstacles: [])
        var unit: UInt8?, region: UInt16?, op: UInt8?, category: UInt8?
        if let u = filter.unit { guard let i = units.firstIndex(of: u) else { return nothing }; unit = UInt8(i) }
        if let r = filter.region { guard let i = nameIndex[r], i != 0 else { return nothing }; region = i }
        if let o = filter.operator { op = Operator.allCases.firstIndex(of: o).map(UInt8.init) }
        if let c = filter.category { category = ObstacleCategory.allCases.firstIndex(of: c).map(UInt8.init) }
        // Open at least n whole days: opened at least n days before the cutoff; over a week: 8.
        let openedBy = filter.minAgeDays.map { b - Int64($0) * 86_400 } ?? Int64.max, weekAgo = b - 8 * 86_400
        var found: [(openedAt: Int64, spell: Int)] = []
        var catCount = [Int](repeating: 0, count: ObstacleCategory.allCases.count), catOld = catCount
        var catFirst = [Int64](repeating: Int64.max, count: catCount.count)
        var namedCount = [Int](repeating: 0, count: names.count), namedOld = namedCount
        var namedFirst = [Int64](repeating: Int64.max, count: names.count)
        for (k, s) in spells.enumerated() where Self.sees(s, b) {
            if let unit, s.unit != unit { continue }
            if let region, s.region != region { continue }
            if let op, s.operator != op { continue }
            if let category, s.category != category { continue }
            if filter.escalated && !s.escalated { continue }
            if s.openedAt > openedBy { continue }
            if filter.overdue && !Self.overdue(s, b, slaSeconds: sla[Int(s.category)]) { continue }
            found.append((s.openedAt, k))
            let c = Int(s.category), r = Int(s.responsible), old = s.openedAt <= weekAgo ? 1 : 0
            catCount[c] += 1; catOld[c] += old; catFirst[c] = min(catFirst[c], s.openedAt)
            namedCount[r] += 1; namedOld[r] += old; namedFirst[r] = min(namedFirst[r], s.openedAt)
        }
        func days(_ first: Int64) -> Int { Int(max(0, b - first) / 86_400) }
        let byCategory = catCount.indices.filter { catCount[$0] > 0 }.map {
            Tally(key: ObstacleCategory.allCases[$0].rawValue, count: catCount[$0], olderThanWeek: catOld[$0], oldestDays: days(catFirst[$0]))
        }
        let byResponsible = namedCount.indices.filter { namedCount[$0] > 0 }.map {
            Tally(key: names[$0], count: namedCount[$0], olderThanWeek: namedOld[$0], oldestDays: days(namedFirst[$0]))
        }
        var page: [Open] = []
        if limit > 0 && offset < found.count {
            found.sort { a, b in
                a.openedAt != b.openedAt ? a.openedAt < b.openedAt
                    : entities[Int(spells[a.spell].obstacle)] < entities[Int(spells[b.spell].obstacle)]
            }
            page = found[offset..<min(found.count, offset + min(limit, found.count))].map { f in
                let s = spells[f.spell]
                return Open(entity: entities[Int(s.obstacle)], openedAt: Instant(seconds: s.openedAt), category: ObstacleCategory.allCases[Int(s.category)],
                            responsible: s.responsible == 0 ? nil : names[Int(s.responsible)], ageDays: days(s.openedAt))
            }
        }
        return OpenPage(total: found.count, byCategory: byCategory, byResponsible: byResponsible, obstacles: page)
    }

    /// Every obstacle unresolved at a moment (cutoff `before`) that the filter asks for, oldest
    /// first (then by entity).
    public func open(before: Instant, _ filter: Filter = Filter(), table: Dispatch.Table) -> [Open] {
        openPage(before: before, filter, table: table, offset: 0, limit: Int.max).obstacles
    }

    /// How many obstacles stand unresolved in each region at a moment (cutoff `before`), and of
    /// those how many ran out of time under the clocks of `table` (regions with none left out).
    public func openByRegion(before: Instant, table: Dispatch.Table) -> [String: (open: Int, overdue: Int)] {
        let b = before.seconds
        let sla = Self.slaSeconds(table)
        var open = [Int](repeating: 0, count: names.count), overdue = open
        for s in spells where Self.sees(s, b) {
            open[Int(s.region)] += 1
            if Self.overdue(s, b, slaSeconds: sla[Int(s.category)]) { overdue[Int(s.region)] += 1 }
        }
        var out: [String: (open: Int, overdue: Int)] = [:]
        for n in names.indices where open[n] > 0 { out[names[n]] = (open[n], overdue[n]) }
        return out
    }
}
