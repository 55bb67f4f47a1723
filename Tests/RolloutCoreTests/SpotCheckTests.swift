import Testing
@testable import RolloutCore

/// The weekly spot check: ⌈n × rate⌉ of each operator's openings accepted the week before, the same
/// sites whenever it is drawn again from the same openings and seed, and the drawn ones in the queue.
@Suite struct SpotCheckTests {
    static func sites(_ op: Operator, _ n: Int) -> [SiteKey] { (0..<n).map { SiteKey(operator: op, code: String(format: "S%03d", $0)) } }

    @Test func eachOperatorsShareIsDrawnTheSameWayEachTime() {
        let candidates = Self.sites(.cmcc, 100) + Self.sites(.ctcc, 7) + Self.sites(.tower, 1)
        let seed = SpotCheck.seed(week: 18_400)
        let drawn = SpotCheck.draw(candidates, rate: 0.05, seed: seed)
        #expect(drawn.filter { $0.operator == .cmcc }.count == 5 && drawn.filter { $0.operator == .ctcc }.count == 1
                && drawn.filter { $0.operator == .tower }.count == 1)
        #expect(Set(drawn).count == drawn.count && Set(drawn).isSubset(of: Set(candidates)))
        // Re-derived from the same openings in any order, and the seed: the same sites.
        #expect(SpotCheck.draw(candidates.reversed(), rate: 0.05, seed: seed) == drawn)
        #expect(SpotCheck.draw(candidates, rate: 0.05, seed: SpotCheck.seed(week: 18_407)) != drawn, "another week, another draw")
        #expect(SpotCheck.draw(candidates, rate: 0, seed: seed).isEmpty && SpotCheck.draw([], rate: 0.5, seed: seed).isEmpty)
        #expect(SpotCheck.draw(candidates, rate: 0.5, seed: seed).count == 50 + 4 + 1)
        // Every site of a large pool is drawn about as often as any other over many weeks.
        var hits: [String: Int] = [:]
        for w in 0..<2_000 { for s in SpotCheck.draw(Self.sites(.cmcc, 20), rate: 0.1, seed: SpotCheck.seed(week: w)) { hits[s.code, default: 0] += 1 } }
        #expect(hits.count == 20 && hits.values.allSatisfy { (150...250).contains($0) }, "\(hits.values.sorted())")
        // Mondays.
        let thursday = ShanghaiCalendar.dayNumber(year: 2020, month: 6, day: 11)!
        #expect(ShanghaiCalendar.dateString(SpotCheck.monday(of: thursday)) == "2020-06-08" && SpotCheck.monday(of: thursday - 3) == thursday - 3)
    }

    @Test func aDrawnAcceptedOpeningJoinsTheQueueAndTheCandidatesAreLastWeeksAcceptedOnes() {
        let a = SiteKey(operator: .cmcc, code: "A"), b = SiteKey(operator: .cmcc, code: "B")
        func at(_ d: Int) -> Instant { ShanghaiCalendar.parseInstant(String(format: "2020-06-%02dT10:00:00+08:00", d))! }
        func photo(_ s: SiteKey) -> EvidencePhoto {
            EvidencePhoto(site: s, stage: .onAir, sha256: s.code, previewSha256: "p", bytes: 1, width: 1, height: 1, takenAt: nil, latitude: nil,
                          longitude: nil, distanceMetres: nil, failures: [])
        }
        let week = ShanghaiCalendar.dayNumber(year: 2020, month: 6, day: 8)!
        let items: [(EventBody, Instant)] = [
            (.evidenceRuleSet(EvidenceRule()), at(1)),
            (.stageReported(site: a, stage: .onAir, note: nil), at(2)), (.evidenceAttached(photo(a)), at(3)),       // accepted the week before
            (.stageReported(site: b, stage: .onAir, note: nil), at(8)), (.evidenceAttached(photo(b)), at(9)),       // accepted this week
        ]
        var log = items.enumerated().map { i, e in LoggedEvent(seq: Int64(i + 1), event: NewEvent(e.0, occurredAt: e.1, recordedAt: e.1, actor: "t")) }
        let monday = Verification(log, at: ReadMoment(asOf: Cutoff(before: ShanghaiCalendar.start(of: week))))
        #expect(SpotCheck.candidates(monday, week: week) == [a])
        log.append(LoggedEvent(seq: 9, event: NewEvent(.spotCheckDrawn(SpotCheck(week: week, seed: 1, rate: 1, sites: [a])), occurredAt: ShanghaiCalendar.start(of: week),
                                                       recordedAt: at(10), actor: "system")))
        let after = Verification(log, at: ReadMoment(asOf: .including(at(10))))
        #expect(after.openings[a]?.state == .inQueue && after.openings[a]?.drawn == true && after.openings[b]?.state == .accepted)
        #expect(after.spotChecks[week]?.sites == [a])
    }
}
