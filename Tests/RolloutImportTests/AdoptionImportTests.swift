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
import RolloutApplication
import RolloutFiles

/// The `subscribers` and `applications` files, and subscriber targets in the `targets` file, on
/// every database: what they record, what re-sending and correcting do, and what bad rows get.
@Suite struct AdoptionImportTests {
    static let now = ImporterTests.now
    static let always = ReadMoment(asOf: Cutoff.including(ImporterTests.now))
    let base = ImporterTests()

    func adoption(_ store: SQLCampaignStore, _ moment: ReadMoment = always) async throws -> Adoption {
        Adoption(try await store.events(kinds: Adoption.kinds), at: moment)
    }

    @Test(arguments: Backend.available)
    func subscribersAreRecordedCorrectedAndReadAsOfAnyMoment(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await base.setUp(store)
            let april = YearMonth(year: 2020, month: 4)!, june = YearMonth(year: 2020, month: 6)!
            let file = try ImporterTests.file("""
                月份,运营商,区县代码,5G用户数,5G流量(TB)
                2020-04,移动,500103,1200,30.5
                2020/4,ctcc,500103,800,
                2020-04-01,cucc,500101,,12
                2020-06,cmcc,500101,50,1
                """)
            let first = try await base.run(.subscribers, file, store)
            #expect(first.committed && first.applied == 4, "\(first.errors)")
            let again = try await base.run(.subscribers, file, store)
            #expect(again.committed && again.applied == 0 && again.unchanged == 4)
            var a = try await adoption(store)
            #expect(a.subscribers(april) == 2_000 && a.subscribers(april, region: "500103", operator: .cmcc) == 1_200)
            #expect(a.traffic(april) == 42.5)
            // June is running: its figure dates from the import's moment, not the month's end.
            #expect(a.subscribers(june) == 50)
            #expect(try await adoption(store, ReadMoment(asOf: Cutoff(before: ImporterTests.now))).subscribers(june) == nil)
            // A correction is a new event; as known before it, the first figure stands.
            let correctedAt = ImporterTests.now.adding(seconds: 3_600)
            let report = try await Importer.run(.subscribers, file: try ImporterTests.file("month,operator,region_code,subscribers_5g,traffic_tb\n2020-04,cmcc,500103,1250,30.5\n"),
                                                store: store, now: correctedAt, actor: "test", dryRun: false)
            #expect(report.committed && report.applied == 1, "\(report.errors)")
            a = try await adoption(store, ReadMoment(asOf: Cutoff.including(correctedAt)))
            #expect(a.subscribers(april, region: "500103", operator: .cmcc) == 1_250)
            let before = try await adoption(store, ReadMoment(asOf: Cutoff.including(correctedAt), knownAt: Cutoff.including(ImporterTests.now)))
            #expect(before.subscribers(april, region: "500103", operator: .cmcc) == 1_200)
            #expect(try await store.events(kinds: ["subscribers.reported"]).count == 5)
        }
    }

    @Test(arguments: Backend.available)
    func projectsAreRecordedWithTheirHistoryAndTakeNoOnesProject(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await base.setUp(store)
            let file = try ImporterTests.file("""
                project_ref,name,domain,region_code,operator,lead_org,status,investment_cny,demonstration,status_date
                P-1,"远程会诊,一期",health,500103,cmcc,重庆某医院,proposed,1500000,是,2020-03-01
                P-1,"远程会诊,一期",health,500103,cmcc,重庆某医院,building,1500000,是,2020-04-15
                P-2,智能工厂,5G+工业互联网,500101,,某制造企业,运营中,,,
                """)
            let first = try await base.run(.applications, file, store)
            #expect(first.committed && first.applied == 3, "\(first.errors)")
            #expect(try await base.run(.applications, file, store).unchanged == 3)
            let a = try await adoption(store)
            #expect(a.projects["P-1"]?.project.status == .building && a.projects["P-1"]?.project.demonstration == true)
            #expect(a.projects["P-1"]?.project.name == "远程会诊,一期" && a.projects["P-2"]?.project.domain == .industrialInternet)
            let march = try await adoption(store, ReadMoment(asOf: Cutoff.including(ShanghaiCalendar.parseInstant("2020-03-31")!)))
            #expect(march.projects["P-1"]?.project.status == .proposed && march.projects["P-2"] == nil)
            // An operator may not take over a project another organisation keeps, nor record one it does not carry.
            let ctcc = Principal(account: "ctcc-sys", role: .operator, operator: .ctcc)
            let takeOver = try await Importer.run(.applications, file: try ImporterTests.file(
                "project_ref,name,domain,region_code,operator,lead_org,status\nP-1,改名,health,500103,ctcc,电信,stopped\nP-3,x,health,500103,cmcc,y,proposed\n"),
                store: store, now: Self.now, actor: "ctcc-sys", scope: ctcc, dryRun: false)
            #expect(takeOver.errors.map(\.code) == ["not_yours", "not_yours"], "\(takeOver.errors)")
            // A district records its own region's projects only.
            let yuzhong = Principal(account: "yuzhong", role: .district, region: "500103")
            let own = try await Importer.run(.applications, file: try ImporterTests.file(
                "project_ref,name,domain,region_code,lead_org,status\nP-4,智慧课堂,education,500103,某中学,building\n"),
                store: store, now: Self.now, actor: "yuzhong", scope: yuzhong, dryRun: false)
            #expect(own.committed && own.applied == 1, "\(own.errors)")
            // Subscribers are the operators' to report: a district's file is refused before it is read.
            let refused = await #expect(throws: RolloutError.self) {
                try await Importer.run(.subscribers, file: try ImporterTests.file("month,operator,region_code,subscribers_5g\n2020-04,cmcc,500103,1\n"),
                                       store: store, now: Self.now, actor: "yuzhong", scope: yuzhong, dryRun: false)
            }
            #expect(refused?.code == "forbidden_import")
        }
    }

    @Test(arguments: Backend.available)
    func subscriberTargetsComeThroughTheTargetsFile(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await base.setUp(store)
            let file = try ImporterTests.file("region_code,operator,target,due,measure\n500103,,1000,2020-12-31,subscribers_5g\n500103,,40,2020-06-30,\n")
            let first = try await base.run(.targets, file, store)
            #expect(first.committed && first.applied == 2, "\(first.errors)")
            #expect(try await adoption(store).target(region: "500103")?.target == 1_000)
            let sites = try await store.figureSource(at: Self.always, campaign: ImporterTests.campaign).targets
            #expect(sites.target(region: "500103") == 40)
            let change = try await base.run(.targets, try ImporterTests.file("region_code,target,due,measure\n500103,1200,2020-12-31,5G用户数\n"), store)
            #expect(change.errors.map(\.code) == ["reason_required"])
            let keyArea = try await base.run(.targets, try ImporterTests.file("region_code,target,due,measure,key_area\n500103,1200,2020-12-31,subscribers_5g,解放碑\n"), store)
            #expect(keyArea.errors.map(\.code) == ["key_area_not_for_subscribers"])
        }
    }

    @Test func anExportOfProjectsAndFiguresImportsBackToTheSameAdoption() async throws {
        try await withFreshDemo(.sqlite, fraction: 0.002) { service in
            let work = try PrivateTemporaryDirectory()
            defer { work.remove() }
            let now = try await service.campaign().now(service.clock)
            let original = try await service.adoption(asOf: nil, knownAt: nil).adoption
            let applications = work.url.appendingPathComponent("applications.csv"), subscribers = work.url.appendingPathComponent("subscribers.xlsx")
            try await Exporter.write(.applications, format: .csv, service: service, asOf: nil, knownAt: nil, to: applications)
            try await Exporter.write(.subscribers, format: .xlsx, service: service, asOf: nil, knownAt: nil, to: subscribers)
            try await Backend.sqlite.withStore { store, _ in
                try await base.setUp(store)
                for (kind, url) in [(ImportKind.applications, applications), (.subscribers, subscribers)] {
                    let report = try await Importer.run(kind, file: url, store: store, now: now, actor: "test", dryRun: false)
                    #expect(report.committed && report.errors.isEmpty, "\(kind): \(report.errors.prefix(3))")
                }
                let copy = try await adoption(store, ReadMoment(asOf: Cutoff.including(now)))
                #expect(copy.currentProjects == original.currentProjects)
                #expect(copy.projects.mapValues(\.since.seconds) == original.projects.mapValues(\.since.seconds))
                #expect(copy.figures == original.figures && !copy.figures.isEmpty)
            }
        }
    }

    @Test(arguments: [
        (ImportKind.subscribers, "month,operator,region_code,subscribers_5g\n2020-04,cmcc,500103,-5\n", "subscribers_bad_count"),
        (.subscribers, "month,operator,region_code,subscribers_5g\n2020-04,cmcc,500103,12.5\n", "subscribers_bad_count"),
        (.subscribers, "month,operator,region_code,subscribers_5g\n2020-07,cmcc,500103,5\n", "subscribers_future_month"),
        (.subscribers, "month,operator,region_code,subscribers_5g\n2020-13,cmcc,500103,5\n", "bad_month"),
        (.subscribers, "month,operator,region_code,traffic_tb\n2020-04,,500103,5\n", "required"),
        (.subscribers, "month,region_code,traffic_tb\n2020-04,500103,5\n", "missing_column"),
        (.subscribers, "month,operator,region_code,traffic_tb\n2020-04,cmcc,500103,-1\n", "subscribers_bad_traffic"),
        (.subscribers, "month,operator,region_code,subscribers_5g,traffic_tb\n2020-04,cmcc,500103,,\n", "subscribers_empty"),
        (.subscribers, "month,operator,region_code,subscribers_5g\n2020-04,cmcc,500103,5\n2020/4,移动,500103,6\n", "duplicate_in_file"),
        (.subscribers, "month,operator,region_code,subscribers_5g\n1999-04,cmcc,500103,5\n", "too_early"),
        (.applications, "project_ref,name,domain,region_code,lead_org,status\nP,x,space,500103,y,building\n", "unknown_domain"),
        (.applications, "project_ref,name,domain,region_code,lead_org,status\nP,x,health,500103,y,done\n", "unknown_status"),
        (.applications, "project_ref,name,domain,region_code,lead_org,status,investment_cny\nP,x,health,500103,y,building,-3\n", "application_bad_investment"),
        (.applications, "project_ref,name,domain,region_code,lead_org,status,demonstration\nP,x,health,500103,y,building,maybe\n", "bad_flag"),
        (.applications, "project_ref,name,domain,region_code,lead_org,status,status_date\nP,x,health,500103,y,building,2020-07-01\n", "in_future"),
        (.applications, "project_ref,name,domain,region_code,lead_org,status\nP,x,health,999999,y,building\n", "unknown_region"),
        (.applications, "project_ref,name,domain,region_code,lead_org,status\nP,x,health,500103,y,building\nP,z,health,500103,y,stopped\n", "duplicate_in_file"),
        (.targets, "region_code,target,due,measure\n500103,10,2020-12-31,users\n", "bad_measure"),
    ])
    func badRowsGetAClearErrorAndNothingIsWritten(kind: ImportKind, text: String, code: String) async throws {
        try await Backend.sqlite.withStore { store, _ in
            try await base.setUp(store)
            let report = try await base.run(kind, try ImporterTests.file(text), store)
            #expect(report.errors.map(\.code) == [code], "\(report.errors)")
            let count = try await store.eventCount()
            #expect(!report.committed && count == 0)
            // Every code has its message in both languages.
            for e in report.errors { #expect(Catalogue.keys.contains("import.\(e.code)"), "\(e.code)") }
        }
    }
}
