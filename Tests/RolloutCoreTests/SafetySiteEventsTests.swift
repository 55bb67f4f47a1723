import Testing
@testable import RolloutCore

/// A site's findings folded from its own findings' events are those the fold of the whole log
/// gives it, at every moment, as known now and earlier.
@Suite struct SafetySiteEventsTests {
    @Test func aSitesOwnEventsFoldToItsFindings() {
        var rng = SeededRandom(seed: 12)
        let sites = (0..<5).map { SiteKey(operator: $0 % 2 == 0 ? .cmcc : .ctcc, code: "S\($0)") }
        let start = ShanghaiCalendar.parseInstant("2020-05-01")!
        var seen: Set<String> = []
        for round in 0..<30 {
            var items: [(EventBody, Instant, Instant)] = []
            var refs: [String] = []
            for i in 0..<(10 + round) {
                let at = start.adding(seconds: Int64(rng.unit() * 20 * 86_400)), recorded = at.adding(seconds: Int64(rng.unit() * 3 * 86_400))
                if refs.isEmpty || rng.unit() < 0.4 {
                    // A new reference, or now and then one already used (recorded again, for another site or none).
                    let ref = !refs.isEmpty && rng.unit() < 0.15 ? refs[Int(rng.unit() * Double(refs.count))] : "F\(round)-\(i)"
                    refs.append(ref)
                    let site: SiteKey? = rng.unit() < 0.9 ? sites[Int(rng.unit() * Double(sites.count))] : nil
                    var f = SafetyTests.finding(ref, rng.unit() < 0.5 ? .major : .general, site: site)
                    f.deadline = at.adding(days: 3)
                    items.append((.findingRecorded(f), at, recorded))
                } else {
                    let ref = refs[Int(rng.unit() * Double(refs.count))]
                    let steps: [SafetyFinding.Step] = [.rectified(note: "r"), .accepted(note: "a"), .reopened(note: "o", deadline: at.adding(days: 2)),
                                                       .escalated(deadline: at)]
                    items.append((.findingStep(ref: ref, step: steps[Int(rng.unit() * Double(steps.count))]), at, recorded))
                }
            }
            let log = items.enumerated().map { i, e in LoggedEvent(seq: Int64(i + 1), event: NewEvent(e.0, occurredAt: e.1, recordedAt: e.2, actor: "t")) }
            for day in stride(from: 0.0, through: 24, by: 1.7) {
                let t = start.adding(seconds: Int64(day * 86_400))
                for moment in [ReadMoment(asOf: Cutoff(before: t)), ReadMoment(asOf: Cutoff(before: t), knownAt: Cutoff(before: t.adding(days: -1)))] {
                    let whole = Safety(log, at: moment)
                    for site in sites {
                        let own = Safety(Safety.events(log, of: site), at: moment)
                        let expected = whole.findings.filter { $0.value.finding.site == site }
                        #expect(own.findings.filter { $0.value.finding.site == site } == expected, "round \(round), day \(day), \(site)")
                        #expect(own.stopWork(site, at: t) == whole.stopWork(site, at: t))
                        if !expected.isEmpty { seen.insert("findings") }
                        if whole.stopWork(site, at: t) != nil { seen.insert("stopped") }
                        if expected.values.contains(where: { $0.status == .closed }) { seen.insert("closed") }
                    }
                }
            }
        }
        #expect(seen == ["findings", "stopped", "closed"])
    }
}
