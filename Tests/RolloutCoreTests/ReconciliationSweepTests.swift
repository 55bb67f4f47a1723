import Foundation
import Testing
@testable import RolloutCore

/// The tallies swept over time give, at every moment, what the pairing, the mismatches, the queue
/// and the rates of that moment's records give, counted naively.
@Suite struct ReconciliationSweepTests {
    static let start = ShanghaiCalendar.parseInstant("2020-03-01")!

    /// Sites close together in two districts, walking through the stages at random (China Tower's
    /// and the operators'), some naming a tower, on every kind of host.
    static func timelines(_ rng: inout SeededRandom, count: Int) -> [Reconciliation.Timeline] {
        var out: [Reconciliation.Timeline] = []
        let others = RolloutCore.Host.allCases.filter { !Reconciliation.expectsTower($0) }
        for i in 0..<count {
            let op: Operator = rng.unit() < 0.4 ? .tower : [.cmcc, .ctcc, .cucc, .cbn][Int(rng.unit() * 4)]
            let lat = 29.5 + rng.unit() * 0.0015, lon = 106.5 + rng.unit() * 0.0015
            let region = lon < 106.5007 ? "500101" : "500102"
            var at = start.adding(seconds: Int64(rng.unit() * 30 * 86_400))
            var steps = [TimelineStep(at: at, stage: .planned)]
            var stage = 0
            while rng.unit() < 0.75 && stage < Stage.allCases.count - 1 {
                stage = min(Stage.allCases.count - 1, stage + 1 + Int(rng.unit() * 3))
                // Whole days now and then, so that steps and gaps fall on a cutoff's own second.
                at = at.adding(seconds: rng.unit() < 0.3 ? 86_400 * Int64(1 + rng.unit() * 6) : Int64(1 + rng.unit() * 8 * 86_400))
                steps.append(TimelineStep(at: at, stage: Stage.allCases[stage]))
            }
            let named: String? = op != .tower && rng.unit() < 0.4 ? "T\(Int(rng.unit() * Double(count)))" : nil
            let host: RolloutCore.Host = rng.unit() < 0.85 ? (rng.unit() < 0.5 ? .newTower : .existingTower) : others[Int(rng.unit() * Double(others.count))]
            out.append(Reconciliation.Timeline(key: SiteKey(operator: op, code: op == .tower ? "T\(i)" : "S\(i)"), regionCode: region, lat: lat, lon: lon,
                                               host: host, towerSiteCode: named, steps: steps))
        }
        out.append(Reconciliation.Timeline(key: SiteKey(operator: .cmcc, code: "EMPTY"), regionCode: "500101", lat: 29.5, lon: 106.5,
                                           host: .newTower, towerSiteCode: nil, steps: []))
        return out
    }

    /// The naive count at a cutoff: the records of the moment paired, compared and queued.
    static func naive(_ timelines: [Reconciliation.Timeline], thresholds: Reconciliation.Thresholds, resolutions: [Reconciliation.LoggedResolution],
                      at cutoff: Cutoff) -> (entries: [Reconciliation.Entry], tallies: [String: Reconciliation.Tally]) {
        let records = timelines.compactMap { $0.record(at: cutoff) }
        let pairing = Reconciliation.pair(operators: records.filter { $0.key.operator != .tower }, towers: records.filter { $0.key.operator == .tower },
                                          radius: thresholds.pairMetres)
        let byKey = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let mismatches = Reconciliation.mismatches(pairing, operators: byKey, towers: byKey, thresholds: thresholds, at: cutoff.before.adding(seconds: -1))
        let regions = byKey.mapValues(\.regionCode)
        let queue = Reconciliation.queue(mismatches, regions: regions, resolutions: resolutions.filter { cutoff.includes($0.at) })
        let rates = Reconciliation.rates(pairing, queue: queue, regions: regions)
        let open = queue.filter { $0.status == .open }
        func tally(_ rate: Reconciliation.Rate?, _ entries: [Reconciliation.Entry]) -> Reconciliation.Tally {
            Reconciliation.Tally(paired: rate?.paired ?? 0, agreeing: rate?.agreeing ?? 0, open: entries.count,
                                 openWithTower: entries.filter { $0.mismatch.towerSite != nil }.count)
        }
        var out = ["city": tally(rates.city, open)]
        for r in ["500101", "500102"] { out["region " + r] = tally(rates.byRegion[r], open.filter { $0.regionCode == r }) }
        for o in [Operator.cmcc, .ctcc, .cucc, .cbn] {
            out["operator " + o.rawValue] = tally(rates.byOperator[o.rawValue], open.filter { $0.mismatch.operatorSite?.operator == o })
        }
        return (queue, out.filter { $0.value != Reconciliation.Tally() })
    }

    @Test func theSweptTalliesAreTheCountsOfEachMomentsRecords() {
        var rng = SeededRandom(seed: 77)
        var seen: Set<String> = []
        for round in 0..<10 {
            let timelines = Self.timelines(&rng, count: 40 + round * 12)
            let thresholds = Reconciliation.Thresholds(pairMetres: [25.0, 60, 120][round % 3], gapDays: 1 + Int(rng.unit() * 8),
                                                       apartMetres: [10.0, 40, 90][Int(rng.unit() * 3)])
            // Resolutions of mismatches found at random moments: some on the values they have then
            // (resolved while the two keep them), some on others (still open); logged then or later.
            var resolutions: [Reconciliation.LoggedResolution] = []
            for _ in 0..<12 {
                let at = Self.start.adding(seconds: Int64(rng.unit() * 70 * 86_400))
                let entries = Self.naive(timelines, thresholds: thresholds, resolutions: [], at: Cutoff(before: at)).entries
                guard !entries.isEmpty else { continue }
                let m = entries[Int(rng.unit() * Double(entries.count))].mismatch
                let stale = rng.unit() < 0.3
                resolutions.append(Reconciliation.LoggedResolution(
                    Reconciliation.Resolution(kind: m.kind, operatorSite: m.operatorSite, towerSite: m.towerSite, regionCode: "500101",
                                              operatorValue: stale ? "x" : m.operatorValue, towerValue: m.towerValue, right: .tower, note: "n"),
                    at: at.adding(seconds: Int64(rng.unit() * 5 * 86_400)), actor: "office"))
                seen.insert(m.kind.rawValue)
            }
            let sweep = Reconciliation.Sweep(Reconciliation.PairingTimeline(timelines, radius: thresholds.pairMetres), thresholds: thresholds,
                                             resolutions: resolutions)
            var cutoffs = (0..<40).map { _ in Cutoff(before: Self.start.adding(seconds: Int64((rng.unit() * 80 - 2) * 86_400))) }
            // The very seconds things change at, and the ones just after.
            for t in timelines.prefix(20) {
                for s in t.steps {
                    let gapEnd = s.at.adding(days: thresholds.gapDays)
                    cutoffs += [Cutoff(before: s.at), Cutoff(before: s.at.adding(seconds: 1)), Cutoff(before: gapEnd), Cutoff(before: gapEnd.adding(seconds: 1))]
                }
            }
            for r in resolutions { cutoffs += [Cutoff(before: r.at), Cutoff(before: r.at.adding(seconds: 1))] }
            for cutoff in cutoffs {
                let expected = Self.naive(timelines, thresholds: thresholds, resolutions: resolutions, at: cutoff).tallies
                let got = sweep.tallies(at: cutoff)
                var gotAll = ["city": got.city]
                for (r, t) in got.byRegion { gotAll["region " + r] = t }
                for (o, t) in got.byOperator { gotAll["operator " + o.rawValue] = t }
                #expect(gotAll.filter { $0.value != Reconciliation.Tally() } == expected, "round \(round), cutoff \(cutoff)")
                if let c = expected["city"] {
                    if c.open > c.openWithTower { seen.insert("tower missing counted") }
                    if c.agreeing < c.paired { seen.insert("disagreeing pair") }
                }
            }
        }
        // The logs hold every kind of mismatch resolved, and every case counted.
        #expect(seen.isSuperset(of: ["stages_conflict", "stage_gap", "apart", "tower_missing", "operator_missing", "tower missing counted", "disagreeing pair"]),
                "\(seen)")
    }

    /// Grown after writes (stages reported for some sites, resolutions logged), the sweep is the
    /// whole sweep of the new timelines, and so the naive counts; a pairing whose near towers were
    /// found again is not grown.
    @Test func aSweepGrownAfterWritesIsTheWholeSweep() {
        var rng = SeededRandom(seed: 5)
        var grownSeen = 0
        for round in 0..<8 {
            var timelines = Self.timelines(&rng, count: 50 + round * 10).sorted { Reconciliation.ordered($0.key, $1.key) }
            let thresholds = Reconciliation.Thresholds(pairMetres: [40.0, 90][round % 2], gapDays: 1 + round % 4, apartMetres: 30)
            var pairing = Reconciliation.PairingTimeline(timelines, radius: thresholds.pairMetres)
            var resolutions: [Reconciliation.LoggedResolution] = []
            var sweep = Reconciliation.Sweep(pairing, thresholds: thresholds, resolutions: resolutions)
            for write in 0..<4 {
                // Some sites (operators' and China Tower's) report a stage later than any before,
                // or one back-dated among their steps.
                var named: [SiteKey] = []
                for i in timelines.indices where !timelines[i].steps.isEmpty && rng.unit() < 0.12 {
                    let last = timelines[i].steps.last!.at
                    // Later than any step, just after the registration, or (registered again earlier) before it.
                    let u = rng.unit()
                    let at = u < 0.4 ? last.adding(seconds: Int64(1 + rng.unit() * 6 * 86_400))
                        : u < 0.7 ? timelines[i].steps[0].at.adding(seconds: 1) : timelines[i].steps[0].at.adding(seconds: -Int64(1 + rng.unit() * 9 * 86_400))
                    timelines[i].steps.append(TimelineStep(at: at, stage: Stage.allCases[Int(rng.unit() * Double(Stage.allCases.count))]))
                    timelines[i].steps.sort { $0.at < $1.at }
                    named.append(timelines[i].key)
                }
                let entries = Self.naive(timelines, thresholds: thresholds, resolutions: resolutions, at: Cutoff(before: Self.start.adding(days: 20 + write * 5))).entries
                let open = entries.filter { $0.status == .open }
                for e in [open.first { $0.mismatch.operatorSite != nil }, open.randomElement(using: &rng)].compactMap({ $0 }) {
                    let m = e.mismatch
                    resolutions.append(Reconciliation.LoggedResolution(
                        Reconciliation.Resolution(kind: m.kind, operatorSite: m.operatorSite, towerSite: m.towerSite, regionCode: e.regionCode,
                                                  operatorValue: m.operatorValue, towerValue: m.towerValue, right: .operator, note: "n"),
                        at: Self.start.adding(days: 20 + write * 5), actor: "office"))
                    named += [m.operatorSite, m.towerSite].compactMap { $0 }
                }
                guard let next = pairing.updated(timelines) else { Issue.record("the places did not change"); return }
                pairing = next
                guard let grown = sweep.updated(pairing, named: named, resolutions: resolutions) else { Issue.record("not grown"); return }
                sweep = grown
                grownSeen += 1
                let whole = Reconciliation.Sweep(pairing, thresholds: thresholds, resolutions: resolutions)
                for day in stride(from: -1.0, through: 70, by: 2.5) {
                    let cutoff = Cutoff(before: Self.start.adding(seconds: Int64(day * 86_400)))
                    let (a, b) = (sweep.tallies(at: cutoff), whole.tallies(at: cutoff))
                    #expect(a.city == b.city && a.byRegion == b.byRegion && a.byOperator == b.byOperator, "round \(round), write \(write), day \(day)")
                    #expect(a.city == Self.naive(timelines, thresholds: thresholds, resolutions: resolutions, at: cutoff).tallies["city"] ?? Reconciliation.Tally())
                }
                #expect(sweep.changeCount == whole.changeCount)
            }
            // A site moved: the near towers are found again, and the sweep is made whole.
            timelines[0].lat += 0.01
            let moved = Reconciliation.PairingTimeline(timelines, radius: thresholds.pairMetres)
            #expect(sweep.updated(moved, named: [timelines[0].key], resolutions: resolutions) == nil)
        }
        #expect(grownSeen == 32)
    }

    @Test func anEmptyLogCountsNothing() {
        let sweep = Reconciliation.Sweep(Reconciliation.PairingTimeline([], radius: 50), thresholds: .standard, resolutions: [])
        let t = sweep.tallies(at: Cutoff(before: Self.start))
        #expect(t.city == Reconciliation.Tally() && t.byRegion.isEmpty && t.byOperator.isEmpty && sweep.changeCount == 0)
    }
}
