import Foundation
import Testing
@testable import RolloutCore

/// How long obstacles take to clear: what the ledger counts when one is resolved or reopened, the
/// law read from those counts, and which obstacles a district's shortfall comes from.
@Suite struct ObstacleOutlookTests {
    static let day0 = ShanghaiCalendar.parseInstant("2020-04-01")!

    static func opening(_ ref: String, _ category: ObstacleCategory) -> ObstacleOpening {
        ObstacleOpening(org: "cmcc", ref: ref, site: SiteKey(operator: .cmcc, code: "S-\(ref)"), regionCode: "500101", operator: .cmcc,
                        category: category, responsible: nil, description: "d")
    }

    static func resolvedCounts(_ deltas: [CounterDelta]) -> [String: Int] {
        var out: [String: Int] = [:]
        for d in deltas where d.key.metric.hasPrefix(Metric.resolvedInPrefix) {
            #expect(d.key.regionCode == "" && d.key.operatorCode == "", "campaign-wide, like the stage durations")
            out[d.key.metric, default: 0] += d.delta
        }
        return out.filter { $0.value != 0 }
    }

    @Test func aResolutionCountsItsDaysAndAReopeningTakesThemBack() throws {
        var ledger = Ledger(), seq: Int64 = 0
        func apply(_ body: EventBody, _ days: Double) throws {
            seq += 1
            let at = Self.day0.adding(seconds: Int64(days * 86_400))
            try ledger.apply(LoggedEvent(seq: seq, event: NewEvent(body, occurredAt: at, recordedAt: at, actor: "t")))
        }
        let o = Self.opening("A", .power)
        try apply(.obstacleOpened(o), 0)
        try apply(.obstacleResolved(org: "cmcc", ref: "A"), 8)           // 8 days: the [7, 10) bucket
        #expect(Self.resolvedCounts(ledger.deltas) == [Metric.resolvedIn(.power, bucket: 5): 1])
        try apply(.obstacleResolved(org: "cmcc", ref: "A"), 9)           // re-sent: nothing changes
        #expect(Self.resolvedCounts(ledger.deltas) == [Metric.resolvedIn(.power, bucket: 5): 1])
        try apply(.obstacleStep(org: "cmcc", ref: "A", step: .reopened(reason: "复发")), 12)
        #expect(Self.resolvedCounts(ledger.deltas).isEmpty)
        try apply(.obstacleResolved(org: "cmcc", ref: "A"), 25)          // 25 days from its raising: [21, 30)
        #expect(Self.resolvedCounts(ledger.deltas) == [Metric.resolvedIn(.power, bucket: 8): 1])
        // The open count moved with it: opened, resolved, reopened, resolved.
        #expect(ledger.deltas.filter { $0.key.metric == Metric.openObstacles(.power) }.map(\.delta) == [1, -1, 1, -1])
    }

    /// Resolutions and reopenings learned in any order (some dated before marks already known): at
    /// every moment, the open count and the count of resolution times say what the obstacle's
    /// marks say then (the workflow's own replay, as the obstacle lists read it), as known then.
    @Test func marksLearnedOutOfOrderCountWhereTheyBelong() throws {
        var rng = SeededRandom(seed: 5)
        for round in 0..<300 {
            let o = Self.opening("X\(round)", .permit)
            var ledger = Ledger()
            try ledger.apply(LoggedEvent(seq: 1, event: NewEvent(.obstacleOpened(o), occurredAt: Self.day0, recordedAt: Self.day0, actor: "t")))
            var accepted: [ObstacleMark] = []
            for i in 0..<(2 + Int(rng.unit() * 6)) {
                let at = Self.day0.adding(seconds: Int64(rng.unit() * 40 * 86_400))
                let recorded = Self.day0.adding(days: 50 + i)
                let body: EventBody = rng.chance(0.55) ? .obstacleResolved(org: "cmcc", ref: o.ref)
                    : .obstacleStep(org: "cmcc", ref: o.ref, step: .reopened(reason: "r"))
                let before = ledger.obstacles[o.entity]?.marks.count ?? 0
                do { try ledger.apply(LoggedEvent(seq: Int64(i + 2), event: NewEvent(body, occurredAt: at, recordedAt: recorded, actor: "t"))) } catch {}
                if let marks = ledger.obstacles[o.entity]?.marks, marks.count > before { accepted.append(marks.last!) }
            }
            for day in stride(from: 0.25, through: 45, by: 0.25) {
                let t = Cutoff(before: Self.day0.adding(seconds: Int64(day * 86_400)))
                for k in [nil, Cutoff(before: Self.day0.adding(days: 52))] {
                    let moment = ReadMoment(asOf: t, knownAt: k)
                    let counted = ledger.deltas.filter { t.includes($0.occurredAt) && (k?.includes($0.recordedAt) ?? true) }
                    let s = ObstacleWorkflow.situation(openedAt: Self.day0, marks: accepted, at: moment)
                    let open = counted.filter { $0.key.metric == Metric.openObstacles(.permit) }.reduce(0) { $0 + $1.delta }
                    #expect(open == (s.resolvedAt == nil ? 1 : 0), "round \(round) day \(day)")
                    var took = Self.resolvedCounts(counted)
                    if let r = s.resolvedAt {
                        let key = Metric.resolvedIn(.permit, bucket: DurationBuckets.bucket(seconds: r.seconds - Self.day0.seconds))
                        #expect(took[key] == 1, "round \(round) day \(day)")
                        took[key] = nil
                    }
                    #expect(took.isEmpty, "round \(round) day \(day): \(took)")
                }
            }
        }
    }

    /// A log of obstacles whose resolution times follow a known law (log-normal, median 12 days):
    /// the law read from the counters approaches it as the log grows.
    @Test func theLawReadFromTheCountersConvergesToTheTruthAsTheLogGrows() throws {
        func truthShare(_ days: Double) -> Double { 0.5 * erfc(-log(days / 12) / 0.6 / 2.0.squareRoot()) }
        var errors: [Double] = []
        for n in [40, 400, 4_000] {
            var rng = SeededRandom(seed: 17)
            var ledger = Ledger()
            for i in 0..<n {
                let o = Self.opening("R\(i)", .power)
                let days = rng.logNormal(median: 12, sigma: 0.6)
                let opened = Self.day0.adding(seconds: Int64(i) * 600)
                try ledger.apply(LoggedEvent(seq: Int64(2 * i + 1), event: NewEvent(.obstacleOpened(o), occurredAt: opened, recordedAt: opened, actor: "t")))
                let resolved = opened.adding(seconds: Int64(days * 86_400))
                try ledger.apply(LoggedEvent(seq: Int64(2 * i + 2), event: NewEvent(.obstacleResolved(org: "cmcc", ref: o.ref),
                                                                                  occurredAt: resolved, recordedAt: resolved, actor: "t")))
            }
            var values = CounterValues()
            for d in ledger.deltas { values.add(d.key, d.delta) }
            let law = ResolutionLaw(values)
            #expect(law.samples(.power) == n)
            #expect(law.samples(.access) == 0 && law.share(.access, within: 10) == nil)
            // At the buckets' bounds, where spreading a bucket evenly costs nothing.
            let worst = [5.0, 7, 10, 14, 21, 30].map { abs(law.share(.power, within: $0)! - truthShare($0)) }.max()!
            errors.append(worst)
        }
        #expect(errors[2] < 0.02, "\(errors)")
        #expect(errors[2] < errors[0], "\(errors)")
        #expect(abs(try #require(ResolutionLaw(counts: [.power: Self.buckets([5: 50, 6: 50])]).median(.power)) - 10) < 0.01)
    }

    static func buckets(_ counts: [Int: Int]) -> [Int] {
        (0..<DurationBuckets.count).map { counts[$0] ?? 0 }
    }

    @Test func anOpenObstacleIsLikelierToOutlastTheDeadlineTheLongerItHasStoodAndTheSlowerItsKind() {
        // Half resolved in [7, 10) days, half in [21, 30).
        let law = ResolutionLaw(counts: [.power: Self.buckets([5: 50, 8: 50]), .access: Self.buckets([2: 100])])
        #expect(abs(law.stillOpen(.power, age: 0, after: 10) - 0.5) < 1e-9)
        #expect(abs(law.stillOpen(.power, age: 10, after: 15.5) - 0.5) < 1e-9, "of those still open at 10 days, half are left at 25.5")
        #expect(law.stillOpen(.power, age: 40, after: 1) == 1, "older than any resolved: counted as staying open")
        #expect(law.stillOpen(.rent, age: 1, after: 100) == 1, "no resolved one of its kind: nothing says it will clear")
        #expect(law.stillOpen(.access, age: 0, after: 3) == 0)
        // The chance only falls as the deadline moves away from the moment.
        var last = 1.0
        for d in stride(from: 0.0, through: 40, by: 0.5) {
            let p = law.stillOpen(.power, age: 3, after: d)
            #expect(p <= last + 1e-12 && p >= 0)
            last = p
        }
    }

    @Test func theOutlookSumsEachObstaclesChanceAndPutsTheWorstCategoryFirst() {
        let law = ResolutionLaw(counts: [.power: Self.buckets([5: 50, 8: 50]), .access: Self.buckets([2: 100])])
        let now = Self.day0.adding(days: 10), deadline = now.adding(days: 20)
        let open = [OpenObstacle(category: .power, openedAt: Self.day0),            // 10 days: cleared by 30
                    OpenObstacle(category: .power, openedAt: Self.day0.adding(days: -30)), // 40 days: stays open
                    OpenObstacle(category: .access, openedAt: Self.day0.adding(days: 8)),  // 2 days: cleared within 3
                    OpenObstacle(category: .rent, openedAt: Self.day0.adding(days: 9))]    // never seen resolved
        let outlook = ObstacleOutlook.make(open, law: law, now: now, deadline: deadline)
        #expect(outlook.map(\.category) == ["power", "rent", "access"])
        #expect(outlook.map(\.expectedOpenAtDeadline) == [1, 1, 0])
        #expect(outlook[0].open == 2 && outlook[0].medianAgeDays == 25 && outlook[0].resolvedSamples == 100)
        #expect(outlook[1].typicalDays == nil && outlook[1].resolvedSamples == 0)
        #expect(ObstacleOutlook.make([], law: law, now: now, deadline: deadline).isEmpty)
        // A deadline already past: each raised by then was open on it; one raised after it does not count.
        let past = ObstacleOutlook.make(open + [OpenObstacle(category: .safety, openedAt: now)], law: law, now: now, deadline: now.adding(days: -1))
        #expect(past.map(\.expectedOpenAtDeadline) == [2, 1, 1] && past.map(\.open) == [2, 1, 1])
    }
}
