import Foundation
import RolloutTestSupport
import RolloutTexts
import Testing
@testable import RolloutCore
import RolloutDemo
@testable import RolloutImport
import RolloutReference
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// The three-year plan through the `targets` import: several milestones per key, changes and
/// moved dates with reasons, and the rows refused; then the milestone in force and its figures
/// at several moments against a naive fold of the log, on every database.
@Suite struct MilestoneImportTests {
    static let now = ShanghaiCalendar.parseInstant("2021-06-15T12:00:00+08:00")!
    static let campaign = Campaign(name: "三年规划测试", start: ShanghaiCalendar.parseInstant("2020-01-01")!,
                                   deadline: ShanghaiCalendar.parseInstant("2022-12-31T23:59:59+08:00")!)

    func setUp(_ store: SQLCampaignStore) async throws {
        try await store.createCampaign(Self.campaign, clock: Self.now, regions: try Chongqing.regions(),
                                       outlines: try DemoInstaller.outlineGeometries(), now: Self.campaign.start)
    }

    func run(_ text: String, _ store: SQLCampaignStore, at now: Instant = Self.now) async throws -> ImportReport {
        try await Importer.run(.targets, file: try ImporterTests.file(text), store: store, now: now, actor: "office", dryRun: false)
    }

    @Test(arguments: Backend.available)
    func badPlanRowsAreRefusedAndNothingIsWritten(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            let plan = try await run("""
                区县代码,运营商,目标站数,完成期限
                500101,,300,2020-06-30
                500101,,700,2021-12-31
                500101,,1000,2022-12-31
                500101,cmcc,120,2020-06-30
                """, store)
            #expect(plan.committed && plan.applied == 4, "\(plan.errors)")
            let events = try await store.eventCount()
            let cases: [(String, [String])] = [
                ("region_code,target,due\n500102,10,2020-06-30\n500102,12,2020-06-30\n", ["3:duplicate_in_file"]),
                ("region_code,target,due\n500102,50,2020-06-30\n500102,40,2021-12-31\n", ["3:milestone_not_cumulative"]),
                // Against what is stored: lower than 2020's 300 by 2021, or above 2022's 1000 by 2021.
                ("region_code,target,due,reason\n500101,250,2021-06-30,中期节点\n", ["2:milestone_not_cumulative"]),
                ("region_code,target,due,reason\n500101,1100,2021-12-31,加码\n", ["2:milestone_not_cumulative"]),
                ("region_code,target,due\n500102,10,2023-01-31\n", ["2:due_outside_plan"]),
                ("region_code,target,due\n500102,10,2019-12-31\n", ["2:due_outside_plan"]),
                ("region_code,target,due\n500101,320,2020-06-30\n", ["2:reason_required"]),
                ("region_code,target,due,moved_from\n500101,700,2022-03-31,2021-12-31\n", ["2:move_reason_required"]),
                ("region_code,target,due,moved_from,reason\n500101,700,2022-03-31,2021-09-30,推迟\n", ["2:no_milestone_to_move"]),
                ("region_code,target,due,moved_from,reason\n500101,700,2022-12-31,2021-12-31,并入\n", ["2:milestone_exists"]),
                ("region_code,target,due\n500102,-1,2020-06-30\n500102,1.5,2021-06-30\n", ["2:bad_target", "3:bad_target"]),
            ]
            for (text, expected) in cases {
                let report = try await run(text, store)
                #expect(!report.committed, "\(text)")
                #expect(report.errors.map { "\($0.row):\($0.code)" } == expected, "\(text)")
                for e in report.errors { #expect(Catalogue.keys.contains("import.\(e.code)"), "\(e.code)") }
                #expect(try await store.eventCount() == events, "\(text)")
            }
            // A file that raises two milestones together is cumulative as a whole, in either row order.
            let both = try await run("region_code,target,due,reason\n500101,1200,2021-12-31,加码\n500101,1500,2022-12-31,加码\n", store)
            #expect(both.committed, "\(both.errors)")
        }
    }

    /// The naive fold: every target event known by the moment, in log order; a move drops its old date.
    static func naivePlan(_ events: [LoggedEvent], region: String, moment: ReadMoment) -> [(due: Instant, target: Int)] {
        var byDay: [String: (Instant, Int)] = [:]
        for e in events.sorted(by: { ($0.event.occurredAt, $0.seq) < ($1.event.occurredAt, $1.seq) }) {
            guard case .targetSet(let t) = e.event.body, t.regionCode == region, t.operator == nil, t.keyArea == nil,
                  e.event.occurredAt < moment.asOf.before, e.event.recordedAt < (moment.knownAt?.before ?? Instant(seconds: .max)) else { continue }
            if let from = t.movedFrom { byDay[ShanghaiCalendar.dateString(from)] = nil }
            byDay[ShanghaiCalendar.dateString(t.due)] = (t.due, t.target)
        }
        return byDay.values.sorted { $0.0 < $1.0 }.map { (due: $0.0, target: $0.1) }
    }

    @Test(arguments: Backend.available)
    func theMilestoneInForceAndItsFiguresAgreeWithANaiveFoldOfTheLog(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            let launch = ShanghaiCalendar.parseInstant("2020-04-09T10:00:00+08:00")!
            #expect(try await run("region_code,target,due\n500101,300,2020-06-30\n500101,1000,2022-12-31\n500103,80,2020-06-30\n", store, at: launch).committed)
            let march = ShanghaiCalendar.parseInstant("2021-03-22T10:00:00+08:00")!
            #expect(try await run("region_code,target,due\n500101,700,2021-12-31\n500103,200,2021-12-31\n", store, at: march).committed)
            let moved = try await run("区县代码,目标站数,完成期限,原期限,调整原因\n500101,700,2022-03-31,2021-12-31,征地延期\n", store)
            #expect(moved.committed, "\(moved.errors)")
            let service = CampaignService(store: store, clock: .fixed(Self.now))
            let events = try await store.events(kinds: ["target.set"])
            for day in ["2020-04-08", "2020-05-20", "2020-06-30", "2020-07-01", "2021-01-10", "2021-04-01", "2021-06-15"] {
                for known in [nil, "2021-04-01"] as [String?] {
                    let moment = try ReadMoment.validated(asOf: day, knownAt: known, campaign: Self.campaign, now: Self.now)
                    let (summary, regions) = try await service.figures(Self.campaign, at: moment)
                    let t = moment.asOf.before.adding(seconds: -1)
                    for code in ["500101", "500103"] {
                        let plan = Self.naivePlan(events, region: code, moment: moment)
                        let r = try #require(regions.first { $0.regionCode == code })
                        let i = plan.firstIndex { ShanghaiCalendar.day(of: $0.due) >= ShanghaiCalendar.day(of: t) } ?? (plan.isEmpty ? nil : plan.count - 1)
                        #expect(r.target == i.map { plan[$0].target }, "\(code) \(day) \(known ?? "")")
                        #expect(r.due == i.map { ShanghaiCalendar.dateString(plan[$0].due) }, "\(code) \(day)")
                        #expect(r.milestones.map(\.target) == plan.map(\.target), "\(code) \(day)")
                        if let i {
                            let (fromAt, fromTarget) = i == 0 ? (Self.campaign.start, 0) : (plan[i - 1].due, plan[i - 1].target)
                            let share = min(1, max(0, Double(t.seconds - fromAt.seconds) / Double(plan[i].due.seconds - fromAt.seconds)))
                            #expect(r.plannedByNow == Int((Double(fromTarget) + Double(plan[i].target - fromTarget) * share).rounded()), "\(code) \(day)")
                            #expect((r.forecast.milestones ?? []).map(\.target) == plan[(i + 1)...].map(\.target), "\(code) \(day)")
                        } else {
                            #expect(r.plannedByNow == nil)
                        }
                    }
                    // The city: the sum of the regions' targets in force, due at the first of all their dates not yet past.
                    #expect(summary.target == regions.reduce(0) { $0 + ($1.target ?? 0) })
                    let dates = Set(regions.flatMap { $0.milestones.map(\.due) }).sorted()
                    #expect(summary.due == (dates.first { $0 >= ShanghaiCalendar.dateString(t) } ?? dates.last), "\(day)")
                }
            }
        }
    }
}

extension MilestoneImportTests {
    @Test(arguments: Backend.available)
    func theCityOfficeMovesAMilestonesDateWithAReasonAndBothDatesStay(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            let launch = ShanghaiCalendar.parseInstant("2020-04-09T10:00:00+08:00")!
            #expect(try await run("region_code,operator,target,due\n500101,,300,2020-06-30\n500101,,700,2021-12-31\n500101,,1000,2022-12-31\n500101,cmcc,280,2021-12-31\n500103,,200,2021-12-31\n", store, at: launch).committed)
            let service = CampaignService(store: store, clock: .fixed(Self.now))
            let office = Principal(account: "office", role: .cityOffice)
            let events = try await store.eventCount()
            let refused: [(String, String, String?, String, String)] = [
                ("2021-12-31", "2022-03-31", nil, " ", "move_reason_required"),
                ("2021-12-31", "2023-03-31", nil, "征地", "due_outside_plan"),
                ("2021-12-31", "2022-12-31", "500101", "征地", "milestone_exists"),
                ("2021-09-30", "2022-03-31", nil, "征地", "no_milestone_to_move"),
                ("2021-12-31", "2021-12-31", nil, "征地", "milestone_not_moved"),
                ("2021-12-31", "2020-05-31", "500101", "征地", "milestone_not_cumulative"),
                ("2021-12-31", "2022-03-31", "999999", "征地", "unknown_region"),
            ]
            for (from, to, region, reason, code) in refused {
                await #expect(throws: RolloutError.self, "\(code)") {
                    do { try await service.moveMilestone(from: from, to: to, region: region, reason: reason, by: office) } catch let e as RolloutError {
                        #expect(e.code == code); throw e
                    }
                }
                #expect(try await store.eventCount() == events)
            }
            await #expect(throws: RolloutError("forbidden", kind: .forbidden, ["role": "district"])) {
                try await service.moveMilestone(from: "2021-12-31", to: "2022-03-31", region: "500101", reason: "征地", by: Principal(account: "d", role: .district, region: "500101"))
            }
            // Every line due that day moves: the region's total, its operator's share and another region's.
            #expect(try await service.moveMilestone(from: "2021-12-31", to: "2022-03-31", region: nil, reason: "征地延期", by: office) == 3)
            let after = try await service.regions(asOf: "2021-06-15")
            #expect(after.first { $0.regionCode == "500101" }?.due == "2022-03-31")
            #expect(after.first { $0.regionCode == "500101" }?.milestones.map(\.due) == ["2020-06-30", "2022-03-31", "2022-12-31"])
            #expect(after.first { $0.regionCode == "500103" }?.due == "2022-03-31")
            #expect(after.first { $0.regionCode == "500101" }?.operators.first { $0.operator == "cmcc" }?.target == 280)
            // As known before the move, the old date stands; the log holds both.
            let known = try await service.regions(asOf: "2021-06-15", knownAt: "2021-06-14")
            #expect(known.first { $0.regionCode == "500101" }?.due == "2021-12-31")
            let moves = try await store.events(kinds: ["target.set"]).filter { if case .targetSet(let t) = $0.event.body { t.movedFrom != nil } else { false } }
            #expect(moves.count == 3 && moves.allSatisfy { $0.event.actor == "office" })
        }
    }
}
