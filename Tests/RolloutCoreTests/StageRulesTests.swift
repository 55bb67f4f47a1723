import Testing
@testable import RolloutCore

/// The stage rules of the import contract, as the fold applies them.
@Suite struct StageRulesTests {
    let t0 = Instant(seconds: 1_590_000_000)
    func at(_ days: Int) -> Instant { t0.adding(days: days) }

    @Test func stagesAreInTheBriefsOrderAndBuiltFromOnAir() {
        #expect(Stage.allCases.map(\.rawValue) == ["planned", "site_secured", "designed", "civil_done", "power_ready",
                                                   "transmission_ready", "installed", "on_air", "accepted"])
        #expect(Stage.allCases.filter(\.isBuilt) == [.onAir, .accepted])
        #expect(Stage(codeOrName: "开通") == .onAir)
        #expect(Stage(codeOrName: "验收入网") == .accepted)
        #expect(Stage(codeOrName: "nope") == nil)
    }

    @Test func aForwardJumpImpliesTheStagesInBetween() {
        let steps = SiteTimeline.fold(registeredAt: at(0), changes: [StageChange(.report, .onAir, at: at(5), seq: 1)])
        #expect(steps == [TimelineStep(at: at(0), stage: .planned), TimelineStep(at: at(5), stage: .onAir)])
        // Counted as built from the jump on, never before it.
        #expect(SiteTimeline.stage(of: steps, at: Cutoff.including(at(4))) == .planned)
        #expect(SiteTimeline.stage(of: steps, at: Cutoff.including(at(5))) == .onAir)
    }

    @Test func aReportOfAStageAlreadyPassedChangesNothing() {
        let steps = SiteTimeline.fold(registeredAt: at(0), changes: [
            StageChange(.report, .installed, at: at(3), seq: 1),
            StageChange(.report, .designed, at: at(4), seq: 2),
        ])
        #expect(steps.last?.stage == .installed)
        #expect(steps.count == 2)
    }

    @Test func onlyARollbackMovesBack() {
        let steps = SiteTimeline.fold(registeredAt: at(0), changes: [
            StageChange(.report, .installed, at: at(3), seq: 1),
            StageChange(.rollback, .civilDone, at: at(4), seq: 2),
            StageChange(.report, .onAir, at: at(6), seq: 3),
        ])
        #expect(steps.map(\.stage) == [.planned, .installed, .civilDone, .onAir])
        // A rollback to a stage the site has not reached changes nothing.
        let none = SiteTimeline.fold(registeredAt: at(0), changes: [StageChange(.rollback, .installed, at: at(1), seq: 1)])
        #expect(none.map(\.stage) == [.planned])
    }

    @Test func aRollbackWithoutAReasonIsRefused() throws {
        var ledger = Ledger()
        let key = SiteKey(operator: .cmcc, code: "A1")
        try ledger.apply(LoggedEvent(seq: 1, event: NewEvent(.siteRegistered(Fixtures.registration(key)), occurredAt: at(0), recordedAt: at(0), actor: "t")))
        #expect(throws: RolloutError("rollback_needs_reason", ["value": "planned"])) {
            try ledger.apply(LoggedEvent(seq: 2, event: NewEvent(.stageRolledBack(site: key, stage: .planned, reason: "  "),
                                                                 occurredAt: at(1), recordedAt: at(1), actor: "t")))
        }
    }

    @Test func aLateReportDatedEarlierIsPlacedInFieldOrder() {
        // on_air reported first, then (late) civil_done dated before it: the timeline has both in field order.
        let steps = SiteTimeline.fold(registeredAt: at(0), changes: [
            StageChange(.report, .onAir, at: at(10), seq: 1),
            StageChange(.report, .civilDone, at: at(5), seq: 2),
        ])
        #expect(steps.map(\.stage) == [.planned, .civilDone, .onAir])
        #expect(steps.map(\.at) == [at(0), at(5), at(10)])
    }

    @Test func reportsForUnknownSitesAndDuplicateSitesAreRefused() throws {
        var ledger = Ledger()
        let key = SiteKey(operator: .ctcc, code: "X")
        #expect(throws: RolloutError.self) {
            try ledger.apply(LoggedEvent(seq: 1, event: NewEvent(.stageReported(site: key, stage: .onAir, note: nil), occurredAt: at(1), recordedAt: at(1), actor: "t")))
        }
        try ledger.apply(LoggedEvent(seq: 2, event: NewEvent(.siteRegistered(Fixtures.registration(key)), occurredAt: at(0), recordedAt: at(0), actor: "t")))
        #expect(throws: RolloutError.self) {
            try ledger.apply(LoggedEvent(seq: 3, event: NewEvent(.siteRegistered(Fixtures.registration(key)), occurredAt: at(0), recordedAt: at(0), actor: "t")))
        }
    }

    @Test func aResentEventHasTheSameDedupKey() {
        let key = SiteKey(operator: .cucc, code: "S")
        let a = NewEvent(.stageReported(site: key, stage: .onAir, note: nil), occurredAt: at(1), recordedAt: at(2), actor: "a")
        let b = NewEvent(.stageReported(site: key, stage: .onAir, note: nil), occurredAt: at(1), recordedAt: at(9), actor: "b")
        let c = NewEvent(.stageReported(site: key, stage: .onAir, note: nil), occurredAt: at(3), recordedAt: at(9), actor: "b")
        #expect(a.dedupKey == b.dedupKey)
        #expect(a.dedupKey != c.dedupKey)
    }

    @Test func obstaclesOpenAndResolveInOrder() throws {
        var ledger = Ledger()
        let open = ObstacleOpening(org: "cmcc", ref: "R1", site: nil, regionCode: "500101", operator: .cmcc, category: .power,
                                   responsible: "电力公司", description: "<script>alert(1)</script>")
        try ledger.apply(LoggedEvent(seq: 1, event: NewEvent(.obstacleOpened(open), occurredAt: at(2), recordedAt: at(2), actor: "t")))
        #expect(throws: RolloutError("resolved_before_opened")) {
            try ledger.apply(LoggedEvent(seq: 2, event: NewEvent(.obstacleResolved(org: "cmcc", ref: "R1"), occurredAt: at(1), recordedAt: at(3), actor: "t")))
        }
        try ledger.apply(LoggedEvent(seq: 3, event: NewEvent(.obstacleResolved(org: "cmcc", ref: "R1"), occurredAt: at(4), recordedAt: at(4), actor: "t")))
        #expect(ledger.deltas.filter { $0.key.metric == Metric.openObstacles(.power) }.map(\.delta) == [1, -1])
        #expect(ledger.deltas.filter { $0.key.metric.hasPrefix(Metric.resolvedInPrefix) }.map(\.delta) == [1])
        #expect(throws: RolloutError.self) {
            try ledger.apply(LoggedEvent(seq: 4, event: NewEvent(.obstacleResolved(org: "cmcc", ref: "R9"), occurredAt: at(4), recordedAt: at(4), actor: "t")))
        }
    }
}

enum Fixtures {
    static func registration(_ key: SiteKey, region: String = "500101") -> SiteRegistration {
        SiteRegistration(site: key, regionCode: region, name: "站 \(key.code)", lat: 30.8, lon: 108.37, kind: .macro)
    }
}
