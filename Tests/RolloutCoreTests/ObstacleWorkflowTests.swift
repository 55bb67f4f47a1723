import Foundation
import RolloutTexts
import Testing
@testable import RolloutCore

/// Network-wide dispatching: every transition, allowed and refused; the clock with pauses and
/// reopenings; the fold at a moment; the routing table; who may take which step; the ledger's
/// enforcement and the open-obstacle counter.
@Suite struct ObstacleWorkflowTests {
    static let t0 = Instant(seconds: 1_590_000_000)
    static func at(_ days: Double) -> Instant { t0.adding(seconds: Int64(days * 86_400)) }
    static func mark(_ what: ObstacleMark.What, _ day: Double, recorded: Double? = nil, actor: String = "office") -> ObstacleMark {
        ObstacleMark(what, at: at(day), recordedAt: at(recorded ?? day), actor: actor)
    }
    static let opening = ObstacleOpening(org: "cmcc", ref: "OB-1", site: SiteKey(operator: .cmcc, code: "S1"), regionCode: "500103",
                                         operator: .cmcc, category: .power, responsible: "电力公司", description: "市电未引入")

    func refusal(_ what: ObstacleMark.What, _ marks: [ObstacleMark]) -> String? {
        ObstacleWorkflow.refusal(what, ref: "OB-1", on: ObstacleWorkflow.situation(openedAt: Self.at(0), marks: marks))?.code
    }

    @Test func everyTransitionIsAllowedOrRefusedAsTheRulesSay() {
        let dispatch = ObstacleMark.What.step(.dispatched(unit: "grid", note: ""))
        let pause = ObstacleMark.What.step(.paused(reason: "等待补充材料"))
        let resume = ObstacleMark.What.step(.resumed(note: ""))
        let reopen = ObstacleMark.What.step(.reopened(reason: "复发"))
        // Open: dispatch, pause, resolve, escalate; not resume, not reopen.
        #expect(refusal(dispatch, []) == nil && refusal(pause, []) == nil && refusal(.resolved, []) == nil)
        #expect(refusal(.escalated(reason: ""), []) == nil)
        #expect(refusal(resume, []) == "obstacle_not_waiting" && refusal(reopen, []) == "obstacle_not_resolved")
        #expect(refusal(.step(.dispatched(unit: "nobody", note: "")), []) == "unknown_unit")
        #expect(refusal(.step(.paused(reason: "  ")), []) == "step_reason_required")
        #expect(refusal(.step(.paused(reason: String(repeating: "长", count: 501))), []) == "step_text_too_long")
        // Dispatched: redirect to another unit, not to the same one.
        let dispatched = [Self.mark(dispatch, 1)]
        #expect(ObstacleWorkflow.situation(openedAt: Self.at(0), marks: dispatched).status == .dispatched)
        #expect(refusal(dispatch, dispatched) == "obstacle_already_with_unit")
        #expect(refusal(.step(.dispatched(unit: "district_gov", note: "转区县协调")), dispatched) == nil)
        // Waiting: resume, resolve; not pause again.
        let waiting = dispatched + [Self.mark(pause, 2)]
        #expect(refusal(pause, waiting) == "obstacle_already_waiting" && refusal(resume, waiting) == nil && refusal(.resolved, waiting) == nil)
        // Escalated: once.
        let escalated = dispatched + [Self.mark(.escalated(reason: "需市级协调"), 3)]
        #expect(ObstacleWorkflow.situation(openedAt: Self.at(0), marks: escalated).status == .escalated)
        #expect(refusal(.escalated(reason: ""), escalated) == "obstacle_already_escalated" && refusal(dispatch, escalated) == "obstacle_already_with_unit")
        // Resolved: only reopening (with a reason).
        let resolved = waiting + [Self.mark(.resolved, 5)]
        let s = ObstacleWorkflow.situation(openedAt: Self.at(0), marks: resolved)
        #expect(s.status == .resolved && s.waitingSince == nil, "a resolution ends the wait")
        for what in [dispatch, pause, .resolved, .escalated(reason: "")] { #expect(refusal(what, resolved) == "obstacle_already_resolved") }
        #expect(refusal(resume, resolved) == "obstacle_not_waiting")
        #expect(refusal(.step(.reopened(reason: "")), resolved) == "step_reason_required" && refusal(reopen, resolved) == nil)
        // Reopened: open again, with its unit; resolvable again.
        let reopened = resolved + [Self.mark(reopen, 8)]
        let r = ObstacleWorkflow.situation(openedAt: Self.at(0), marks: reopened)
        #expect(r.status == .dispatched && r.unit == "grid" && r.reopenReason == "复发" && r.resolvedAt == nil)
        #expect(refusal(.resolved, reopened) == nil && refusal(reopen, reopened) == "obstacle_not_resolved")
    }

    @Test func theClockStopsWhileWaitingAndRestartsOnReopening() {
        // 20 days for power; 3 days waiting on the reporter push the deadline by 3 days.
        let marks = [Self.mark(.step(.dispatched(unit: "grid", note: "")), 1), Self.mark(.step(.paused(reason: "等材料")), 4),
                     Self.mark(.step(.resumed(note: "")), 7)]
        let s = ObstacleWorkflow.situation(openedAt: Self.at(0), marks: marks)
        #expect(s.deadline(slaDays: 20, end: Self.at(10)) == Self.at(23))
        #expect(s.daysLeft(slaDays: 20, end: Self.at(10)) == 13 && !s.isOverdue(slaDays: 20, end: Self.at(22.9)))
        #expect(s.isOverdue(slaDays: 20, end: Self.at(23)) && s.daysLeft(slaDays: 20, end: Self.at(24.5)) == -2)
        // While waiting, the deadline moves with the moment: never overdue.
        let waiting = ObstacleWorkflow.situation(openedAt: Self.at(0), marks: Array(marks.prefix(2)))
        #expect(waiting.deadline(slaDays: 20, end: Self.at(30)) == Self.at(46) && !waiting.isOverdue(slaDays: 20, end: Self.at(60)))
        // Reopened: the clock starts again from the reopening, earlier waits forgotten.
        let reopened = ObstacleWorkflow.situation(openedAt: Self.at(0), marks: marks + [Self.mark(.resolved, 9), Self.mark(.step(.reopened(reason: "复发")), 30)])
        #expect(reopened.clockStart == Self.at(30) && reopened.deadline(slaDays: 20, end: Self.at(31)) == Self.at(50))
        #expect(ObstacleWorkflow.situation(openedAt: Self.at(0), marks: marks + [Self.mark(.resolved, 9)]).daysLeft(slaDays: 20, end: Self.at(40)) == nil)
    }

    @Test func theSituationAtAMomentFoldsOnlyWhatHappenedAndWasKnownByThen() {
        let marks = [Self.mark(.step(.dispatched(unit: "grid", note: "")), 1, recorded: 1),
                     Self.mark(.resolved, 5, recorded: 9),   // reported four days late
                     Self.mark(.step(.reopened(reason: "复发")), 12, recorded: 12)]
        func status(asOf: Double, knownAt: Double? = nil) -> ObstacleSituation.Status {
            let m = ReadMoment(asOf: Cutoff(before: Self.at(asOf)), knownAt: knownAt.map { Cutoff(before: Self.at($0)) })
            return ObstacleWorkflow.situation(openedAt: Self.at(0), marks: marks, at: m).status
        }
        #expect(status(asOf: 0.5) == .open && status(asOf: 2) == .dispatched)
        #expect(status(asOf: 6) == .resolved, "as now known, it was resolved on day 5")
        #expect(status(asOf: 6, knownAt: 8) == .dispatched, "as known on day 8, it was not")
        #expect(status(asOf: 11) == .resolved && status(asOf: 13) == .dispatched)
        // Field-time order, whatever the log order: a late pause of a resolved obstacle changes nothing.
        let late = [Self.mark(.resolved, 5), Self.mark(.step(.paused(reason: "x")), 6, recorded: 10)]
        #expect(ObstacleWorkflow.situation(openedAt: Self.at(0), marks: late).waitingSince == nil)
    }

    @Test func overdueObstaclesAreThoseNeitherResolvedNorEscalatedWhoseClockRanOut() {
        let table = Dispatch.Table.standard
        func state(_ category: ObstacleCategory, ref: String, _ marks: [ObstacleMark]) -> ObstacleState {
            var o = Self.opening; o.category = category; o.ref = ref
            return ObstacleState(opening: o, openedAt: Self.at(0), openedRecordedAt: Self.at(0), marks: marks)
        }
        let states = [state(.power, ref: "a", []), state(.safety, ref: "b", []),
                      state(.safety, ref: "c", [Self.mark(.resolved, 3)]), state(.safety, ref: "d", [Self.mark(.escalated(reason: ""), 2)]),
                      state(.safety, ref: "e", [Self.mark(.step(.paused(reason: "等")), 1)])]
        let due = ObstacleWorkflow.overdue(states, table: table, now: Self.at(10))
        #expect(due.map(\.state.opening.ref) == ["b"], "safety's 7 days ran out; power's 20 did not; resolved, escalated, waiting ones are not due")
        #expect(due.first?.ranOutAt == Self.at(7))
    }

    @Test func theRoutingTableIsTheStandardOneWithTheOfficesChangesUpToTheMoment() throws {
        let t = Dispatch.Table.standard
        #expect(t.unit(for: Self.opening) == "grid" && t.rule(.power).slaDays == 20)
        var equipment = Self.opening; equipment.category = .equipment
        #expect(t.unit(for: equipment) == "cmcc", "equipment goes to the site's operator")
        equipment.operator = nil
        #expect(t.unit(for: equipment) == "district_gov")
        #expect(ObstacleCategory.allCases.allSatisfy { t.rule($0).unit == Dispatch.siteOperator || Dispatch.isUnit(t.rule($0).unit) })
        let change = LoggedEvent(seq: 5, event: NewEvent(.dispatchRuleSet(Dispatch.Rule(category: .power, unit: "municipal", slaDays: 30)),
                                                         occurredAt: Self.at(10), recordedAt: Self.at(10), actor: "office"))
        #expect(Dispatch.Table.at([change], moment: ReadMoment(asOf: Cutoff(before: Self.at(10)))).rule(.power).unit == "grid")
        #expect(Dispatch.Table.at([change], moment: ReadMoment(asOf: Cutoff(before: Self.at(11)))).rule(.power) == Dispatch.Rule(category: .power, unit: "municipal", slaDays: 30))
        #expect(throws: RolloutError.self) { try Dispatch.Rule(category: .power, unit: "nobody", slaDays: 5).validated() }
        #expect(throws: RolloutError.self) { try Dispatch.Rule(category: .power, unit: "grid", slaDays: 0).validated() }
        #expect(throws: RolloutError.self) { try Dispatch.Rule(category: .power, unit: "grid", slaDays: 181).validated() }
        #expect(try Dispatch.Rule(category: .power, unit: Dispatch.siteOperator, slaDays: 180).validated().slaDays == 180)
        for u in Dispatch.units { #expect(Dispatch.unitName(u, .zh) != u && Dispatch.unitName(u, .en) != u) }
    }

    @Test func whoMayTakeWhichStep() {
        let office = Principal(account: "o", role: .cityOffice), leader = Principal(account: "l", role: .leader)
        let yuzhong = Principal(account: "y", role: .district, region: "500103"), jiangbei = Principal(account: "j", role: .district, region: "500105")
        let cmcc = Principal(account: "m", role: .operator, operator: .cmcc), tower = Principal(account: "t", role: .operator, operator: .tower)
        let owner = Principal(account: "p", role: .resourceOwner, owner: "x"), admin = Principal(account: "a", role: .admin)
        for a in ObstacleAction.allCases {
            #expect(Access.mayHandle(a, region: "500103", org: "cmcc", unit: "tower", office))
            #expect(Access.mayHandle(a, region: "500103", org: "cmcc", unit: "tower", yuzhong))
            #expect(!Access.mayHandle(a, region: "500103", org: "cmcc", unit: "tower", jiangbei))
            for p in [leader, owner, admin] { #expect(!Access.mayHandle(a, region: "500103", org: "cmcc", unit: "tower", p)) }
        }
        // The reporter: pause, resume, resolve, reopen; never dispatch.
        #expect(!Access.mayHandle(.dispatch, region: "500103", org: "cmcc", unit: nil, cmcc))
        for a in [ObstacleAction.pause, .resume, .resolve, .reopen] { #expect(Access.mayHandle(a, region: "500103", org: "cmcc", unit: nil, cmcc)) }
        // The unit it waits on (China Tower): pause, resume, resolve; not reopen, not dispatch.
        for a in [ObstacleAction.pause, .resume, .resolve] { #expect(Access.mayHandle(a, region: "500103", org: "cmcc", unit: "tower", tower)) }
        #expect(!Access.mayHandle(.reopen, region: "500103", org: "cmcc", unit: "tower", tower))
        #expect(!Access.mayHandle(.resolve, region: "500103", org: "cmcc", unit: "grid", tower))
        // Recording the events: the rules of the log.
        let step = EventBody.obstacleStep(org: "cmcc", ref: "r", step: .paused(reason: "x"))
        #expect(Access.mayRecord(step, yuzhong) && Access.mayRecord(step, cmcc) && !Access.mayRecord(step, leader) && !Access.mayRecord(step, owner))
        let rule = EventBody.dispatchRuleSet(Dispatch.Rule(category: .power, unit: "grid", slaDays: 9))
        #expect(Access.mayRecord(rule, office) && !Access.mayRecord(rule, yuzhong) && !Access.mayRecord(rule, cmcc))
        #expect(Access.allows(.cityOffice, .editRouting) && !Access.allows(.district, .editRouting) && !Access.allows(.leader, .handleObstacles))
    }

    @Test func theLedgerRefusesWhatTheWorkflowRefusesAndCountsReopenings() throws {
        func e(_ seq: Int64, _ body: EventBody, _ day: Double) -> LoggedEvent {
            LoggedEvent(seq: seq, event: NewEvent(body, occurredAt: Self.at(day), recordedAt: Self.at(day), actor: "office"))
        }
        var ledger = Ledger()
        try ledger.apply(e(1, .obstacleOpened(Self.opening), 0))
        try ledger.apply(e(2, .obstacleStep(org: "cmcc", ref: "OB-1", step: .dispatched(unit: "grid", note: "")), 1))
        #expect(throws: RolloutError.self) { try ledger.apply(e(3, .obstacleStep(org: "cmcc", ref: "OB-1", step: .dispatched(unit: "grid", note: "")), 2)) }
        #expect(throws: RolloutError.self) { try ledger.apply(e(3, .obstacleStep(org: "cmcc", ref: "OB-1", step: .reopened(reason: "x")), 2)) }
        #expect(throws: RolloutError.self) { try ledger.apply(e(3, .obstacleStep(org: "cmcc", ref: "nope", step: .resumed(note: "")), 2)) }
        #expect(throws: RolloutError.self) { try ledger.apply(e(3, .obstacleStep(org: "cmcc", ref: "OB-1", step: .paused(reason: "x")), -1)) }
        try ledger.apply(e(3, .obstacleResolved(org: "cmcc", ref: "OB-1"), 4))
        try ledger.apply(e(4, .obstacleStep(org: "cmcc", ref: "OB-1", step: .reopened(reason: "复发")), 6))
        try ledger.apply(e(5, .obstacleResolved(org: "cmcc", ref: "OB-1"), 9))
        let state = try #require(ledger.obstacles[Self.opening.entity])
        #expect(state.resolvedAt == Self.at(9) && state.wasReopened && state.units == ["grid"] && state.marks.count == 4)
        // The open-obstacle counter: +1 opened, -1 resolved, +1 reopened, -1 resolved again.
        // (The counts of resolution times move beside it: see ObstacleOutlookTests.)
        let openCounts = ledger.deltas.filter { $0.key.metric == Metric.openObstacles(Self.opening.category) }
        #expect(openCounts.map(\.delta) == [1, -1, 1, -1])
        #expect(openCounts.map(\.occurredAt) == [Self.at(0), Self.at(4), Self.at(6), Self.at(9)])
        // Re-sent resolutions are named by their time; escalation once.
        let resolved = NewEvent(.obstacleResolved(org: "cmcc", ref: "OB-1"), occurredAt: Self.at(4), recordedAt: Self.at(4), actor: "a")
        #expect(resolved.dedupKey != NewEvent(.obstacleResolved(org: "cmcc", ref: "OB-1"), occurredAt: Self.at(9), recordedAt: Self.at(9), actor: "a").dedupKey)
        let up = NewEvent(.obstacleEscalated(org: "cmcc", ref: "OB-1", reason: ""), occurredAt: Self.at(4), recordedAt: Self.at(4), actor: "system")
        #expect(up.dedupKey == NewEvent(.obstacleEscalated(org: "cmcc", ref: "OB-1", reason: "x"), occurredAt: Self.at(5), recordedAt: Self.at(5), actor: "y").dedupKey)
    }

    @Test func statesStoredBeforeTheMarksReadTheirResolutionAndEscalationAsMarks() throws {
        let old = #"{"opening":{"org":"cmcc","ref":"OB-1","regionCode":"500103","category":"power","description":"d"},"openedAt":100,"openedRecordedAt":100,"resolvedAt":900,"resolvedRecordedAt":950,"escalatedAt":500,"escalatedRecordedAt":500,"escalationReason":"r"}"#
        let s = try JSONDecoder().decode(ObstacleState.self, from: Data(old.utf8))
        #expect(s.marks.count == 2 && s.situation.status == .resolved && s.situation.escalationReason == "r")
    }
}
