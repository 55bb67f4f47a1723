import Testing
@testable import RolloutCore

/// Listed supervision: every transition, allowed and refused; the fold at a moment; the rule.
@Suite struct SupervisionTests {
    static let t0 = Instant(seconds: 1_590_000_000)
    static func at(_ days: Int) -> Instant { t0.adding(days: days) }

    func code(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch let e as RolloutError { return e.code } catch { return "\(error)" }
    }

    @Test func everyTransitionIsAllowedOrRefusedAsTheRulesSay() throws {
        let listed = try Supervision.apply(.listed(deadline: Self.at(14), rectification: " 加快进场协调 "), region: "500103", to: nil, at: Self.at(0))
        #expect(listed.rectification == "加快进场协调" && listed.isActive && listed.deadline == Self.at(14))
        // Not listed: only listing.
        #expect(code { try Supervision.apply(.reviewed(note: "n", deadline: nil), region: "500103", to: nil, at: Self.at(1)) } == "supervision_not_listed")
        #expect(code { try Supervision.apply(.delisted(reason: "r"), region: "500103", to: nil, at: Self.at(1)) } == "supervision_not_listed")
        #expect(code { try Supervision.apply(.listed(deadline: Self.at(0), rectification: "x"), region: "500103", to: nil, at: Self.at(0)) } == "supervision_deadline_past")
        #expect(code { try Supervision.apply(.listed(deadline: Self.at(9), rectification: "  "), region: "500103", to: nil, at: Self.at(0)) } == "supervision_rectification_required")
        // Listed: review (with or without a new deadline) and delist; not listed again.
        #expect(code { try Supervision.apply(.listed(deadline: Self.at(20), rectification: "x"), region: "500103", to: listed, at: Self.at(1)) } == "supervision_already_listed")
        let reviewed = try Supervision.apply(.reviewed(note: "进度好转", deadline: Self.at(21)), region: "500103", to: listed, at: Self.at(14))
        #expect(reviewed.deadline == Self.at(21) && reviewed.reviews.count == 1)
        #expect(code { try Supervision.apply(.reviewed(note: "", deadline: nil), region: "500103", to: listed, at: Self.at(2)) } == "supervision_note_required")
        #expect(code { try Supervision.apply(.reviewed(note: "n", deadline: Self.at(1)), region: "500103", to: listed, at: Self.at(2)) } == "supervision_deadline_past")
        #expect(code { try Supervision.apply(.delisted(reason: " "), region: "500103", to: listed, at: Self.at(2)) } == "supervision_reason_required")
        let delisted = try Supervision.apply(.delisted(reason: "完成整改"), region: "500103", to: reviewed, at: Self.at(20))
        #expect(!delisted.isActive && delisted.delistReason == "完成整改")
        // Delisted: like not listed (it may be listed again, not reviewed or delisted).
        #expect(code { try Supervision.apply(.delisted(reason: "r"), region: "500103", to: delisted, at: Self.at(21)) } == "supervision_not_listed")
        #expect(try Supervision.apply(.listed(deadline: Self.at(40), rectification: "x"), region: "500103", to: delisted, at: Self.at(21)).isActive)
        // Overdue once the deadline passes while listed.
        #expect(!listed.isOverdue(at: Self.at(13)) && listed.isOverdue(at: Self.at(14)) && !delisted.isOverdue(at: Self.at(30)))
    }

    @Test func theListingsAtAMomentAreTheFoldOfTheEventsUpToThen() {
        func e(_ seq: Int64, _ body: EventBody, _ day: Int, recorded: Int? = nil) -> LoggedEvent {
            LoggedEvent(seq: seq, event: NewEvent(body, occurredAt: Self.at(day), recordedAt: Self.at(recorded ?? day), actor: "office"))
        }
        let log = [e(1, .supervision(region: "A", step: .listed(deadline: Self.at(10), rectification: "r")), 0),
                   e(2, .supervision(region: "B", step: .listed(deadline: Self.at(10), rectification: "r")), 1),
                   e(3, .supervision(region: "A", step: .delisted(reason: "ok")), 5, recorded: 8),
                   e(4, .supervisionRuleSet(Supervision.Rule(share: 0.5, consecutive: 3)), 6)]
        let day3 = ReadMoment(asOf: .including(Self.at(3)))
        #expect(Set(Supervision.listings(log, at: day3).values.filter(\.isActive).map(\.region)) == ["A", "B"])
        let day7 = ReadMoment(asOf: .including(Self.at(7)))
        #expect(Set(Supervision.listings(log, at: day7).values.filter(\.isActive).map(\.region)) == ["B"])
        // As known on day 7, the delisting (recorded on day 8) was not known yet.
        let known7 = ReadMoment(asOf: .including(Self.at(7)), knownAt: .including(Self.at(7)))
        #expect(Set(Supervision.listings(log, at: known7).values.filter(\.isActive).map(\.region)) == ["A", "B"])
        #expect(Supervision.rule(log, at: day3) == .standard && Supervision.rule(log, at: day7) == Supervision.Rule(share: 0.5, consecutive: 3))
    }

    @Test func theRuleProposesRegionsBehindInEachOfTheLastBulletins() {
        func r(_ code: String, _ target: Int, _ progress: Int) -> RegionFigures {
            RegionFigures(regionCode: code, name: code, nameEn: code, kind: "district", target: target, due: nil, built: progress, builtAtStart: 0,
                          progress: progress, completion: nil, rank: 1, sites: 0, stages: [:], openObstacles: 0, operators: [],
                          forecast: Forecast(method: "m", pacePerDay: 0, expectedAtDeadline: 0), rankedProgress: progress)
        }
        // At half time a region is behind below 0.6 × 0.5 × target = 30 of 100.
        let first = (regions: [r("A", 100, 20), r("B", 100, 25), r("C", 100, 50)], elapsed: 0.5)
        let second = (regions: [r("A", 100, 35), r("B", 100, 40), r("C", 100, 70)], elapsed: 0.6)  // below 36
        #expect(Supervision.proposals(rule: .standard, bulletins: [first, second], listed: []) == ["A"])
        #expect(Supervision.proposals(rule: .standard, bulletins: [first, second], listed: ["A"]) == [])
        #expect(Supervision.proposals(rule: .standard, bulletins: [second], listed: []) == [], "two bulletins in a row are needed")
        #expect(Supervision.proposals(rule: Supervision.Rule(share: 0.6, consecutive: 1), bulletins: [first], listed: []) == ["A", "B"])
        #expect(throws: RolloutError.self) { try Supervision.Rule(share: 1.5, consecutive: 2).validated() }
        #expect(throws: RolloutError.self) { try Supervision.Rule(share: 0.6, consecutive: 0).validated() }
    }
}
