import Foundation
import Testing
@testable import RolloutCore

/// The queue of mismatches: a resolution holds while the two sides keep the values it was made on,
/// the mismatch is open again (reopened) when they change, and gone when the two agree; oldest
/// first; the rate counts the paired sites with no open mismatch; a record at any moment.
@Suite struct ReconciliationQueueTests {
    static let t0 = ReconciliationTests.t0
    static func at(_ d: Int) -> Instant { ReconciliationTests.at(d) }
    static let a = SiteKey(operator: .cmcc, code: "A"), b = SiteKey(operator: .ctcc, code: "B")
    static let t1 = SiteKey(operator: .tower, code: "T1"), t2 = SiteKey(operator: .tower, code: "T2")

    static func mismatch(_ kind: Reconciliation.MismatchKind, _ o: SiteKey?, _ t: SiteKey?, since: Int, _ ov: String?, _ tv: String?) -> Reconciliation.Mismatch {
        Reconciliation.Mismatch(kind: kind, operatorSite: o, towerSite: t, since: at(since), operatorValue: ov, towerValue: tv)
    }

    static func resolution(_ m: Reconciliation.Mismatch, _ ov: String?, _ tv: String?, day: Int) -> Reconciliation.LoggedResolution {
        Reconciliation.LoggedResolution(Reconciliation.Resolution(kind: m.kind, operatorSite: m.operatorSite, towerSite: m.towerSite, regionCode: "500103",
                                                                  operatorValue: ov, towerValue: tv, right: .tower, note: "n"),
                                        at: at(day), actor: "city_office")
    }

    @Test func aResolutionHoldsOnItsValuesAndReopensWhenTheyChange() {
        let conflict = Self.mismatch(.stagesConflict, Self.a, Self.t1, since: 10, "installed", "civil_done")
        let apart = Self.mismatch(.apart, Self.b, Self.t2, since: 5, "29.500000,106.500000", "29.503000,106.500000")
        let missing = Self.mismatch(.operatorMissing, nil, SiteKey(operator: .tower, code: "T9"), since: 20, nil, "power_ready")
        let regions = [Self.a: "500103", Self.b: "500105", Self.t1: "500103", Self.t2: "500105", SiteKey(operator: .tower, code: "T9"): "500106"]
        let resolutions = [
            // Resolved on the values it has: resolved.
            Self.resolution(apart, apart.operatorValue, apart.towerValue, day: 6),
            // Resolved when the operator had only installed; it is on air now: open again.
            Self.resolution(conflict, "transmission_ready", "civil_done", day: 11),
            // A resolution of something that no longer disagrees changes nothing.
            Self.resolution(Self.mismatch(.stageGap, Self.b, Self.t2, since: 1, "designed", "power_ready"), "designed", "power_ready", day: 2),
        ]
        let queue = Reconciliation.queue([conflict, apart, missing], regions: regions, resolutions: resolutions)
        #expect(queue.map(\.mismatch.kind) == [.apart, .stagesConflict, .operatorMissing])  // oldest first
        #expect(queue[0].status == .resolved && !queue[0].reopened && queue[0].regionCode == "500105" && queue[0].resolution?.actor == "city_office")
        #expect(queue[1].status == .open && queue[1].reopened)
        #expect(queue[2].status == .open && !queue[2].reopened && queue[2].resolution == nil && queue[2].regionCode == "500106")
        // The latest resolution counts: a second one on the current values resolves it again.
        let again = Reconciliation.queue([conflict], regions: regions, resolutions: resolutions + [Self.resolution(conflict, "installed", "civil_done", day: 12)])
        #expect(again[0].status == .resolved && !again[0].reopened)
        #expect(conflict.entity == Reconciliation.entity(.stagesConflict, operatorSite: Self.a, towerSite: Self.t1))
        #expect(missing.entity == "reconciliation:operator_missing:-:T9")
    }

    @Test func theRateCountsPairedSitesWithNoOpenMismatch() {
        let pairs = [Reconciliation.Pair(operatorSite: Self.a, towerSite: Self.t1, named: true, distance: 3),
                     Reconciliation.Pair(operatorSite: Self.b, towerSite: Self.t2, named: false, distance: 300),
                     Reconciliation.Pair(operatorSite: SiteKey(operator: .cmcc, code: "C"), towerSite: Self.t2, named: true, distance: 1)]
        let pairing = Reconciliation.Pairing(pairs: pairs, ambiguous: [:], operatorOnly: [SiteKey(operator: .cmcc, code: "D")], towerOnly: [])
        let regions = [Self.a: "500103", Self.b: "500105", SiteKey(operator: .cmcc, code: "C"): "500105", SiteKey(operator: .cmcc, code: "D"): "500105"]
        let apart = Self.mismatch(.apart, Self.b, Self.t2, since: 5, "x", "y")
        let missing = Self.mismatch(.towerMissing, SiteKey(operator: .cmcc, code: "D"), nil, since: 5, "new_tower", nil)
        var queue = Reconciliation.queue([apart, missing], regions: regions, resolutions: [])
        var rates = Reconciliation.rates(pairing, queue: queue, regions: regions)
        // A missing tower is not a paired site: it does not count in the rate.
        #expect(rates.city == Reconciliation.Rate(paired: 3, agreeing: 2))
        #expect(rates.byRegion["500105"] == Reconciliation.Rate(paired: 2, agreeing: 1) && rates.byRegion["500103"] == Reconciliation.Rate(paired: 1, agreeing: 1))
        #expect(rates.byOperator["cmcc"] == Reconciliation.Rate(paired: 2, agreeing: 2) && rates.byOperator["ctcc"]?.value == 0)
        // Resolved: it agrees again as far as the rate goes.
        queue = Reconciliation.queue([apart, missing], regions: regions, resolutions: [Self.resolution(apart, "x", "y", day: 6)])
        rates = Reconciliation.rates(pairing, queue: queue, regions: regions)
        #expect(rates.city.agreeing == 3 && rates.city.value == 1)
        #expect(Reconciliation.Rate().value == nil)
    }

    @Test func aTimelineGivesTheRecordOfAnyMoment() {
        let t = Reconciliation.Timeline(key: Self.a, regionCode: "500103", lat: 29.5, lon: 106.5, host: .newTower, towerSiteCode: "T1",
                                        steps: [TimelineStep(at: Self.at(0), stage: .planned), TimelineStep(at: Self.at(10), stage: .civilDone),
                                                TimelineStep(at: Self.at(20), stage: .installed)])
        #expect(t.record(at: Cutoff(before: Self.at(0))) == nil)
        let mid = t.record(at: Cutoff(before: Self.at(15)))
        #expect(mid?.stage == .civilDone && mid?.stageSince == Self.at(10) && mid?.registeredAt == Self.at(0) && mid?.towerSiteCode == "T1")
        #expect(t.record(at: .including(Self.at(20)))?.stage == .installed)
    }
}
