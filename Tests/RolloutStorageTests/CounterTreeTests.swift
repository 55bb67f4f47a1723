import Foundation
import Testing
@testable import RolloutCore
@testable import RolloutSQLStorage

/// The Fenwick tree of the counters' running totals: sums of nodes equal the naive sums of days,
/// a change and a total each take at most 17 nodes however far apart the days, and a series of days
/// needs only the nodes of its days and of the total before them.
@Suite struct CounterTreeTests {
    @Test func totalsOfNodesEqualTheSumsOfTheDays() {
        var rng = SeededRandom(seed: 17)
        let first = ShanghaiCalendar.day(of: ShanghaiCalendar.parseInstant("2019-06-01")!)
        var changes: [(day: DayNumber, delta: Int)] = []
        var nodes: [Int: Int] = [:]
        for _ in 0..<2_000 {
            // Days over ten years, some far in the past of the others (late reports).
            let day = first + Int(rng.next() % 3_650)
            let delta = Int(rng.next() % 7) - 3
            changes.append((day, delta))
            let touched = CounterTree.nodes(changing: day)
            #expect(touched.count <= 17 && touched.last == CounterTree.root)
            for n in touched { nodes[n, default: 0] += delta }
        }
        for _ in 0..<500 {
            let day = first - 30 + Int(rng.next() % 3_700)
            let summing = CounterTree.nodes(summing: day)
            #expect(summing.count <= 17)
            let naive = changes.filter { $0.day <= day }.reduce(0) { $0 + $1.delta }
            #expect(summing.reduce(0) { $0 + (nodes[$1] ?? 0) } == naive, "day \(day)")
        }
        // The root holds every change.
        #expect(nodes[CounterTree.root] == changes.reduce(0) { $0 + $1.delta })
        #expect(CounterTree.nodes(summing: CounterTree.firstDay - 1).isEmpty)
    }

    @Test func aSeriesNeedsTheNodesOfItsDaysAndOfTheTotalBeforeThem() {
        var rng = SeededRandom(seed: 3)
        var missed: [String] = []
        for _ in 0..<300 {
            let from = 18_000 + Int(rng.next() % 1_500)
            let last = from + Int(rng.next() % 400)
            let allowed = Set(CounterTree.nodes(summing: from - 1))
            let span = CounterTree.nodes(from: from, through: last)
            for day in from...last where !CounterTree.nodes(summing: day).allSatisfy({ span.contains($0) || allowed.contains($0) }) {
                missed.append("\(from)…\(last): \(day)")
            }
        }
        #expect(missed.isEmpty)
    }
}
