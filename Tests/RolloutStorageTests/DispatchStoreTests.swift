import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// Dispatching on every available database: the lists as of any moment (the fast path with the
/// reopened obstacles merged in equals the full fold), the units' loads, the actions through the
/// service with their refusals (nothing written), the routing table, the automatic escalation.
@Suite struct DispatchStoreTests {
    static func at(_ days: Double) -> Instant { DashboardReadsTests.at(days) }

    /// Twenty obstacles in two regions: dispatched, some paused and resumed, some resolved, some
    /// reopened (and resolved again), one escalated.
    static func log() -> [NewEvent] {
        var events: [NewEvent] = []
        func add(_ body: EventBody, _ day: Double, recorded: Double? = nil) {
            events.append(NewEvent(body, occurredAt: at(day), recordedAt: at(recorded ?? day), actor: "t"))
        }
        for i in 0..<20 {
            let d = Double(i)
            let o = ObstacleOpening(org: "cmcc", ref: "O\(i)", site: nil, regionCode: i % 3 == 0 ? "500102" : "500101", operator: .cmcc,
                                    category: [.power, .access, .safety, .permit][i % 4], responsible: i % 2 == 0 ? "电力公司" : nil,
                                    description: "问题\(i) <b>")
            add(.obstacleOpened(o), d, recorded: d + 0.5)
            if i % 5 != 4 { add(.obstacleStep(org: "cmcc", ref: o.ref, step: .dispatched(unit: i % 2 == 0 ? "grid" : "district_gov", note: "")), d + 1) }
            if i % 4 == 1 {
                add(.obstacleStep(org: "cmcc", ref: o.ref, step: .paused(reason: "等材料")), d + 2)
                add(.obstacleStep(org: "cmcc", ref: o.ref, step: .resumed(note: "")), d + 5)
            }
            if i % 3 != 2 { add(.obstacleResolved(org: "cmcc", ref: o.ref), d + 6, recorded: d + 7) }
            if i % 3 == 0 {
                add(.obstacleStep(org: "cmcc", ref: o.ref, step: .reopened(reason: "复发")), d + 9)
                if i % 2 == 0 { add(.obstacleResolved(org: "cmcc", ref: o.ref), d + 14) }
            }
        }
        events.append(NewEvent(.obstacleEscalated(org: "cmcc", ref: "O2", reason: "需协调"), occurredAt: at(4), recordedAt: at(4), actor: "t"))
        return events.enumerated().sorted { ($0.element.recordedAt, $0.offset) < ($1.element.recordedAt, $1.offset) }.map(\.element)
    }

    @Test(arguments: Backend.available)
    func theListsAsOfAnyMomentAreTheFoldOfTheMarksKnownThen(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            let events = Self.log()
            _ = try await store.append(events)
            let reopened = try await store.obstacles(ObstacleQuery(status: .all, perPage: 100), at: ReadMoment(asOf: Cutoff(before: Self.at(60))))
            #expect(reopened.total == 20)
            for day in stride(from: 0.5, through: 40, by: 1.5) {
                let moment = ReadMoment(asOf: Cutoff(before: Self.at(day)))
                // The same moment as known now, asked through the full fold (known_at set) and the fast path.
                let folded = ReadMoment(asOf: moment.asOf, knownAt: Cutoff(before: Self.at(1000)))
                for region in [nil, "500101"] as [String?] {
                    for perPage in [3, 100] {
                        for page in 1...3 {
                            let q = ObstacleQuery(region: region, status: .open, page: page, perPage: perPage)
                            let fast = try await store.obstacles(q, at: moment), full = try await store.obstacles(q, at: folded)
                            #expect(fast == full, "day \(day) region \(region ?? "-") page \(page)/\(perPage)")
                        }
                    }
                }
                // Against a naive fold of the events: which are open, and with which unit.
                var expected: [String: (open: Bool, unit: String?)] = [:]
                for e in events where moment.asOf.includes(e.occurredAt) {
                    switch e.body {
                    case .obstacleOpened(let o): expected[o.ref] = (true, nil)
                    case .obstacleResolved(_, let ref): expected[ref]?.open = false
                    case .obstacleStep(_, let ref, .reopened): expected[ref]?.open = true
                    case .obstacleStep(_, let ref, .dispatched(let unit, _)): if expected[ref]?.open == true { expected[ref]?.unit = unit }
                    default: break
                    }
                }
                let open = try await store.obstacles(ObstacleQuery(status: .open, perPage: 1000), at: moment)
                #expect(Set(open.obstacles.map(\.ref)) == Set(expected.filter(\.value.open).keys), "day \(day)")
                #expect(open.total == expected.values.filter(\.open).count && open.byCategory.reduce(0) { $0 + $1.count } == open.total)
                for row in open.obstacles { #expect(row.unit == expected[row.ref]?.unit, "day \(day) \(row.ref)") }
                // Each unit's load and list agree with the open rows.
                let loads = try await store.unitLoads(at: moment)
                for unit in ["grid", "district_gov"] {
                    let mine = open.obstacles.filter { $0.unit == unit }
                    let load = try #require(loads.first { $0.unit == unit })
                    #expect(load.waiting == mine.count && load.overdue == mine.filter(\.overdue).count && load.onHold == mine.filter { $0.waitingSince != nil }.count)
                    let list = try await store.obstacles(ObstacleQuery(status: .open, unit: unit, perPage: 1000), at: moment)
                    #expect(list.obstacles.map(\.ref) == mine.map(\.ref), "day \(day) \(unit)")
                }
                let overdue = try await store.obstacles(ObstacleQuery(status: .open, overdue: true, perPage: 1000), at: moment)
                #expect(overdue.obstacles.map(\.ref) == open.obstacles.filter(\.overdue).map(\.ref))
            }
            // As known on day 6.6, O0's resolution (day 6, recorded day 7) was not known: open then.
            let o0 = try await store.obstacle(org: "cmcc", ref: "O0", at: ReadMoment(asOf: Cutoff(before: Self.at(6.6)), knownAt: Cutoff(before: Self.at(6.6))))
            #expect(o0?.status == "dispatched" && o0?.unit == "grid")
            #expect(try await store.obstacle(org: "cmcc", ref: "O0", at: ReadMoment(asOf: Cutoff(before: Self.at(6.6))))?.status == "resolved")
            let o9 = try #require(try await store.obstacle(org: "cmcc", ref: "O9", at: ReadMoment(asOf: Cutoff(before: Self.at(30)))))
            #expect(o9.status == "open" && o9.unit == nil && o9.reopenReason == "复发" && o9.reopenedAt != nil)
            // Paused three days: the clock of O1 (access, 15 days) runs to day 1 + 15 + 3.
            let o1 = try #require(try await store.obstacle(org: "cmcc", ref: "O1", at: ReadMoment(asOf: Cutoff(before: Self.at(4)))))
            #expect(o1.waitingSince != nil && o1.waitingReason == "等材料" && o1.slaDays == 15 && o1.due == Self.at(17).description)
            let later = try #require(try await store.obstacle(org: "cmcc", ref: "O1", at: ReadMoment(asOf: Cutoff(before: Self.at(6.5)))))
            #expect(later.waitingSince == nil && later.due == Self.at(19).description, "the three days waited push the deadline")
        }
    }

    @Test(arguments: Backend.available)
    func actionsAreCheckedAndRefusalsWriteNothing(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            let opening = ObstacleOpening(org: "cmcc", ref: "A1", site: nil, regionCode: "500101", operator: .cmcc, category: .safety,
                                          responsible: nil, description: "塔基隐患")
            _ = try await store.append([NewEvent(.obstacleOpened(opening), occurredAt: Self.at(1), recordedAt: Self.at(1), actor: "cmcc")])
            let day = Date(timeIntervalSince1970: TimeInterval(Self.at(2).seconds))
            let service = CampaignService(store: store, clock: .fixed(Instant(day)))
            let office = Principal(account: "office", role: .cityOffice)
            let district = Principal(account: "d1", role: .district, region: "500101"), other = Principal(account: "d2", role: .district, region: "500102")
            let cmcc = Principal(account: "m", role: .operator, operator: .cmcc), tower = Principal(account: "t", role: .operator, operator: .tower)
            func refused(_ code: String, _ body: () async throws -> Void) async {
                let before = try? await store.eventCount()
                do { try await body(); Issue.record("expected \(code)") } catch let e as RolloutError { #expect(e.code == code) } catch { Issue.record("\(error)") }
                #expect(try! await store.eventCount() == before, "nothing written on \(code)")
            }
            await refused("forbidden_obstacle_action") { try await service.act(.dispatch, org: "cmcc", ref: "A1", unit: "police", text: "", by: other) }
            await refused("forbidden_obstacle_action") { try await service.act(.dispatch, org: "cmcc", ref: "A1", unit: "police", text: "", by: cmcc) }
            await refused("unknown_unit") { try await service.act(.dispatch, org: "cmcc", ref: "A1", unit: "nobody", text: "", by: district) }
            await refused("unknown_obstacle") { try await service.act(.dispatch, org: "cmcc", ref: "nope", unit: "police", text: "", by: office) }
            await refused("obstacle_not_waiting") { try await service.act(.resume, org: "cmcc", ref: "A1", text: "", by: office) }
            await refused("obstacle_not_resolved") { try await service.act(.reopen, org: "cmcc", ref: "A1", text: "x", by: office) }
            // Without a unit: the routing table's (safety → police).
            let sent = try await service.act(.dispatch, org: "cmcc", ref: "A1", text: " 请派出所协助 ", by: district)
            #expect(sent.status == "dispatched" && sent.unit == "police" && sent.slaDays == 7)
            await refused("obstacle_already_with_unit") { try await service.act(.dispatch, org: "cmcc", ref: "A1", unit: "police", text: "", by: office) }
            await refused("step_reason_required") { try await service.act(.pause, org: "cmcc", ref: "A1", text: "   ", by: cmcc) }
            await refused("forbidden_obstacle_action") { try await service.act(.pause, org: "cmcc", ref: "A1", text: "x", by: tower) }
            let paused = try await service.act(.pause, org: "cmcc", ref: "A1", text: "等待铁塔出具检测报告", by: cmcc)
            #expect(paused.waitingSince != nil)
            await refused("obstacle_already_waiting") { try await service.act(.pause, org: "cmcc", ref: "A1", text: "x", by: office) }
            #expect(try await service.act(.resume, org: "cmcc", ref: "A1", text: "", by: office).waitingSince == nil)
            // The same pause again in the same second is the same fact: refused, not doubled.
            await refused("obstacle_step_repeated") { try await service.act(.pause, org: "cmcc", ref: "A1", text: "等待铁塔出具检测报告", by: cmcc) }
            let all = try await store.events(after: 0, limit: 100)
            // The district's and the operator's steps are reports of theirs: each is followed by its receipt.
            #expect(all.filter { $0.event.body.kind == "report.received" }.map(\.event.actor) == ["d1", "m"])
            let log = all.filter { $0.event.body.kind != "report.received" }
            #expect(log.map(\.event.body.kind) == ["obstacle.opened", "obstacle.dispatched", "obstacle.paused", "obstacle.resumed"])
            #expect(log.map(\.event.actor) == ["cmcc", "d1", "m", "office"])
            if case .obstacleStep(_, _, .dispatched(_, let note)) = log[1].event.body { #expect(note == "请派出所协助") } else { Issue.record("not a dispatch") }
        }
    }

    @Test(arguments: Backend.available)
    func theClockRunningOutEscalatesOnceAsTheSystem(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            var events: [NewEvent] = []
            for (i, category) in [ObstacleCategory.safety, .safety, .power, .safety].enumerated() {
                let o = ObstacleOpening(org: "500101", ref: "S\(i)", site: nil, regionCode: "500101", operator: nil, category: category,
                                        responsible: nil, description: "d")
                events.append(NewEvent(.obstacleOpened(o), occurredAt: Self.at(0), recordedAt: Self.at(0), actor: "d1"))
            }
            events.append(NewEvent(.obstacleResolved(org: "500101", ref: "S1"), occurredAt: Self.at(3), recordedAt: Self.at(3), actor: "d1"))
            events.append(NewEvent(.obstacleStep(org: "500101", ref: "S3", step: .paused(reason: "等")), occurredAt: Self.at(2), recordedAt: Self.at(2), actor: "d1"))
            _ = try await store.append(events)
            let clock = Date(timeIntervalSince1970: TimeInterval(Self.at(10).seconds))
            let service = CampaignService(store: store, clock: .fixed(Instant(clock)))
            // Safety's clock is 7 days: S0 ran out on day 7; S1 is resolved, S2 (power, 20 days) runs, S3 waits.
            #expect(try await service.escalateOverdue() == 1)
            #expect(try await service.escalateOverdue() == 0, "once")
            let s0 = try #require(try await store.obstacle(org: "500101", ref: "S0", at: ReadMoment(asOf: .including(Self.at(10)))))
            #expect(s0.status == "escalated" && s0.escalatedBy == CampaignService.systemActor && s0.escalatedAt == Self.at(7).description)
            #expect(try await store.obstacle(org: "500101", ref: "S0", at: ReadMoment(asOf: Cutoff(before: Self.at(7))))?.status == "open")
            // The office shortens power's clock to 5 days: S2 is due at once.
            let office = Principal(account: "office", role: .cityOffice)
            await #expect(throws: RolloutError.self) { _ = try await service.setDispatchRule(Dispatch.Rule(category: .power, unit: "grid", slaDays: 0), by: office) }
            await #expect(throws: RolloutError.self) {
                _ = try await service.setDispatchRule(Dispatch.Rule(category: .power, unit: "grid", slaDays: 5), by: Principal(account: "d", role: .district, region: "500101"))
            }
            let table = try await service.setDispatchRule(Dispatch.Rule(category: .power, unit: "municipal", slaDays: 5), by: office)
            #expect(table.rule(.power).slaDays == 5 && table.rule(.power).unit == "municipal")
            #expect(try await store.dispatchTable(at: ReadMoment(asOf: Cutoff(before: Self.at(9)))).rule(.power).slaDays == 20, "the table as of before the change")
            #expect(try await service.escalateOverdue() == 1)
            let kinds = try await store.events(after: 0, limit: 100).map(\.event.body.kind)
            #expect(kinds.filter { $0 == "obstacle.escalated" }.count == 2 && kinds.contains("dispatch.rule_set"))
        }
    }
}
