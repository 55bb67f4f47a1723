import Testing
@testable import RolloutCore

/// The timeline of verification (each site's standing as a step function of the as-of instant)
/// against the fold of the whole log as of each instant, on random logs whose facts come out of
/// field order, with rules switched on and off and spot checks that draw several sites.
@Suite struct VerificationTimelineTests {
    @Test func theTimelineTalliesAndOpeningsEqualTheFoldAsOfAnyInstant() {
        var r = SeededRandom(seed: 77)
        for round in 0..<300 {
            var log = VerificationFoldTests.randomLog(&r)
            // Now and then a spot check draws several sites at once.
            for i in log.indices where r.chance(0.05) {
                let sites = (0..<3).map { SiteKey(operator: $0 == 0 ? .ctcc : .cmcc, code: "S\(Int.random(in: 0..<8, using: &r))") }
                log[i] = LoggedEvent(seq: log[i].seq, event: NewEvent(.spotCheckDrawn(SpotCheck(week: 1, seed: 1, rate: 0.1, sites: sites)),
                                                                      occurredAt: log[i].event.occurredAt, recordedAt: log[i].event.recordedAt, actor: "a"))
            }
            if round % 3 == 1 { log.shuffle(using: &r) }
            let regionOf = Dictionary(uniqueKeysWithValues: (0..<8).flatMap { i in
                [Operator.cmcc, .ctcc].map { (SiteKey(operator: $0, code: "S\(i)"), i < 5 ? "500101" : "500102") }
            })
            let timeline = VerificationTimeline(log, regionOf: regionOf)
            // Every field instant of the log, either side, and a few others.
            var instants = log.flatMap { [$0.event.occurredAt.seconds, $0.event.occurredAt.seconds + 1] }
            instants += (0..<5).map { _ in VerificationFoldTests.at(Int.random(in: 0..<260, using: &r)).seconds }
            for t in Set(instants) where r.chance(0.3) {
                let asOf = Cutoff(before: Instant(seconds: t))
                let fold = Verification(log, at: ReadMoment(asOf: asOf))
                #expect(timeline.tally(at: asOf) == VerificationTally(fold, regionOf: regionOf), "round \(round) as of \(t)")
                let rejected = fold.openings.values.filter { $0.isCurrent && $0.state == .rejected }.sorted { $0.site.code < $1.site.code }
                let picked = timeline.sites(at: asOf) { _, s in s == .rejected }
                let openings = picked.compactMap { site in timeline.opening(of: site, own: log.filter { VerificationTimeline.sites(of: $0).contains(site) }, at: ReadMoment(asOf: asOf)) }
                #expect(openings.sorted { $0.site.code < $1.site.code } == rejected, "round \(round) as of \(t)")
                #expect(timeline.rule(at: ReadMoment(asOf: asOf)) == fold.rule)
            }
        }
    }
}
