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

/// The `inspections` file on every database: findings on sites and on regions, Chinese headers,
/// re-sending, a finding changed under its reference, and the stop-work rule on `progress` files.
@Suite struct InspectionsImportTests {
    let base = ImporterTests()

    @Test(arguments: Backend.available)
    func findingsAreRecordedOnceAndAMajorOneStopsProgress(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await base.setUp(store)
            _ = try await base.run(.sites, ImporterTests.fixture("sites-utf8-bom-crlf.csv"), store)
            let file = try ImporterTests.file("""
                检查编号,检查时间,站址编码,运营商,区县代码,施工单位,检查单位,问题类别,严重程度,问题描述,整改期限,整改责任单位
                AJ-1,2020-05-01,WZ-001,移动,,,万州区安监站,高处作业,重大隐患,"未系安全带,无监护",2020-05-04,
                AJ-1,2020-05-01,WZ-001,移动,,,万州区安监站,资料台账,一般,资料不全,2020-05-08,
                AJ-2,2020-05-02,,,500103,,渝中区安监站,fire,general,库房无灭火器,2020-05-09,500103
                """)
            let first = try await base.run(.inspections, file, store)
            #expect(first.committed && first.applied == 3, "\(first.errors)")
            #expect(try await base.run(.inspections, file, store).unchanged == 3)
            let safety = Safety(try await store.events(kinds: Safety.kinds), at: ReadMoment(asOf: Cutoff.including(ImporterTests.now)))
            #expect(safety.findings.count == 3)
            #expect(safety.findings.values.first { $0.finding.regionCode == "500103" }?.finding.responsible == "500103")
            let wz = SiteKey(operator: .cmcc, code: "WZ-001")
            #expect(safety.stopWork(wz, at: ImporterTests.now)?.category == .workAtHeight)
            // The same reference and content with another inspection time is refused.
            let moved = try await base.run(.inspections, try ImporterTests.file(
                "inspection_ref,inspected_at,site_code,operator,inspector,category,severity,finding,deadline\nAJ-1,2020-05-02,WZ-001,cmcc,万州区安监站,documents,general,资料不全,2020-05-08\n"), store)
            #expect(moved.errors.map(\.code) == ["finding_exists"])
            // Progress dated after the inspection is refused; before it, taken.
            let before = try await base.run(.progress, try ImporterTests.file("site_code,operator,stage,occurred_at\nWZ-001,cmcc,on_air,2020-04-30\n"), store)
            #expect(before.committed, "\(before.errors)")
            let after = try await base.run(.progress, try ImporterTests.file("site_code,operator,stage,occurred_at\nWZ-001,cmcc,accepted,2020-05-03\n"), store)
            #expect(after.errors.map(\.code) == ["stop_work"] && after.errors.first?.message(.zh).contains("AJ-1") == true)
            // A rollback (equipment removed) is not progress: it is taken while the stop lasts.
            let rollback = try await base.run(.progress, try ImporterTests.file("site_code,operator,stage,occurred_at,rollback_reason\nWZ-001,cmcc,installed,2020-05-03,拆除\n"), store)
            #expect(rollback.committed, "\(rollback.errors)")
        }
    }

    @Test(arguments: [
        ("inspection_ref,inspected_at,region_code,inspector,category,severity,finding,deadline\nA,2020-05-01,500103,x,weather,general,y,2020-05-09\n", "unknown_safety_category"),
        ("inspection_ref,inspected_at,region_code,inspector,category,severity,finding,deadline\nA,2020-05-01,500103,x,fire,fatal,y,2020-05-09\n", "unknown_severity"),
        ("inspection_ref,inspected_at,region_code,inspector,category,severity,finding,deadline\nA,2020-05-09,500103,x,fire,general,y,2020-05-01\n", "deadline_before_inspection"),
        ("inspection_ref,inspected_at,region_code,inspector,category,severity,finding,deadline\nA,2020-07-01,500103,x,fire,general,y,2020-07-09\n", "in_future"),
        ("inspection_ref,inspected_at,site_code,operator,inspector,category,severity,finding,deadline\nA,2020-05-01,NOPE,cmcc,x,fire,general,y,2020-05-09\n", "unknown_site"),
        ("inspection_ref,inspected_at,inspector,category,severity,finding,deadline\nA,2020-05-01,x,fire,general,y,2020-05-09\n", "site_or_region"),
        ("inspection_ref,inspected_at,region_code,inspector,category,severity,finding,deadline,responsible\nA,2020-05-01,500103,x,fire,general,y,2020-05-09,某公司\n", "bad_responsible"),
        ("inspection_ref,inspected_at,region_code,inspector,category,severity,finding,deadline\nA,2020-05-01,500103,x,fire,general,y,2020-05-09\nA,2020-05-01,500103,x,fire,general,y,2020-05-09\n", "duplicate_in_file"),
        ("inspection_ref,inspected_at,region_code,contractor,inspector,category,severity,finding,deadline\nA,2020-05-01,500103,无名公司,x,fire,general,y,2020-05-09\n", "unknown_contractor"),
    ])
    func badRowsGetAClearErrorAndNothingIsWritten(text: String, code: String) async throws {
        try await Backend.sqlite.withStore { store, _ in
            try await base.setUp(store)
            let report = try await base.run(.inspections, try ImporterTests.file(text), store)
            #expect(report.errors.map(\.code) == [code], "\(report.errors)")
            let count = try await store.eventCount()
            #expect(!report.committed && count == 0)
            for e in report.errors { #expect(Catalogue.keys.contains("import.\(e.code)"), "\(e.code)") }
        }
    }
}
