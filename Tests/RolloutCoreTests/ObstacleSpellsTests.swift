import Testing
@testable import RolloutCore

/// Which obstacles are open and what waits on each unit, looked up in the spells, is what folding
/// every obstacle's marks up to the moment says (``ObstacleWorkflow``): the lists in order under
/// every filter, the counts, the clocks run out under the table of the moment, the waits on the
/// reporter, the oldest's age; after states change, the spells made again for only those
/// obstacles equal spells made anew.
@Suite struct ObstacleSpellsTests {
    static let day: Int64 = 86_400

    /// Obstacles with random marks: dispatched (and redirected), paused and resumed, escalated,
    /// resolved and reopened, some marks at the same instant, some before the opening.
    static func states(_ count: Int, using rng: inout SeededRandom) -> [(entity: String, state: ObstacleState)] {
        let units = Dispatch.units + ["nobody"]
        return (0..<count).map { i in
            let opened = Int64.random(in: 0...(40 * day), using: &rng)
            let opening = ObstacleOpening(org: "cmcc", ref: "O\(i)", site: nil, regionCode: ["500101", "500102"].randomElement(using: &rng)!,
                                          operator: [Operator.cmcc, .ctcc, nil].randomElement(using: &rng)!,
                                          category: ObstacleCategory.allCases.randomElement(using: &rng)!,
                                          responsible: ["电力公司", nil, "物业", ""].randomElement(using: &rng)!, description: "d")
            var marks: [ObstacleMark] = []
            var t = opened - Int64.random(in: -2...1, using: &rng) * day
            for _ in 0..<Int.random(in: 0...7, using: &rng) {
                // Now and then two marks at one instant.
                if Int.random(in: 0..<5, using: &rng) > 0 { t += Int64.random(in: 0...(12 * day), using: &rng) }
                let what: ObstacleMark.What = switch Int.random(in: 0..<7, using: &rng) {
                case 0, 1: .step(.dispatched(unit: units.randomElement(using: &rng)!, note: ""))
                case 2: .step(.paused(reason: "等"))
                case 3: .step(.resumed(note: ""))
                case 4: .resolved
                case 5: .step(.reopened(reason: "复发"))
                default: .escalated(reason: "r")
                }
                marks.append(ObstacleMark(what, at: Instant(seconds: t), recordedAt: Instant(seconds: t), actor: "a"))
            }
            // Marks are kept in log order, not always field order.
            if Bool.random(using: &rng) { marks.shuffle(using: &rng) }
            return (opening.entity, ObstacleState(opening: opening, openedAt: Instant(seconds: opened), openedRecordedAt: Instant(seconds: opened), marks: marks))
        }
    }

    /// The naive answer: every obstacle folded at the moment.
    /// The filters a test asks the open lists through.
    static let filters: [ObstacleSpells.Filter] = [
        .init(), .init(region: "500102"), .init(operator: .cmcc), .init(category: .power), .init(escalated: true),
        .init(minAgeDays: 8), .init(overdue: true), .init(region: "500101", operator: .ctcc, escalated: true), .init(unit: "grid", overdue: true),
        .init(region: "nowhere"),
    ]

    /// The open obstacles a filter asks for, naively: every obstacle folded at the moment.
    static func naiveOpen(_ states: [(entity: String, state: ObstacleState)], before: Instant, _ f: ObstacleSpells.Filter,
                          table: Dispatch.Table) -> [String] {
        let moment = ReadMoment(asOf: Cutoff(before: before))
        return states.compactMap { (entity, st) -> (Int64, String)? in
            guard moment.asOf.includes(st.openedAt) else { return nil }
            let s = ObstacleWorkflow.situation(openedAt: st.openedAt, marks: st.marks, at: moment)
            let o = st.opening
            guard s.resolvedAt == nil, f.region.map({ $0 == o.regionCode }) ?? true, f.operator.map({ $0 == o.operator }) ?? true,
                  f.category.map({ $0 == o.category }) ?? true, !f.escalated || s.escalatedAt != nil, f.unit.map({ $0 == s.unit }) ?? true,
                  (f.minAgeDays.map { Int((before.seconds - st.openedAt.seconds) / day) >= $0 } ?? true),
                  !f.overdue || s.isOverdue(slaDays: table.rule(o.category).slaDays, end: before) else { return nil }
            return (st.openedAt.seconds, entity)
        }.sorted { $0 < $1 }.map(\.1)
    }

    static func naive(_ states: [(entity: String, state: ObstacleState)], before: Instant, table: Dispatch.Table)
        -> (loads: [String: (Int, Int, Int, Int)], lists: [String: [String]]) {
        var loads: [String: (Int, Int, Int, Int)] = [:], lists: [String: [(Int64, String)]] = [:]
        let moment = ReadMoment(asOf: Cutoff(before: before))
        for (entity, st) in states where moment.asOf.includes(st.openedAt) {
            let s = ObstacleWorkflow.situation(openedAt: st.openedAt, marks: st.marks, at: moment)
            guard s.resolvedAt == nil, let unit = s.unit, Dispatch.isUnit(unit) else { continue }
            var l = loads[unit] ?? (0, 0, 0, 0)
            l.0 += 1
            if s.isOverdue(slaDays: table.rule(st.opening.category).slaDays, end: before) { l.1 += 1 }
            if s.waitingSince != nil { l.2 += 1 }
            l.3 = max(l.3, Int(max(0, before.seconds - st.openedAt.seconds) / day))
            loads[unit] = l
            lists[unit, default: []].append((st.openedAt.seconds, entity))
        }
        return (loads, lists.mapValues { $0.sorted { $0 < $1 }.map(\.1) })
    }

    static func expectSame(_ spells: ObstacleSpells, _ states: [(entity: String, state: ObstacleState)], _ note: String) -> Int {
        var rng = SeededRandom(seed: 5)
        var rules: [ObstacleCategory: Dispatch.Rule] = [:]
        for c in ObstacleCategory.allCases { rules[c] = Dispatch.Rule(category: c, unit: "grid", slaDays: Int.random(in: 1...6, using: &rng)) }
        let short = Dispatch.Table(rules: rules)
        var seen = 0
        // Whole days, the instants of marks and openings themselves and the second after them.
        var instants = Set<Int64>()
        for (_, st) in states {
            instants.insert(st.openedAt.seconds)
            for m in st.marks { instants.insert(m.at.seconds) }
        }
        var moments: [Int64] = Array(stride(from: -day, through: 140 * day, by: Int64.Stride(day / 2)))
        for t in instants.sorted().prefix(300) { moments += [t, t + 1, t + 8 * day] }
        let byEntity = Dictionary(states.map { ($0.entity, $0.state) }, uniquingKeysWith: { a, _ in a })
        for (k, b) in moments.enumerated() {
            for table in [Dispatch.Table.standard, short] {
                let before = Instant(seconds: b)
                let expected = naive(states, before: before, table: table)
                for l in spells.loads(before: before, table: table) {
                    let e = expected.loads[l.unit] ?? (0, 0, 0, 0)
                    #expect(l.waiting == e.0 && l.overdue == e.1 && l.onHold == e.2 && l.oldestDays == e.3, "\(note) at \(b): \(l) against \(e)")
                    seen += l.waiting
                }
                for unit in Dispatch.units.prefix(4) {
                    let list = spells.open(before: before, ObstacleSpells.Filter(unit: unit), table: table)
                    #expect(list.map(\.entity) == expected.lists[unit] ?? [], "\(note) at \(b), \(unit)")
                }
                // Each region's open and run-out counts.
                let everyOpen = naiveOpen(states, before: before, ObstacleSpells.Filter(), table: table)
                let overdueOpen = Set(naiveOpen(states, before: before, ObstacleSpells.Filter(overdue: true), table: table))
                var regions: [String: [Int]] = [:]
                for e in everyOpen {
                    let r = byEntity[e]!.opening.regionCode
                    regions[r, default: [0, 0]][0] += 1
                    if overdueOpen.contains(e) { regions[r, default: [0, 0]][1] += 1 }
                }
                #expect(spells.openByRegion(before: before, table: table).mapValues { [$0.open, $0.overdue] } == regions, "\(note) at \(b)")
                // Every filter at a third of the moments (each is a fold of every obstacle).
                for f in filters where k % 3 == 0 {
                    let open = spells.open(before: before, f, table: table)
                    #expect(open.map(\.entity) == naiveOpen(states, before: before, f, table: table), "\(note) at \(b), \(f)")
                    // A page and the counts of all, by category and by the unit named.
                    let page = spells.openPage(before: before, f, table: table, offset: 2, limit: 3)
                    #expect(page.total == open.count && page.obstacles == Array(open.dropFirst(2).prefix(3)), "\(note) at \(b), \(f)")
                    func tallies(_ key: (ObstacleSpells.Open) -> String) -> [String: [Int]] {
                        Dictionary(grouping: open, by: key).mapValues { g in [g.count, g.filter { $0.ageDays > 7 }.count, g.map(\.ageDays).max()!] }
                    }
                    #expect(Dictionary(uniqueKeysWithValues: page.byCategory.map { ($0.key, [$0.count, $0.olderThanWeek, $0.oldestDays]) })
                            == tallies(\.category.rawValue), "\(note) at \(b), \(f)")
                    #expect(Dictionary(uniqueKeysWithValues: page.byResponsible.map { ($0.key, [$0.count, $0.olderThanWeek, $0.oldestDays]) })
                            == tallies { $0.responsible ?? "" }, "\(note) at \(b), \(f)")
                    for o in open {
                        let st = byEntity[o.entity]!
                        #expect(o.category == st.opening.category && o.responsible == st.opening.responsible.flatMap { $0.isEmpty ? nil : $0 }
                                && o.ageDays == Int((b - st.openedAt.seconds) / day))
                    }
                }
            }
        }
        #expect(spells.open(before: Instant(seconds: 100 * day), ObstacleSpells.Filter(unit: "nobody"), table: .standard).isEmpty)
        return seen
    }

    /// Obstacles paused on the very second their clock runs out under the standard table, or the
    /// second before: the first has run out while it waits, the second has not.
    static func onTheEdge() -> [(entity: String, state: ObstacleState)] {
        [0, -1].map { (offset: Int64) in
            let opening = ObstacleOpening(org: "edge", ref: "E\(offset)", site: nil, regionCode: "500101", operator: nil, category: .power,
                                          responsible: nil, description: "d")
            let sla = Int64(Dispatch.Table.standard.rule(.power).slaDays) * day, start = Instant(seconds: 3 * day)
            let marks = [ObstacleMark(.step(.dispatched(unit: "grid", note: "")), at: start, recordedAt: start, actor: "a"),
                         ObstacleMark(.step(.paused(reason: "等")), at: start.adding(seconds: sla + offset), recordedAt: start, actor: "a")]
            return (opening.entity, ObstacleState(opening: opening, openedAt: start, openedRecordedAt: start, marks: marks))
        }
    }

    @Test func theSpellsAreTheFoldAtEveryMoment() {
        var rng = SeededRandom(seed: 41)
        let states = Self.states(400, using: &rng) + Self.onTheEdge()
        let edge = ObstacleSpells(Self.onTheEdge()).loads(before: Instant(seconds: 40 * Self.day), table: .standard).first { $0.unit == "grid" }
        #expect(edge?.waiting == 2 && edge?.onHold == 2 && edge?.overdue == 1)
        let seen = Self.expectSame(ObstacleSpells(states), states, "made")
        // The moments are not all empty: obstacles wait, some on hold, some run out.
        #expect(seen > 1_000)
    }

    @Test func spellsMadeAgainForSomeObstaclesEqualSpellsMadeAnew() {
        var rng = SeededRandom(seed: 43)
        var states = Self.states(300, using: &rng)
        var spells = ObstacleSpells(Array(states.prefix(200)))
        // Some obstacles change (more marks, or new states altogether), new ones arrive, one is named with no state.
        let fresh = Self.states(300, using: &rng)
        for i in stride(from: 0, to: 200, by: 7) { states[i].state = fresh[i].state }
        let named = stride(from: 0, to: 200, by: 7).map { states[$0].entity } + states[200...].map(\.entity) + ["obstacle:x:none"]
        spells = spells.updated(stride(from: 0, to: 200, by: 7).map { states[$0] } + Array(states[200...]), named: named)
        _ = Self.expectSame(spells, states, "updated")
        #expect(spells.spells.count == ObstacleSpells(states).spells.count)
        // An obstacle named whose state is no longer given keeps no spell.
        let dropped = spells.updated([], named: [states[3].entity])
        #expect(!dropped.spells.contains { dropped.entities[Int($0.obstacle)] == states[3].entity })
    }
}
