import Foundation
import RolloutTexts
import Testing
@testable import RolloutCore

/// Reconciling operators' sites with China Tower's: which records are one site (named, near, two
/// candidates, none), checked against a look at every pair on random data; every kind of mismatch
/// and its age; the thresholds the office may set.
@Suite struct ReconciliationTests {
    static let t0 = Instant(seconds: 1_590_000_000)
    static func at(_ days: Int) -> Instant { t0.adding(days: days) }
    /// About 11 m north per step of `dy`, 9.6 m east per step of `dx` (at 29.5° N).
    static func record(_ op: Operator, _ code: String, region: String = "500103", dy: Double = 0, dx: Double = 0, host: RolloutCore.Host = .newTower,
                       stage: Stage = .planned, since: Int = 0, registered: Int = 0, names tower: String? = nil) -> Reconciliation.Record {
        Reconciliation.Record(key: SiteKey(operator: op, code: code), regionCode: region, lat: 29.5 + dy * 0.0001, lon: 106.5 + dx * 0.0001,
                              host: host, stage: stage, stageSince: at(since), registeredAt: at(registered), towerSiteCode: tower)
    }

    @Test func recordsPairByNameThenByTheOnlyTowerNearEnough() {
        let towers = [Self.record(.tower, "T1"), Self.record(.tower, "T2", dy: 2), Self.record(.tower, "T3", dy: 100),
                      Self.record(.tower, "T4", region: "500105", dy: 200), Self.record(.tower, "T5", dy: 300)]
        let operators = [
            // Named: paired with its tower even between two.
            Self.record(.cmcc, "A", dy: 1, names: "T2"),
            // Near two towers, naming none: ambiguous.
            Self.record(.ctcc, "B", dy: 1),
            // The only tower within 50 m (about 44 m away).
            Self.record(.cucc, "C", dy: 104),
            // The tower of the same place but another region: not paired; on a new tower, so its tower is missing.
            Self.record(.cmcc, "D", dy: 200),
            // On a street lamp, with no tower near: not expected to pair.
            Self.record(.cmcc, "E", dy: 500, host: .streetLamp),
            // On a rooftop 11 m from T5: a rooftop is not China Tower's, so it pairs only by name.
            Self.record(.cucc, "H", dy: 301, host: .rooftop),
            // Naming a tower of another region: not paired by name, and nothing near.
            Self.record(.cbn, "F", dy: 600, host: .existingTower, names: "T4"),
            // A second operator on T3: sharing, both paired.
            Self.record(.cmcc, "G", dy: 99),
        ]
        let p = Reconciliation.pair(operators: operators, towers: towers)
        let pairs = Dictionary(uniqueKeysWithValues: p.pairs.map { ($0.operatorSite.code, $0) })
        #expect(pairs["A"]?.towerSite.code == "T2" && pairs["A"]?.named == true)
        #expect(pairs["C"]?.towerSite.code == "T3" && pairs["C"]?.named == false && abs(pairs["C"]!.distance - 44.5) < 1)
        #expect(pairs["G"]?.towerSite.code == "T3")
        #expect(p.ambiguous == [SiteKey(operator: .ctcc, code: "B"): [SiteKey(operator: .tower, code: "T1"), SiteKey(operator: .tower, code: "T2")]])
        #expect(p.operatorOnly.map(\.code) == ["D", "F"])
        #expect(p.towerOnly.map(\.code) == ["T1", "T4", "T5"])
        #expect(Reconciliation.expectsTower(.newTower) && Reconciliation.expectsTower(.existingTower))
        #expect(!Reconciliation.expectsTower(.streetLamp) && !Reconciliation.expectsTower(.rooftop) && !Reconciliation.expectsTower(.indoorSystem))
    }

    @Test func pairingAgreesWithALookAtEveryPairOnRandomData() {
        var random = SeededRandom(seed: 2020)
        for round in 0..<60 {
            let n = 20 + Int(random.next() % 200), m = 20 + Int(random.next() % 200)
            let regions = ["500103", "500105"]
            let radius = [10.0, 50, 200][Int(random.next() % 3)]
            func point() -> (Double, Double, String) {
                (29.5 + random.unit() * 0.02, 106.5 + random.unit() * 0.02, regions[Int(random.next() % 2)])
            }
            let towers = (0..<m).map { i -> Reconciliation.Record in
                let (lat, lon, region) = point()
                return Reconciliation.Record(key: SiteKey(operator: .tower, code: "T\(i)"), regionCode: region, lat: lat, lon: lon, host: .newTower,
                                             stage: .civilDone, stageSince: Self.t0, registeredAt: Self.t0)
            }
            let hosts: [RolloutCore.Host] = [.newTower, .existingTower, .streetLamp, .rooftop]
            let operators = (0..<n).map { i -> Reconciliation.Record in
                let (lat, lon, region) = point()
                let named = random.next() % 5 == 0 ? "T\(random.next() % UInt64(m + 5))" : nil
                return Reconciliation.Record(key: SiteKey(operator: .cmcc, code: "S\(i)"), regionCode: region, lat: lat, lon: lon,
                                             host: hosts[Int(random.next() % 4)], stage: .designed, stageSince: Self.t0, registeredAt: Self.t0,
                                             towerSiteCode: named)
            }
            let fast = Reconciliation.pair(operators: operators, towers: towers, radius: radius)
            // The plain way: every operator site against every China Tower site.
            var pairs: [SiteKey: SiteKey] = [:], ambiguous: [SiteKey: [SiteKey]] = [:], operatorOnly: [SiteKey] = []
            for o in operators {
                if let code = o.towerSiteCode, let t = towers.first(where: { $0.key.code == code }), t.regionCode == o.regionCode {
                    pairs[o.key] = t.key
                    continue
                }
                // Only a site on a tower pairs by distance.
                guard o.host == .newTower || o.host == .existingTower else { continue }
                let near = towers.filter { $0.regionCode == o.regionCode && Reconciliation.distance(o, $0) <= radius }
                if near.count == 1 { pairs[o.key] = near[0].key } else if near.count > 1 {
                    ambiguous[o.key] = near.map(\.key).sorted { $0.code < $1.code }
                } else { operatorOnly.append(o.key) }
            }
            #expect(Dictionary(uniqueKeysWithValues: fast.pairs.map { ($0.operatorSite, $0.towerSite) }) == pairs, "round \(round)")
            #expect(fast.ambiguous == ambiguous, "round \(round)")
            #expect(Set(fast.operatorOnly) == Set(operatorOnly), "round \(round)")
            #expect(Set(fast.towerOnly) == Set(towers.map(\.key)).subtracting(pairs.values), "round \(round)")
        }
    }

    @Test func everyKindOfMismatchIsFoundWithBothSidesAndItsAge() {
        let towers = [
            Self.record(.tower, "T1", stage: .civilDone, since: 5, registered: 1),
            Self.record(.tower, "T2", dy: 1000, stage: .powerReady, since: 10, registered: 2),
            Self.record(.tower, "T3", dy: 2000, stage: .powerReady, since: 10, registered: 3),
            Self.record(.tower, "T9", dy: 5000, registered: 4),
        ]
        let operators = [
            // On air while the tower has no power yet.
            Self.record(.cmcc, "A", stage: .onAir, since: 8, registered: 1),
            // Power ready since day 10; still designed at day 50: a gap since day 40.
            Self.record(.ctcc, "B", dy: 1000, stage: .designed, since: 3, registered: 2),
            // Named and 500 m away, installed: apart.
            Self.record(.cucc, "C", dy: 2045, stage: .installed, since: 20, registered: 6, names: "T3"),
            // On a new tower with no China Tower site near.
            Self.record(.cmcc, "D", dy: 8000, registered: 7),
        ]
        let pairing = Reconciliation.pair(operators: operators, towers: towers)
        let found = Reconciliation.mismatches(pairing, operators: Dictionary(uniqueKeysWithValues: operators.map { ($0.key, $0) }),
                                              towers: Dictionary(uniqueKeysWithValues: towers.map { ($0.key, $0) }), at: Self.at(50))
        let byKind = Dictionary(grouping: found, by: \.kind)
        #expect(Set(byKind.keys) == Set(Reconciliation.MismatchKind.allCases))
        let conflict = byKind[.stagesConflict]!.first!
        #expect(conflict.operatorSite?.code == "A" && conflict.operatorValue == "on_air" && conflict.towerValue == "civil_done" && conflict.ageDays(at: Self.at(50)) == 42)
        let gap = byKind[.stageGap]!.first!
        #expect(gap.operatorSite?.code == "B" && gap.since == Self.at(40) && gap.ageDays(at: Self.at(50)) == 10)
        let apart = byKind[.apart]!.first!
        #expect(apart.operatorSite?.code == "C" && apart.towerSite?.code == "T3" && apart.since == Self.at(6))
        #expect(byKind[.towerMissing]!.map { $0.operatorSite?.code } == ["D"] && byKind[.operatorMissing]!.map { $0.towerSite?.code } == ["T9"])
        // Twenty days earlier the gap had not lasted its thirty days yet.
        let earlier = Reconciliation.mismatches(pairing, operators: Dictionary(uniqueKeysWithValues: operators.map { ($0.key, $0) }),
                                                towers: Dictionary(uniqueKeysWithValues: towers.map { ($0.key, $0) }), at: Self.at(30))
        #expect(!earlier.contains { $0.kind == .stageGap })
    }

    @Test func thresholdsOutsideTheirRangesAreRefused() throws {
        #expect(throws: Never.self) { _ = try Reconciliation.Thresholds.standard.validated() }
        for bad in [Reconciliation.Thresholds(gapDays: 0, apartMetres: 100), .init(gapDays: 366, apartMetres: 100),
                    .init(gapDays: 30, apartMetres: 0), .init(gapDays: 30, apartMetres: 5_001),
                    .init(pairMetres: 0, gapDays: 30, apartMetres: 100), .init(pairMetres: 1_001, gapDays: 30, apartMetres: 100),
                    .init(pairMetres: -5, gapDays: -1, apartMetres: 100)] {
            do { _ = try bad.validated(); Issue.record("accepted \(bad)") } catch let e as RolloutError {
                #expect(e.message(.zh) != e.message(.en) && !e.message(.en).contains("internal"))
            }
        }
    }
}
