import Testing
@testable import RolloutCore

/// What a reported opening becomes: before evidence, awaiting it, accepted, in the queue,
/// verified or rejected; who may decide; a rejection holds until a new report.
@Suite struct VerificationTests {
    static func at(_ day: Int, _ hour: Int = 10) -> Instant { ShanghaiCalendar.parseInstant(String(format: "2020-05-%02dT%02d:00:00+08:00", day, hour))! }
    static let a = SiteKey(operator: .cmcc, code: "A"), b = SiteKey(operator: .cmcc, code: "B"), c = SiteKey(operator: .ctcc, code: "C")

    static func photo(_ site: SiteKey, _ failures: [EvidenceChecks.Failure] = [], sha: String = "s") -> EvidencePhoto {
        EvidencePhoto(site: site, stage: .onAir, sha256: sha + site.code, previewSha256: "p", bytes: 10, width: 4, height: 3, takenAt: nil,
                      latitude: nil, longitude: nil, distanceMetres: nil, failures: failures)
    }

    static func log(_ items: [(EventBody, Int)]) -> [LoggedEvent] {
        items.enumerated().map { i, e in LoggedEvent(seq: Int64(i + 1), event: NewEvent(e.0, occurredAt: at(e.1), recordedAt: at(e.1), actor: "x\(i)")) }
    }

    static func state(_ v: Verification, _ site: SiteKey) -> Verification.State? { v.openings[site]?.state }

    @Test func anOpeningGoesFromAwaitingToAcceptedOrTheQueueAndOnToADecision() throws {
        let events = Self.log([
            (.stageReported(site: Self.c, stage: .onAir, note: nil), 1),              // before evidence
            (.evidenceRuleSet(EvidenceRule()), 2),
            (.stageReported(site: Self.a, stage: .onAir, note: nil), 3),
            (.stageReported(site: Self.b, stage: .accepted, note: nil), 3),            // a jump past on air opens too
            (.evidenceAttached(Self.photo(Self.a, [.tooFar])), 4),
            (.evidenceAttached(Self.photo(Self.b)), 4),
            (.evidenceAttached(Self.photo(Self.a, [])), 5),                            // a good photo after a bad one: accepted
            (.evidenceAttached(Self.photo(Self.c)), 5),
        ])
        let may3 = Verification(events, at: ReadMoment(asOf: .including(Self.at(3, 23))))
        #expect(Self.state(may3, Self.a) == .awaitingEvidence && Self.state(may3, Self.b) == .awaitingEvidence && Self.state(may3, Self.c) == .beforeEvidence)
        let may4 = Verification(events, at: ReadMoment(asOf: .including(Self.at(4, 23))))
        #expect(Self.state(may4, Self.a) == .inQueue && Self.state(may4, Self.b) == .accepted && may4.queue.map(\.site) == [Self.a])
        let may5 = Verification(events, at: ReadMoment(asOf: .including(Self.at(5, 23))))
        #expect(Self.state(may5, Self.a) == .accepted && Self.state(may5, Self.c) == .beforeEvidence && may5.queue.isEmpty)
        #expect(may5.current.filter { $0.state.countsVerified }.count == 2)
        // The district of the region or a verifier decides on what is in the queue; a rejection needs a reason.
        let district = Principal(account: "d", role: .district, region: "500103")
        func code(_ f: () throws -> Void) -> String? { do { try f(); return nil } catch let e as RolloutError { return e.code } catch { return "?" } }
        #expect(code { try may4.check(.verified(note: ""), on: Self.a, region: "500103", by: district) } == nil)
        #expect(code { try may4.check(.verified(note: ""), on: Self.a, region: "500101", by: district) } == "not_your_region")
        #expect(code { try may4.check(.verified(note: ""), on: Self.a, region: "500101", by: Principal(account: "v", role: .verifier)) } == nil)
        #expect(code { try may4.check(.verified(note: ""), on: Self.a, region: "500103", by: Principal(account: "m", role: .operator, operator: .cmcc)) } == "forbidden")
        #expect(code { try may4.check(.rejected(reason: " "), on: Self.a, region: "500103", by: district) } == "reason_required")
        #expect(code { try may4.check(.verified(note: ""), on: Self.b, region: "500103", by: district) } == "not_in_queue")
        #expect(code { try may4.check(.verified(note: ""), on: SiteKey(operator: .cucc, code: "Z"), region: "500103", by: district) } == "no_opening")
    }

    @Test func aRejectionHoldsUntilANewReportAndADecisionIsFinal() {
        var items: [(EventBody, Int)] = [
            (.evidenceRuleSet(EvidenceRule()), 1),
            (.stageReported(site: Self.a, stage: .onAir, note: nil), 2),
            (.evidenceAttached(Self.photo(Self.a, [.gpsMissing])), 2),
            (.verificationDecided(site: Self.a, decision: .rejected(reason: "照片不是本站")), 3),
            (.stageRolledBack(site: Self.a, stage: .installed, reason: "核验未通过"), 3),
            (.verificationDecided(site: Self.a, decision: .verified(note: "")), 4),      // a second decision changes nothing
        ]
        var v = Verification(Self.log(items), at: ReadMoment(asOf: .including(Self.at(4, 23))))
        #expect(Self.state(v, Self.a) == .rejected && v.openings[Self.a]?.decidedBy == "x3" && v.current.count == 1)
        // A new report opens it again, awaiting evidence.
        items.append((.stageReported(site: Self.a, stage: .onAir, note: nil), 6))
        v = Verification(Self.log(items), at: ReadMoment(asOf: .including(Self.at(6, 23))))
        #expect(Self.state(v, Self.a) == .awaitingEvidence && v.openings[Self.a]?.photos.isEmpty == true)
        // As known before the rejection, it was in the queue.
        let before = Verification(Self.log(items), at: ReadMoment(asOf: .including(Self.at(6, 23)), knownAt: Cutoff(before: Self.at(3))))
        #expect(Self.state(before, Self.a) == .inQueue)
        // Switched off: a new opening needs nothing.
        items.append((.evidenceRuleSet(EvidenceRule(required: false)), 7))
        items.append((.stageReported(site: Self.b, stage: .onAir, note: nil), 8))
        v = Verification(Self.log(items), at: ReadMoment(asOf: .including(Self.at(8, 23))))
        #expect(Self.state(v, Self.b) == .beforeEvidence)
        #expect(throws: RolloutError.self) { try EvidenceRule(spotCheckRate: 0.9).validated() }
        #expect(throws: RolloutError.self) { try EvidenceRule(checks: .init(maxDistanceMetres: 1)).validated() }
    }
}
