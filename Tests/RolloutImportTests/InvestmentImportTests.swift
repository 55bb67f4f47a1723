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

/// Planned and actual spend through the `investments` file and the service: bad rows refused with
/// nothing written, corrections as of any moment, and the figures against a naive sum of the log.
@Suite struct InvestmentImportTests {
    static let campaign = MilestoneImportTests.campaign
    static let now = MilestoneImportTests.now

    func run(_ text: String, _ store: SQLCampaignStore, at now: Instant = Self.now) async throws -> ImportReport {
        try await Importer.run(.investments, file: try ImporterTests.file(text), store: store, now: now, actor: "office", dryRun: false)
    }

    @Test(arguments: Backend.available)
    func badSpendRowsAreRefusedAndCorrectionsStandFromWhenTheyWereRecorded(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await MilestoneImportTests().setUp(store)
            let first = ShanghaiCalendar.parseInstant("2020-04-09T10:00:00+08:00")!
            let plan = try await run("""
                年度,区县代码,运营商,计划投资(元),完成投资(元)
                2020,500101,移动,"300,000,000",
                2020,500101,ctcc,200000000,50000000
                2021,500103,cucc,100000000,
                """, store, at: first)
            #expect(plan.committed && plan.applied == 3, "\(plan.errors)")
            let events = try await store.eventCount()
            let cases: [(String, [String])] = [
                ("year,region_code,operator,planned_cny\n2020,500101,cmcc,-1\n", ["2:investment_bad_amount"]),
                ("year,region_code,operator,planned_cny\n2020,500101,cmcc,1.5\n", ["2:investment_bad_amount"]),
                ("year,region_code,operator,planned_cny\n2020,500101,cmcc,1000000000001\n", ["2:investment_bad_amount"]),
                ("year,region_code,operator,planned_cny\n2019,500101,cmcc,1\n2023,500101,cmcc,1\n", ["2:investment_bad_year", "3:investment_bad_year"]),
                ("year,region_code,operator,planned_cny\n二〇二〇,500101,cmcc,1\n", ["2:investment_bad_year"]),
                ("year,region_code,operator,planned_cny\n2020,999999,cmcc,1\n", ["2:unknown_region"]),
                ("year,region_code,operator,planned_cny\n2020,500101,acme,1\n", ["2:bad_operator"]),
                ("year,region_code,operator,planned_cny,actual_cny\n2020,500101,cmcc,,\n", ["2:investment_empty"]),
                ("year,region_code,operator,planned_cny\n2020,500101,cmcc,1\n2020,500101,移动,2\n", ["3:duplicate_in_file"]),
            ]
            for (text, expected) in cases {
                let report = try await run(text, store)
                #expect(!report.committed, "\(text)")
                #expect(report.errors.map { "\($0.row):\($0.code)" } == expected, "\(text)")
                for e in report.errors { #expect(Catalogue.keys.contains("import.\(e.code)"), "\(e.code)") }
                #expect(try await store.eventCount() == events)
            }
            // The same row again changes nothing; a different one is a correction.
            let again = try await run("year,region_code,operator,planned_cny\n2021,500103,cucc,100000000\n", store)
            #expect(again.committed && again.applied == 0 && again.unchanged == 1)
            let june = ShanghaiCalendar.parseInstant("2020-06-30T20:00:00+08:00")!
            #expect(try await run("year,region_code,operator,planned_cny,actual_cny\n2020,500101,cmcc,300000000,240000000\n", store, at: june).committed)
            // The service through an account: an operator its own, never another's.
            let service = CampaignService(store: store, clock: .fixed(Self.now))
            let cucc = Principal(account: "cucc-1", role: .operator, operator: .cucc)
            #expect(try await service.recordInvestment(InvestmentFigure(regionCode: "500103", operator: .cucc, year: 2021, plannedCNY: 100_000_000, actualCNY: 30_000_000), by: cucc))
            await #expect(throws: RolloutError("forbidden_operator", kind: .forbidden, ["value": "cmcc"])) {
                try await service.recordInvestment(InvestmentFigure(regionCode: "500103", operator: .cmcc, year: 2021, plannedCNY: 1, actualCNY: nil), by: cucc)
            }
            await #expect(throws: RolloutError.self) {
                try await service.recordInvestment(InvestmentFigure(regionCode: "500103", operator: .cucc, year: 2021, plannedCNY: -5, actualCNY: nil), by: cucc)
            }
            let log = try await store.events(kinds: Investments.kinds)
            for day in ["2020-05-01", "2020-06-30", "2021-06-15"] {
                for known in [nil, "2020-06-30"] as [String?] {
                    let moment = try ReadMoment.validated(asOf: day, knownAt: known, campaign: Self.campaign, now: Self.now)
                    let view = try await service.investments(asOf: day, knownAt: known)
                    // The naive sum: the last record of each region, operator and year known by then.
                    var last: [String: InvestmentFigure] = [:]
                    for e in log.sorted(by: { $0.seq < $1.seq }) where e.event.occurredAt < moment.asOf.before && e.event.recordedAt < (moment.knownAt?.before ?? Instant(seconds: .max)) {
                        if case .investmentReported(let f) = e.event.body { last["\(f.regionCode)\(f.operator)\(f.year)"] = f }
                    }
                    let planned = last.values.compactMap(\.plannedCNY).reduce(0, +), actual = last.values.compactMap(\.actualCNY).reduce(0, +)
                    #expect(view.city.sum.planned == (last.values.contains { $0.plannedCNY != nil } ? planned : nil), "\(day) \(known ?? "")")
                    #expect(view.city.sum.actual == (last.values.contains { $0.actualCNY != nil } ? actual : nil), "\(day) \(known ?? "")")
                    let cmcc2020 = last.values.first { $0.regionCode == "500101" && $0.operator == .cmcc && $0.year == 2020 }
                    #expect(view.regions.first { $0.key == "500101" }?.byYear[2020]?.actual == (last.values.filter { $0.regionCode == "500101" && $0.year == 2020 }.compactMap(\.actualCNY).isEmpty ? nil : last.values.filter { $0.regionCode == "500101" && $0.year == 2020 }.compactMap(\.actualCNY).reduce(0, +)))
                    #expect(view.records.contains { $0 == cmcc2020 } || cmcc2020 == nil)
                    let summary = try await service.summary(asOf: day, knownAt: known)
                    #expect(view.city.progress == summary.progress)
                    #expect(view.city.perSite == (summary.progress > 0 && view.city.sum.actual != nil ? Int64((Double(view.city.sum.actual!) / Double(summary.progress)).rounded()) : nil))
                }
            }
        }
    }
}
