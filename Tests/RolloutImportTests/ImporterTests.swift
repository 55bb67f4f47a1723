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

/// The operators' contract, end to end: files in, events and numbers out, on every database.
@Suite struct ImporterTests {
    static let now = ShanghaiCalendar.parseInstant("2020-06-15T12:00:00+08:00")!
    static let campaign = Campaign(name: "导入测试", start: ShanghaiCalendar.parseInstant("2020-01-01")!,
                                   deadline: ShanghaiCalendar.parseInstant("2020-06-30T23:59:59+08:00")!)

    static func fixture(_ name: String) -> URL {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!
    }

    static func file(_ text: String, encoding: String.Encoding = .utf8) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-import-\(UUID().uuidString).csv")
        try text.data(using: encoding)!.write(to: url)
        return url
    }

    func setUp(_ store: SQLCampaignStore) async throws {
        try await store.createCampaign(Self.campaign, clock: Self.now, regions: try Chongqing.regions(),
                                       outlines: try DemoInstaller.outlineGeometries(), now: Self.campaign.start)
    }

    func run(_ kind: ImportKind, _ url: URL, _ store: SQLCampaignStore, dryRun: Bool = false) async throws -> ImportReport {
        try await Importer.run(kind, file: url, store: store, now: Self.now, actor: "test", dryRun: dryRun)
    }

    @Test(arguments: Backend.available)
    func everyFixtureFormatLandsTheSameRows(backend: Backend) async throws {
        var results: [String: [String]] = [:]
        for variant in ["utf8-bom-crlf.csv", "gb18030.csv", "openpyxl.xlsx", "libreoffice.xlsx"] {
            try await backend.withStore { store, _ in
                try await setUp(store)
                let sites = try await run(.sites, Self.fixture("sites-\(variant)"), store)
                #expect(sites.errors.isEmpty, "\(variant): \(sites.errors)")
                #expect(sites.committed && sites.rows == 4 && sites.applied == 4)
                let progress = try await run(.progress, Self.fixture("progress-\(variant)"), store)
                #expect(progress.errors.isEmpty, "\(variant): \(progress.errors)")
                #expect(progress.rows == 5)
                let page = try await store.sites(SiteQuery(perPage: 100), at: ReadMoment(asOf: Cutoff.including(Self.now)))
                results[variant] = page.sites.map { "\($0.operator)/\($0.siteCode)/\($0.name)/\($0.kind)/\($0.host)/\($0.stage)/\($0.plannedOnAir ?? "-")" }
                // The rollback then the re-report: on air from 1 June.
                let wz = try #require(try await store.site(SiteKey(operator: .cmcc, code: "WZ-001"), at: ReadMoment(asOf: Cutoff.including(Self.now))))
                #expect(wz.timeline.map(\.stage) == ["planned", "site_secured", "installed", "civil_done", "on_air"])
                #expect(wz.site.name == "万州\"江南\"新区,一号站")
            }
        }
        let reference = results["utf8-bom-crlf.csv"]!
        #expect(reference.count == 4)
        for (variant, rows) in results { #expect(rows == reference, "\(variant)") }
    }

    @Test(arguments: Backend.available)
    func aFileWithBadRowsLandsNothingAndListsEveryBadRow(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            _ = try await run(.sites, Self.fixture("sites-utf8-bom-crlf.csv"), store)
            let before = try await store.eventCount()
            let csv = """
            site_code,operator,stage,occurred_at,rollback_reason
            WZ-001,cmcc,site_secured,2020-04-20,
            WZ-001,cmcc,designed,2020-02-30,
            NOPE,cmcc,on_air,2020-05-01,
            WZ-002,att,on_air,2020-05-01,
            WZ-002,cmcc,launched,2020-05-01,
            WZ-002,cmcc,on_air,2099-05-01,
            WZ-001,cmcc,installed,2020-05-01,
            WZ-001,cmcc,designed,2020-05-02,
            WZ-001,cmcc,on_air,2020-05-03,too,many
            YZ-001,ctcc,on_air,2020-05-03,

            """
            let report = try await run(.progress, try Self.file(csv), store)
            #expect(!report.committed && report.applied == 0)
            let found = report.errors.map { "\($0.row):\($0.column):\($0.code)" }
            #expect(found == ["3:occurred_at:bad_date", "4:site_code:unknown_site", "5:operator:bad_operator", "6:stage:unknown_stage",
                              "7:occurred_at:in_future", "9:stage:stage_backwards", "10::too_many_cells"])
            #expect(report.errors.allSatisfy { !$0.message(.zh).isEmpty && !$0.message(.en).isEmpty && !$0.message(.zh).contains("内部错误") })
            #expect(try await store.eventCount() == before)
        }
    }

    @Test(arguments: Backend.available)
    func theSameFileTwiceChangesNothingTheSecondTimeAndADryRunWritesNothing(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            let dry = try await run(.sites, Self.fixture("sites-gb18030.csv"), store, dryRun: true)
            #expect(dry.errors.isEmpty && !dry.committed && dry.dryRun && dry.applied == 4)
            #expect(try await store.eventCount() == 0)
            _ = try await run(.sites, Self.fixture("sites-gb18030.csv"), store)
            _ = try await run(.progress, Self.fixture("progress-gb18030.csv"), store)
            let moment = ReadMoment(asOf: Cutoff.including(Self.now))
            let counters = try await store.counters(at: moment)
            let events = try await store.eventCount()
            let again = try await run(.progress, Self.fixture("progress-openpyxl.xlsx"), store)
            #expect(again.committed && again.applied == 0 && again.unchanged == 5, "\(again)")
            #expect(try await store.eventCount() == events)
            #expect(try await store.counters(at: moment) == counters)
        }
    }

    @Test(arguments: Backend.available)
    func obstaclesResourcesAndTargets(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await setUp(store)
            _ = try await run(.sites, Self.fixture("sites-utf8-bom-crlf.csv"), store)
            let resources = try await run(.resources, try Self.file("""
                资源编号,产权单位,资源类型,区县代码,纬度,经度,高度(米)
                LAMP-1,市政路灯所,street_lamp,500101,30.811,108.377,12
                PWR-1,国网重庆电力,power_tower,500101,30.80,108.37,
                """), store)
            #expect(resources.committed, "\(resources.errors)")
            let sites = try await run(.sites, try Self.file("""
                site_code,operator,region_code,name,lat,lon,kind,host,resource_id
                WZ-010,cmcc,500101,灯杆站,30.811,108.377,pole,street_lamp,LAMP-1
                WZ-011,cmcc,500101,灯杆站,30.811,108.377,pole,street_lamp,LAMP-404
                """), store)
            #expect(sites.errors.map(\.code) == ["unknown_resource"])
            let hostile = "<script>alert('x')</script>'; DROP TABLE events; --"
            let obstacles = try await run(.obstacles, try Self.file("""
                site_code,operator,region_code,category,responsible,description,opened_at,ref,resolved_at
                WZ-001,cmcc,,power,电力公司,"\(hostile.replacingOccurrences(of: "\"", with: "\"\""))",2020-05-01,P-1,
                ,,500103,permit,区县政府,占道审批,2020-05-02,,
                WZ-002,cmcc,,电力引入,电力公司,变压器增容,2020-05-03,P-2,2020-05-10
                ,,,access,物业,无处可查,2020-05-03,,
                WZ-001,cmcc,,power,电力公司,x,2020-05-05,,2020-05-06
                """), store)
            #expect(obstacles.errors.map { "\($0.row):\($0.code)" } == ["5:site_or_region", "6:resolved_needs_ref"])
            let fixed = try await run(.obstacles, try Self.file("""
                site_code,operator,region_code,category,responsible,description,opened_at,ref,resolved_at
                WZ-001,cmcc,,power,电力公司,"\(hostile.replacingOccurrences(of: "\"", with: "\"\""))",2020-05-01,P-1,
                ,,500103,permit,区县政府,占道审批,2020-05-02,,
                WZ-002,cmcc,,电力引入,电力公司,变压器增容,2020-05-03,P-2,2020-05-10
                """), store)
            #expect(fixed.committed && fixed.applied == 3, "\(fixed.errors)")
            let open = try await store.counters(at: ReadMoment(asOf: Cutoff.including(Self.now))).openObstacles()
            #expect(open == 2)
            // The description is stored as written.
            let site = try #require(try await store.site(SiteKey(operator: .cmcc, code: "WZ-001"), at: ReadMoment(asOf: Cutoff.including(Self.now))))
            #expect(site.obstacles.first?.description == hostile)
            // Targets: a change needs a reason; the same line again changes nothing.
            let first = try await run(.targets, try Self.file("region_code,operator,target,due\n500101,,100,2020-06-30\n500101,cmcc,40,2020-06-30\n"), store)
            #expect(first.committed && first.applied == 2)
            let change = try await run(.targets, try Self.file("region_code,operator,target,due,reason\n500101,,120,2020-06-30,\n500101,cmcc,40,2020-06-30,\n"), store)
            #expect(change.errors.map(\.code) == ["reason_required"])
            let moved = try await run(.targets, try Self.file("区县代码,运营商,目标站数,完成期限,调整原因\n500101,,120,2020-06-30,从500102调入20站\n500101,移动,40,2020-06-30,\n"), store)
            #expect(moved.committed && moved.applied == 1 && moved.unchanged == 1, "\(moved.errors)")
            let records = try await store.figureSource(at: ReadMoment(asOf: Cutoff.including(Self.now)), campaign: Self.campaign).targets
            #expect(records.target(region: "500101") == 120)
        }
    }

    @Test(arguments: [
        ("", "empty_file"), ("site_code,operator,region_code,name,lat,lon,kind\n", "no_rows"),
        ("site_code,operator,region_code,name,lat,lon,kind,colour\nA,cmcc,500101,n,30.81,108.37,macro,red\n", "unknown_column"),
        ("site_code,operator,name,lat,lon,kind\nA,cmcc,n,30.81,108.37,macro\n", "missing_column"),
        ("site_code,operator,region_code,name,lat,lon,kind\nA,cmcc,500101,n,108.376,30.81,macro\n", "lat_lon_swapped"),
        ("site_code,operator,region_code,name,lat,lon,kind\nA,cmcc,500101,n,29.56,106.55,macro\n", "outside_region"),
        ("site_code,operator,region_code,name,lat,lon,kind\nA,cmcc,509901,n,30.81,108.37,macro\n", "outside_region"),
        ("site_code,operator,region_code,name,lat,lon,kind\nA,cmcc,500101,n,30.81,108.376,macro\nA,cmcc,500101,m,30.81,108.376,macro\n", "duplicate_in_file"),
        ("site_code,operator,region_code,name,lat,lon,kind\n\(String(repeating: "x", count: 65)),cmcc,500101,n,30.81,108.376,macro\n", "too_long"),
        ("site_code,operator,region_code,name,lat,lon,kind\nA,cmcc,999999,n,30.81,108.37,macro\n", "unknown_region"),
        ("site_code,operator,region_code,name,lat,lon,kind\nA,cmcc,500101,\"unterminated,30.81,108.37,macro\n", "bad_quoting"),
    ])
    func badFilesGetAClearError(text: String, code: String) async throws {
        try await Backend.sqlite.withStore { store, _ in
            try await setUp(store)
            let report = try await run(.sites, try Self.file(text), store)
            #expect(report.errors.map(\.code).contains(code), "\(report.errors)")
            #expect(!report.committed)
            #expect(try await store.eventCount() == 0)
        }
    }

    @Test(arguments: [
        (ImportKind.obstacles, "site_code,operator,region_code,category,description,opened_at\nWZ-001,,,power,x,2020-05-01\n", "operator_with_site"),
        (.obstacles, "site_code,operator,region_code,category,description,opened_at,ref,resolved_at\n,,500101,power,x,2020-05-05,R,2020-05-01\n", "resolved_before_opened"),
        (.obstacles, "site_code,operator,region_code,category,description,opened_at\n,,500101,weather,x,2020-05-01\n", "bad_category"),
        (.obstacles, "site_code,operator,region_code,category,description,opened_at\nWZ-001,cmcc,500103,power,x,2020-05-01\n", "region_mismatch"),
        (.targets, "region_code,target,due\n500101,-5,2020-06-30\n", "bad_target"),
        (.targets, "region_code,target,due\n500101,12.5,2020-06-30\n", "bad_target"),
        (.targets, "region_code,target,due\n500101,10,2020-06-30\n500101,11,2020-06-30\n", "duplicate_in_file"),
        (.resources, "resource_id,owner,kind,region_code,lat,lon\nR1,电力,new_tower,500101,30.81,108.37\n", "bad_resource_kind"),
        (.resources, "resource_id,owner,kind,region_code,lat,lon,height_m\nR1,电力,power_tower,500101,30.81,108.37,tall\n", "bad_number"),
        // A resource's point is checked against its region's outline, as a site's is: this one lies
        // inside Wanzhou's bounding box but outside its outline (the outlines are read only for
        // the kinds whose rows give a point).
        (.resources, "resource_id,owner,kind,region_code,lat,lon\nR1,电力,power_tower,500101,30.40,107.88\n", "outside_region"),
        (.progress, "site_code,operator,stage,occurred_at,rollback_reason\nWZ-001,cmcc,on_air,2020-05-01,拆除\n", "rollback_not_back"),
    ])
    func badRowsOfTheOtherKinds(kind: ImportKind, text: String, code: String) async throws {
        try await Backend.sqlite.withStore { store, _ in
            try await setUp(store)
            _ = try await run(.sites, Self.fixture("sites-utf8-bom-crlf.csv"), store)
            let before = try await store.eventCount()
            let report = try await run(kind, try Self.file(text), store)
            #expect(report.errors.map(\.code) == [code], "\(report.errors)")
            #expect(try await store.eventCount() == before)
        }
    }

    @Test func anObstaclesFileSentTwiceChangesNothing() async throws {
        try await Backend.sqlite.withStore { store, _ in
            try await setUp(store)
            _ = try await run(.sites, Self.fixture("sites-utf8-bom-crlf.csv"), store)
            let file = try Self.file("问题类别,问题描述,提出时间,区县代码,站址编码,运营商,解决时间,问题编号\n选址难,无合适站址,2020-05-01,500101,,,,\naccess,物业阻挠,2020-05-02,,WZ-001,cmcc,2020-05-09,A-7\n")
            let first = try await run(.obstacles, file, store)
            #expect(first.committed && first.applied == 2, "\(first.errors)")
            let again = try await run(.obstacles, file, store)
            #expect(again.committed && again.applied == 0 && again.unchanged == 2)
        }
    }

    @Test func binaryZipAndFormulaFilesAreRefused() async throws {
        try await Backend.sqlite.withStore { store, _ in
            try await setUp(store)
            let binary = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-\(UUID().uuidString).bin")
            try Data((0..<4096).map { UInt8(($0 * 7919) % 256) }).write(to: binary)
            let garbage = try await run(.sites, binary, store).errors.first?.code
            #expect(garbage == "nul_byte" || garbage == "mixed_encoding")
            let zip = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-\(UUID().uuidString).zip")
            try Data([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 1, count: 100)).write(to: zip)
            #expect(try await run(.sites, zip, store).errors.first?.code == "not_xlsx")
            let formula = try await run(.sites, Self.fixture("sites-formula.xlsx"), store)
            #expect(formula.errors.map { "\($0.row):\($0.column):\($0.code)" } == ["2:站名:formula_cell"])
            #expect(try await store.eventCount() == 0)
        }
    }
}
