import Foundation
import Testing
@testable import RolloutCore

/// The pairing kept for a log's version answers, at every moment and for every district and
/// operator, what the pairing of that moment's records gives.
@Suite struct ReconciliationPairingTimelineTests {
    /// Sites close together (a few tens of metres apart, so that many have one, two or no tower
    /// near), in two districts that share a border, some naming a tower (of their own district or
    /// not, registered or not), on every kind of host.
    static func timelines(_ rng: inout SeededRandom, count: Int) -> [Reconciliation.Timeline] {
        let start = ShanghaiCalendar.parseInstant("2020-03-01")!
        var out: [Reconciliation.Timeline] = []
        for i in 0..<count {
            let op: Operator = rng.unit() < 0.35 ? .tower : [.cmcc, .ctcc, .cucc][Int(rng.unit() * 3)]
            let lat = 29.5 + rng.unit() * 0.002, lon = 106.5 + rng.unit() * 0.002
            let region = lon < 106.501 ? "500101" : "500102"
            let registered = start.adding(seconds: Int64(rng.unit() * 40 * 86_400))
            let named: String? = op != .tower && rng.unit() < 0.5 ? "T\(Int(rng.unit() * Double(count)))" : nil
            let others = RolloutCore.Host.allCases.filter { !Reconciliation.expectsTower($0) }
            let host: RolloutCore.Host = rng.unit() < 0.8 ? (rng.unit() < 0.5 ? .newTower : .existingTower) : others[Int(rng.unit() * Double(others.count))]
            var steps = [TimelineStep(at: registered, stage: .planned)]
            if rng.unit() < 0.6 { steps.append(TimelineStep(at: registered.adding(seconds: Int64(rng.unit() * 20 * 86_400) + 1), stage: .onAir)) }
            out.append(Reconciliation.Timeline(key: SiteKey(operator: op, code: op == .tower ? "T\(i)" : "S\(i)"), regionCode: region, lat: lat, lon: lon,
                                               host: host, towerSiteCode: named, steps: steps))
        }
        // A timeline with no step is never a record.
        out.append(Reconciliation.Timeline(key: SiteKey(operator: .cmcc, code: "EMPTY"), regionCode: "500101", lat: 29.5, lon: 106.5,
                                           host: .newTower, towerSiteCode: nil, steps: []))
        return out
    }

    @Test func theKeptPairingIsThePairingOfEachMomentsRecords() {
        var rng = SeededRandom(seed: 2024)
        var ambiguousSeen = false, pairedSeen = false
        for round in 0..<12 {
            let timelines = Self.timelines(&rng, count: 40 + round * 15)
            for radius in [20.0, 50, 120] {
                let kept = Reconciliation.PairingTimeline(timelines, radius: radius)
                for day in stride(from: -1.0, through: 62, by: 3.5) {
                    let cutoff = Cutoff(before: ShanghaiCalendar.parseInstant("2020-03-01")!.adding(seconds: Int64(day * 86_400)))
                    for region in [nil, "500101", "500102"] {
                        for op in [nil, Operator.cmcc, .cucc] {
                            let records = timelines.compactMap { t in
                                (region == nil || t.regionCode == region) && (op == nil || t.key.operator == op || t.key.operator == .tower) ? t.record(at: cutoff) : nil
                            }
                            let expected = Reconciliation.pair(operators: records.filter { $0.key.operator != .tower },
                                                               towers: records.filter { $0.key.operator == .tower }, radius: radius)
                            let got = kept.pairing(at: cutoff, region: region, operator: op)
                            #expect(got == expected, "round \(round), radius \(radius), day \(day), region \(region ?? "-"), operator \(op?.rawValue ?? "-")")
                            ambiguousSeen = ambiguousSeen || !expected.ambiguous.isEmpty
                            pairedSeen = pairedSeen || expected.pairs.contains { $0.named } && expected.pairs.contains { !$0.named }
                        }
                    }
                }
            }
        }
        // The logs are dense enough to hold every case.
        #expect(ambiguousSeen && pairedSeen)
    }

    /// One site's part of the pairing, from its own towers and operator sites, is the whole
    /// pairing's restricted to it (timelines in the store's order, or in any).
    @Test func aSitesPairingIsTheWholePairingsPartOfIt() {
        var rng = SeededRandom(seed: 99)
        var seen: Set<String> = []
        for round in 0..<10 {
            var timelines = Self.timelines(&rng, count: 40 + round * 15)
            if round % 2 == 0 { timelines.sort { Reconciliation.ordered($0.key, $1.key) } }
            let kept = Reconciliation.PairingTimeline(timelines, radius: [20.0, 60, 120][round % 3])
            for day in stride(from: -1.0, through: 62, by: 4.5) {
                let cutoff = Cutoff(before: ShanghaiCalendar.parseInstant("2020-03-01")!.adding(seconds: Int64(day * 86_400)))
                let whole = kept.pairing(at: cutoff)
                for t in timelines + [Reconciliation.Timeline(key: SiteKey(operator: .tower, code: "NONE"), regionCode: "500101", lat: 0, lon: 0,
                                                              host: .newTower, towerSiteCode: nil, steps: [])] {
                    let key = t.key
                    let expected = Reconciliation.Pairing(pairs: whole.pairs.filter { $0.operatorSite == key || $0.towerSite == key },
                                                          ambiguous: whole.ambiguous.filter { $0.key == key },
                                                          operatorOnly: whole.operatorOnly.filter { $0 == key }, towerOnly: whole.towerOnly.filter { $0 == key })
                    #expect(kept.pairing(ofSite: key, at: cutoff) == expected, "round \(round), day \(day), \(key)")
                    if key.operator == .tower && expected.pairs.count > 1 { seen.insert("shared tower") }
                    if !expected.ambiguous.isEmpty { seen.insert("ambiguous") }
                    if !expected.towerOnly.isEmpty { seen.insert("tower alone") }
                    if !expected.operatorOnly.isEmpty { seen.insert("operator alone") }
                }
            }
        }
        #expect(seen == ["shared tower", "ambiguous", "tower alone", "operator alone"])
    }
}
