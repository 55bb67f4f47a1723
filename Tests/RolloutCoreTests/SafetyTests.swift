import Testing
@testable import RolloutCore

/// Safety's rules: the vocabulary, the loop of a finding (open → fix reported → accepted or
/// reopened) and who may take each step, the stop-work periods of major findings, the tallies and
/// the scorecard's safety part.
@Suite struct SafetyTests {
    static func at(_ text: String) -> Instant { ShanghaiCalendar.parseInstant(text)! }
    static let site = SiteKey(operator: .cmcc, code: "S1")
    static let office = Principal(account: "o", role: .cityOffice)
    static let cmcc = Principal(account: "m", role: .operator, operator: .cmcc)
    static let ctcc = Principal(account: "t", role: .operator, operator: .ctcc)
    static let yuzhong = Principal(account: "y", role: .district, region: "500103")
    static let wanzhou = Principal(account: "w", role: .district, region: "500101")

    static func finding(_ ref: String, _ severity: SafetyFinding.Severity, site: SiteKey? = site, contractor: String? = "甲公司") -> SafetyFinding {
        SafetyFinding(ref: ref, inspectionRef: ref, site: site, regionCode: "500103", contractor: contractor, inspector: "安监站", category: .workAtHeight,
                      severity: severity, text: "未系安全带", responsible: "cmcc", deadline: at("2020-05-08"))
    }

    static func log(_ items: [(EventBody, String)]) -> [LoggedEvent] {
        items.enumerated().map { i, e in LoggedEvent(seq: Int64(i + 1), event: NewEvent(e.0, occurredAt: at(e.1), recordedAt: at(e.1), actor: "t")) }
    }

    @Test func categoriesAndSeveritiesReadCodesAndChineseNames() {
        for c in SafetyFinding.Category.allCases {
            #expect(SafetyFinding.Category(codeOrName: c.rawValue) == c && SafetyFinding.Category(codeOrName: c.chineseName) == c)
        }
        #expect(SafetyFinding.Category(codeOrName: "高空作业") == .workAtHeight)
        #expect(SafetyFinding.Category(codeOrName: "weather") == nil)
        #expect(SafetyFinding.Severity(codeOrName: "重大隐患") == .major && SafetyFinding.Severity(codeOrName: "一般") == .general)
        #expect(SafetyFinding.Severity(codeOrName: "fatal") == nil)
    }

    @Test func aMajorFindingStopsWorkFromTheInspectionUntilTheFixIsAccepted() {
        let events = Self.log([
            (.findingRecorded(Self.finding("A", .major)), "2020-05-01T10:00:00+08:00"),
            (.findingStep(ref: "A", step: .rectified(note: "系好")), "2020-05-03T10:00:00+08:00"),
            (.findingStep(ref: "A", step: .reopened(note: "未改", deadline: Self.at("2020-05-10"))), "2020-05-04T10:00:00+08:00"),
            (.findingStep(ref: "A", step: .rectified(note: "再改")), "2020-05-06T10:00:00+08:00"),
            (.findingStep(ref: "A", step: .accepted(note: "通过")), "2020-05-07T10:00:00+08:00"),
            (.findingRecorded(Self.finding("B", .general)), "2020-05-02T10:00:00+08:00"),
        ])
        let s = Safety(events, at: ReadMoment(asOf: Cutoff.including(Self.at("2020-06-01"))))
        #expect(s.findings["A"]?.status == .closed && s.findings["A"]?.closedAt == Self.at("2020-05-07T10:00:00+08:00"))
        #expect(s.findings["A"]?.marks.count == 5)
        #expect(s.stopWork(Self.site, at: Self.at("2020-05-01T09:59:59+08:00")) == nil)   // before the inspection
        #expect(s.stopWork(Self.site, at: Self.at("2020-05-05T12:00:00+08:00"))?.ref == "A")
        #expect(s.stopWork(Self.site, at: Self.at("2020-05-07T10:00:00+08:00")) == nil)   // lifted at the acceptance
        #expect(s.stoppedSites(at: Self.at("2020-06-01")).isEmpty)
        // A general finding never stops work; as of 5 May the major one still does.
        let may5 = Safety(events, at: ReadMoment(asOf: Cutoff.including(Self.at("2020-05-05T12:00:00+08:00"))))
        #expect(may5.stoppedSites(at: Self.at("2020-05-05T12:00:00+08:00")).keys.sorted() == [Self.site])
        #expect(may5.findings["A"]?.status == .open && may5.findings["A"]?.deadline == Self.at("2020-05-10"))
        #expect(may5.findings["B"]?.overdue(at: Self.at("2020-05-09")) == true)
        let t = may5.tallies(at: Self.at("2020-05-09"))
        #expect(t.city.findings == 2 && t.city.major == 1 && t.city.unresolved == 2 && t.city.overdue == 1 && t.city.stopped == 1)
        #expect(t.contractors["甲公司"]?.findings == 2 && t.regions["500103"]?.per100(sites: 50) == 4)
        #expect(Safety.weightedPer100(t.regions["500103"]!, sites: 50) == 8)   // the major one weighs three
        let closed = s.tallies(at: Self.at("2020-06-01"))
        #expect(closed.city.closed == 1 && abs(closed.city.meanDaysToClose! - 6) < 1e-9)
    }

    @Test func eachStepIsTakenByWhomItBelongsToAndInOrder() throws {
        let open = Safety(Self.log([(.findingRecorded(Self.finding("A", .general)), "2020-05-01")]), at: ReadMoment(asOf: Cutoff.including(Self.at("2020-05-02"))))
        let state = open.findings["A"]
        let now = Self.at("2020-05-02")
        func code(_ f: () throws -> Void) -> String? { do { try f(); return nil } catch let e as RolloutError { return e.code } catch { return "?" } }
        #expect(code { try Safety.check(.rectified(note: "x"), on: state, at: now, by: Self.cmcc) } == nil)
        #expect(code { try Safety.check(.rectified(note: "x"), on: state, at: now, by: Self.office) } == nil)
        #expect(code { try Safety.check(.rectified(note: "x"), on: state, at: now, by: Self.ctcc) } == "finding_not_responsible")
        #expect(code { try Safety.check(.rectified(note: "x"), on: state, at: now, by: Self.yuzhong) } == "finding_not_responsible")
        #expect(code { try Safety.check(.accepted(note: "x"), on: state, at: now, by: Self.yuzhong) } == "finding_not_rectified")
        #expect(code { try Safety.check(.rectified(note: "x"), on: nil, at: now, by: Self.cmcc) } == "unknown_finding")
        var fixed = try #require(state)
        fixed.status = .rectified
        #expect(code { try Safety.check(.accepted(note: "x"), on: fixed, at: now, by: Self.yuzhong) } == nil)
        #expect(code { try Safety.check(.accepted(note: "x"), on: fixed, at: now, by: Self.wanzhou) } == "finding_not_inspector")
        #expect(code { try Safety.check(.accepted(note: "x"), on: fixed, at: now, by: Self.cmcc) } == "finding_not_inspector")
        #expect(code { try Safety.check(.rectified(note: "x"), on: fixed, at: now, by: Self.cmcc) } == "finding_not_open")
        #expect(code { try Safety.check(.reopened(note: "x", deadline: now), on: fixed, at: now, by: Self.office) } == "finding_bad_deadline")
        #expect(code { try Safety.check(.reopened(note: "x", deadline: now.adding(days: 3)), on: fixed, at: now, by: Self.office) } == nil)
    }

    @Test func theScorecardPenalisesFindingsPerHundredSites() {
        var i = Scorecard.Inputs(region: "a", built: 0, target: nil, elapsed: 0.5, openObstacles: 0, overdueObstacles: 0, reportingPeriods: nil, missedPeriods: nil)
        #expect(Scorecard.partScore(.safety, i) == nil)
        i.safetyPer100 = 0
        #expect(Scorecard.partScore(.safety, i) == 100)
        i.safetyPer100 = 2.5
        #expect(Scorecard.partScore(.safety, i) == 75)
        i.safetyPer100 = 30
        #expect(Scorecard.partScore(.safety, i) == 0)
    }

    @Test func aMajorFindingIsNewsForItsDistrictAndOperatorAndAGeneralOneIsNot() throws {
        let events = Self.log([(.findingRecorded(Self.finding("A", .major)), "2020-05-01"), (.findingRecorded(Self.finding("B", .general)), "2020-05-02")])
        #expect(NotificationFact.isNews(events[0].event.body) && !NotificationFact.isNews(events[1].event.body))
        let fact = try #require(NotificationFact.of(events[0], context: .init()))
        #expect(fact.topic == .safetyMajor && fact.region == "500103" && fact.operator == .cmcc && fact.site == Self.site && fact.ref == "A")
        #expect(NotificationTopic.safetyMajor.namesRecords)
    }
}
