import Testing
@testable import RolloutCore

/// Adoption's rules: months, the vocabulary of projects, the fold as of a moment (corrections,
/// status histories), growth and penetration, the checks of what is recorded, and the
/// scorecard's relative parts.
@Suite struct AdoptionTests {
    static func at(_ text: String) -> Instant { ShanghaiCalendar.parseInstant(text)! }
    static let april = YearMonth(year: 2020, month: 4)!

    static func project(_ ref: String, _ status: ApplicationProject.Status, region: String = "500103", op: Operator? = .cmcc) -> ApplicationProject {
        ApplicationProject(ref: ref, name: "远程会诊", domain: .health, regionCode: region, operator: op, leadOrg: "医院", status: status,
                           investmentCNY: 1_000_000, demonstration: false)
    }

    static func figure(_ month: YearMonth, _ op: Operator, _ region: String, _ n: Int?, _ tb: Double? = nil) -> SubscriberFigure {
        SubscriberFigure(month: month, operator: op, regionCode: region, subscribers: n, trafficTB: tb)
    }

    static func log(_ items: [(EventBody, String, String)]) -> [LoggedEvent] {
        items.enumerated().map { i, e in LoggedEvent(seq: Int64(i + 1), event: NewEvent(e.0, occurredAt: at(e.1), recordedAt: at(e.2), actor: "t")) }
    }

    @Test func monthsReadAsWrittenAndRefuseWhatIsNotOne() throws {
        #expect(YearMonth("2020-04") == Self.april)
        #expect(YearMonth("2020/4") == Self.april)
        #expect(YearMonth("2020年4月") == Self.april)
        for bad in ["2020-13", "2020-00", "04-2020", "2020-4-1", "２０２０-04", "", "2020", "2020--04", "20200-4", "-2020-04"] {
            #expect(YearMonth(bad) == nil, "\(bad)")
        }
        #expect(Self.april.description == "2020-04" && Self.april.next.description == "2020-05")
        #expect(YearMonth(year: 2020, month: 1)!.minus(3).description == "2019-10")
        #expect(Self.april.lastSecond == Self.at("2020-04-30T23:59:59+08:00"))
        #expect(YearMonth(of: Self.at("2020-04-30T23:59:59+08:00")) == Self.april)
        #expect(YearMonth(of: Self.at("2020-04-30T16:00:00Z")) == YearMonth(year: 2020, month: 5))  // 00:00 on 1 May in Beijing
        #expect(SubscriberFigure.occurredAt(Self.april, reportedAt: Self.at("2020-04-15")) == Self.at("2020-04-15"))
        #expect(SubscriberFigure.occurredAt(Self.april, reportedAt: Self.at("2020-06-15")) == Self.april.lastSecond)
    }

    @Test func domainsAndStatusesReadCodesAndChineseNames() {
        for d in ApplicationProject.Domain.allCases {
            #expect(ApplicationProject.Domain(codeOrName: d.rawValue) == d)
            #expect(ApplicationProject.Domain(codeOrName: d.chineseName) == d)
        }
        #expect(ApplicationProject.Domain(codeOrName: "车联网") == .connectedVehicles)
        #expect(ApplicationProject.Domain(codeOrName: "ar/vr") == .arVR)
        #expect(ApplicationProject.Domain(codeOrName: "5G+健康扶贫") == .health)
        #expect(ApplicationProject.Domain(codeOrName: "space") == nil)
        for s in ApplicationProject.Status.allCases {
            #expect(ApplicationProject.Status(codeOrName: s.rawValue) == s && ApplicationProject.Status(codeOrName: s.chineseName) == s)
        }
        #expect(ApplicationProject.Status(codeOrName: "done") == nil)
    }

    @Test func theFoldKeepsTheLatestStatusByDateAndTheLastCorrectionKnown() {
        let events = Self.log([
            (.applicationRecorded(Self.project("P1", .proposed)), "2020-03-01T10:00:00+08:00", "2020-03-01T10:00:00+08:00"),
            (.applicationRecorded(Self.project("P1", .inOperation)), "2020-05-20T10:00:00+08:00", "2020-05-20T10:00:00+08:00"),
            // A history sent late: building from 1 April, recorded after the later status.
            (.applicationRecorded(Self.project("P1", .building)), "2020-04-01T10:00:00+08:00", "2020-06-01T10:00:00+08:00"),
            (.subscribersReported(Self.figure(Self.april, .cmcc, "500103", 100, 2.5)), "2020-04-30T23:59:59+08:00", "2020-05-05T10:00:00+08:00"),
            (.subscribersReported(Self.figure(Self.april, .cmcc, "500103", 120, 2.5)), "2020-04-30T23:59:59+08:00", "2020-05-20T10:00:00+08:00"),
            (.subscribersReported(Self.figure(Self.april, .ctcc, "500103", 30)), "2020-04-30T23:59:59+08:00", "2020-05-05T10:00:00+08:00"),
        ])
        let now = Adoption(events, at: ReadMoment(asOf: Cutoff.including(Self.at("2020-06-15"))))
        #expect(now.projects["P1"]?.project.status == .inOperation)
        #expect(now.subscribers(Self.april, region: "500103") == 150)
        #expect(now.subscribers(Self.april, operator: .cmcc) == 120)
        #expect(now.traffic(Self.april) == 2.5)
        // As of 10 May: the building record (dated 1 April) stands; April as first reported by what was known then.
        let may10 = ReadMoment(asOf: Cutoff.including(Self.at("2020-05-10")), knownAt: Cutoff.including(Self.at("2020-05-10")))
        let then = Adoption(events, at: may10)
        #expect(then.projects["P1"]?.project.status == .proposed)  // the building record was not known yet
        #expect(then.subscribers(Self.april, region: "500103") == 130)
        let asKnownNow = Adoption(events, at: ReadMoment(asOf: Cutoff.including(Self.at("2020-05-10"))))
        #expect(asKnownNow.projects["P1"]?.project.status == .building)
        #expect(asKnownNow.subscribers(Self.april, region: "500103") == 150)
        // Before the month ended its figure is not there.
        #expect(Adoption(events, at: ReadMoment(asOf: Cutoff.including(Self.at("2020-04-29")))).subscribers(Self.april) == nil)
    }

    @Test func growthPenetrationAndTheLinesComeFromTheStandingFigures() {
        var items: [(EventBody, String, String)] = []
        for (m, a, b) in [(1, 100, 50), (2, 110, 60), (3, 150, 70), (4, 200, 100)] {
            let month = YearMonth(year: 2020, month: m)!
            let t = ShanghaiCalendar.iso8601(month.lastSecond)
            items.append((.subscribersReported(Self.figure(month, .cmcc, "A", a, 1)), t, t))
            items.append((.subscribersReported(Self.figure(month, .cmcc, "B", b, 2)), t, t))
        }
        items.append((.subscriberTargetSet(SubscriberTarget(regionCode: "A", target: 400, due: Self.at("2020-12-31"))), "2020-04-09", "2020-04-09"))
        items.append((.applicationRecorded(Self.project("P1", .inOperation, region: "A")), "2020-03-01", "2020-03-01"))
        items.append((.applicationRecorded(Self.project("P2", .building, region: "A")), "2020-03-01", "2020-03-01"))
        let a = Adoption(Self.log(items), at: ReadMoment(asOf: Cutoff.including(Self.at("2020-06-15"))))
        #expect(a.latestMonth == Self.april)
        #expect(a.growth(region: "A") == 1.0)   // 200 against 100 in January
        #expect(a.growth(region: "B") == 1.0)
        #expect(a.growth(region: "C") == nil)
        let line = a.line(region: "A", population: 1_000)
        #expect(line.subscribers == 200 && line.subscribersBefore == 100 && line.target == 400 && line.attainment == 0.5)
        #expect(line.penetration == 20 && line.applications == 2 && line.inOperation == 1 && line.investmentCNY == 2_000_000)
        // The city: penetration over the regions whose population is known only.
        let city = a.cityLine(populations: ["A": 1_000])
        #expect(city.subscribers == 300 && city.penetration == 20 && city.population == 1_000 && city.target == 400)
        #expect(city.growth == 1.0 && city.trafficTB == 3)
    }

    @Test func recordsAreCheckedBeforeTheyAreLogged() throws {
        let now = Self.at("2020-06-15")
        #expect(throws: Never.self) { try Self.figure(Self.april, .cmcc, "A", 0).validated(now: now) }
        func code(_ f: () throws -> Any) -> String? { do { _ = try f(); return nil } catch let e as RolloutError { return e.code } catch { return "?" } }
        #expect(code { try Self.figure(YearMonth(year: 2020, month: 7)!, .cmcc, "A", 1).validated(now: now) } == "subscribers_future_month")
        #expect(code { try Self.figure(Self.april, .cmcc, "A", -1).validated(now: now) } == "subscribers_bad_count")
        #expect(code { try Self.figure(Self.april, .cmcc, "A", 1, -0.5).validated(now: now) } == "subscribers_bad_traffic")
        #expect(code { try Self.figure(Self.april, .cmcc, "A", 1, .nan).validated(now: now) } == "subscribers_bad_traffic")
        #expect(code { try Self.figure(Self.april, .cmcc, "A", nil, nil).validated(now: now) } == "subscribers_empty")
        var p = Self.project("P1", .building)
        p.investmentCNY = -1
        #expect(code { try p.validated() } == "application_bad_investment")
        p.investmentCNY = nil; p.ref = "a\nb"
        #expect(code { try p.validated() } == "application_bad_ref")
        p.ref = "P1"; p.name = ""
        #expect(code { try p.validated() } == "application_bad_name")
    }

    @Test func theRelativePartsScoreTheBestDistrictAHundred() {
        func i(_ r: String, apps: Int?, growth: Double?) -> Scorecard.Inputs {
            Scorecard.Inputs(region: r, built: 0, target: nil, elapsed: 0.5, openObstacles: 0, overdueObstacles: 0, reportingPeriods: nil,
                             missedPeriods: nil, applicationsInOperation: apps, subscriberGrowth: growth)
        }
        let inputs = [i("a", apps: 4, growth: 0.5), i("b", apps: 1, growth: 0.25), i("c", apps: 0, growth: -0.1), i("d", apps: 0, growth: nil)]
        let peers = Scorecard.Peers(inputs)
        #expect(Scorecard.partScore(.applications, inputs[0], peers: peers) == 100)
        #expect(Scorecard.partScore(.applications, inputs[1], peers: peers) == 25)
        #expect(Scorecard.partScore(.applications, inputs[2], peers: peers) == 0)
        #expect(Scorecard.partScore(.subscribers, inputs[1], peers: peers) == 50)
        #expect(Scorecard.partScore(.subscribers, inputs[2], peers: peers) == 0)   // shrinking scores nothing
        #expect(Scorecard.partScore(.subscribers, inputs[3], peers: peers) == nil) // no data weighs nothing
        // No project anywhere (nil) is no data; projects but none in operation score 0 for all.
        #expect(Scorecard.partScore(.applications, i("e", apps: nil, growth: nil)) == nil)
        #expect(Scorecard.partScore(.applications, i("e", apps: 0, growth: nil)) == 0)
        let lines = Scorecard.lines(inputs, weights: Scorecard.Weights([.applications: 1, .subscribers: 1]))
        #expect(lines.first?.region == "a" && lines.first?.score == 100)
    }
}
