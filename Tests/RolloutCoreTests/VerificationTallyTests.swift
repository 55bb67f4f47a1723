import Testing
@testable import RolloutCore

/// The verified side of the counts: openings that needed evidence counted by operator and region
/// with their shares and the median days to a decision, against a plain count; and the ranking
/// under each basis (the verified one drops the unverified sites from what the rank counts).
@Suite struct VerificationTallyTests {
    typealias V = VerificationTests

    @Test func theTallyIsAPlainCountOfTheOpeningsThatNeededEvidence() throws {
        let d = SiteKey(operator: .ctcc, code: "D"), e = SiteKey(operator: .cmcc, code: "E")
        let events = V.log([
            (.stageReported(site: V.c, stage: .onAir, note: nil), 1),                   // before evidence: not counted
            (.evidenceRuleSet(EvidenceRule()), 2),
            (.stageReported(site: V.a, stage: .onAir, note: nil), 3),
            (.stageReported(site: V.b, stage: .onAir, note: nil), 3),
            (.stageReported(site: d, stage: .onAir, note: nil), 3),
            (.stageReported(site: e, stage: .onAir, note: nil), 3),                    // awaiting evidence
            (.evidenceAttached(V.photo(V.a)), 4),                                       // accepted
            (.evidenceAttached(V.photo(V.b, [.tooFar])), 4),
            (.evidenceAttached(V.photo(d, [.gpsMissing])), 4),
            (.verificationDecided(site: V.b, decision: .verified(note: "")), 6),       // 3 days after its report
            (.verificationDecided(site: d, decision: .rejected(reason: "x")), 10),      // 7 days
            (.stageRolledBack(site: d, stage: .installed, reason: "x"), 10),
        ])
        let v = Verification(events, at: ReadMoment(asOf: .including(V.at(20))))
        let regionOf = [V.a: "R1", V.b: "R1", V.c: "R1", d: "R2", e: "R2"]
        let t = VerificationTally(v, regionOf: regionOf)
        #expect(t.city.openings == 4 && t.city.verified == 2 && t.city.unverified == 1)
        #expect(t.city.count(.rejected) == 1 && t.city.count(.awaitingEvidence) == 1 && t.city.count(.beforeEvidence) == 0)
        #expect(t.city.share(.accepted) == 0.25 && t.city.verifiedShare == 0.5 && t.city.medianDaysToDecision == 5)
        #expect(t.region("R1").verified == 2 && t.region("R1").openings == 2 && t.region("R2").openings == 2 && t.region("R2").unverified == 1)
        #expect(t.operator("ctcc").openings == 1 && t.operator("ctcc").share(.rejected) == 1 && t.operator("ctcc").medianDaysToDecision == 7)
        #expect(t.cell(region: "R2", operator: "cmcc").unverified == 1 && t.cell(region: "R9", operator: "cmcc").openings == 0)
        // The same numbers by a plain pass over the openings.
        let needing = v.current.filter(\.needsEvidence)
        #expect(t.city.openings == needing.count && t.city.verified == needing.filter { $0.state == .accepted || $0.state == .verified }.count)
        // Before any decision there is no median; before evidence no opening at all.
        #expect(VerificationTally(Verification(events, at: ReadMoment(asOf: .including(V.at(5)))), regionOf: regionOf).city.medianDaysToDecision == nil)
        #expect(VerificationTally(Verification(events, at: ReadMoment(asOf: .including(V.at(1, 23)))), regionOf: regionOf).city.openings == 0)
    }

    @Test func theVerifiedBasisRanksByProgressLessTheUnverifiedSites() throws {
        // A leads on reported progress but most of it is unverified; B's is all backed.
        var regions = [QuotaMoveTests.region("A", target: 100, progress: 90, expected: 0), QuotaMoveTests.region("B", target: 100, progress: 70, expected: 0)]
        regions[1].operators = [OperatorFigures(operator: "cmcc", target: nil, built: 70, progress: 70, sites: 70)]
        Figures.rank(&regions)
        #expect(regions.map(\.rank) == [1, 2])
        let events = V.log([(.evidenceRuleSet(EvidenceRule()), 1)] + (0..<30).map { i in (EventBody.stageReported(site: SiteKey(operator: .cmcc, code: "A\(i)"), stage: .onAir, note: nil), 2) }
                           + [(.stageReported(site: V.b, stage: .onAir, note: nil), 2), (.evidenceAttached(V.photo(V.b)), 3)])
        var regionOf = Dictionary(uniqueKeysWithValues: (0..<30).map { (SiteKey(operator: .cmcc, code: "A\($0)"), "A") })
        regionOf[V.b] = "B"
        let tally = VerificationTally(Verification(events, at: ReadMoment(asOf: .including(V.at(4)))), regionOf: regionOf)
        let summary = Summary(campaign: "c", start: "", deadline: "", asOf: "", knownAt: nil, target: 200, built: 160, builtAtStart: 0,
                              progress: 160, completion: nil, sites: 0, stages: [:], openObstacles: 0, openObstaclesByCategory: [:],
                              forecast: Forecast(method: "stage_durations", pacePerDay: 1, expectedAtDeadline: 0))
        let reported = Figures.withVerification((summary, regions), tally: tally, basis: .reported)
        #expect(reported.regions.map(\.rank) == [1, 2] && reported.regions.map(\.rankedProgress) == [90, 70] && reported.summary.rankBasis == "reported")
        #expect(reported.summary.verified == 1 && reported.summary.unverified == 30 && reported.regions.map(\.unverified) == [30, 0])
        #expect(reported.regions[1].operators.first?.verified == 1)
        let verified = Figures.withVerification((summary, regions), tally: tally, basis: .verified)
        #expect(verified.regions.map(\.rankedProgress) == [60, 70] && verified.regions.map(\.rank) == [2, 1] && verified.regions.allSatisfy { $0.rankBasis == "verified" })
        // What the rank counts drives supervision proposals too: A falls below its share only under the verified basis.
        let rule = Supervision.Rule(share: 0.65, consecutive: 1)
        #expect(Supervision.proposals(rule: rule, bulletins: [(reported.regions, 1.0)], listed: []) == [])
        #expect(Supervision.proposals(rule: rule, bulletins: [(verified.regions, 1.0)], listed: []) == ["A"])
    }
}
