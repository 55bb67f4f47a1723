import Foundation
import RolloutTexts
import Testing
@testable import RolloutCore

/// Reporting discipline's rules: the working calendar (weekends, holidays, swapped workdays, and
/// what a calendar file may not say), the periods of each cadence, and an organisation's status
/// at a moment against a day-by-day count written the plain way.
@Suite struct ReportingTests {
    static func day(_ text: String) -> DayNumber { ShanghaiCalendar.parseDay(text)! }
    /// 17:30 Shanghai time on a day.
    static func afternoon(_ text: String) -> Instant { ShanghaiCalendar.start(of: day(text)).adding(seconds: 17 * 3600 + 1800) }
    static let cmcc = Reporting.Organisation(kind: .operator, code: "cmcc")
    static let yuzhong = Reporting.Organisation(kind: .district, code: "500103")

    @Test func theCalendarIsMondayToFridayLessHolidaysPlusSwappedWorkdays() throws {
        // 2020-10-01 (Thursday) is National Day; Saturday 2020-10-10 was worked in exchange.
        #expect(WorkingCalendar.weekday(Self.day("2020-10-01")) == 3)
        #expect(WorkingCalendar.weekday(Self.day("2020-10-05")) == 0)
        #expect(WorkingCalendar.weekday(Self.day("2020-10-11")) == 6)
        let year = try WorkingCalendar.Year.parse(year: 2020, text: "date,type\n2020-10-01,holiday\n\n2020-10-10,WORKDAY\r\n2020-10-02,holiday")
        #expect(year.holidays == [Self.day("2020-10-01"), Self.day("2020-10-02")] && year.workdays == [Self.day("2020-10-10")])
        let cal = WorkingCalendar.from([year])
        #expect(!cal.isWorkingDay(Self.day("2020-10-01")) && !cal.isWorkingDay(Self.day("2020-10-02")))
        #expect(cal.isWorkingDay(Self.day("2020-10-10")) && !cal.isWorkingDay(Self.day("2020-10-11")))
        #expect(cal.isWorkingDay(Self.day("2020-10-09")) && WorkingCalendar.weekdays.isWorkingDay(Self.day("2020-10-01")))
        // A later load of the year replaces the earlier one.
        let again = try WorkingCalendar.Year.parse(year: 2020, text: "2020-10-08,holiday")
        let replaced = WorkingCalendar.from([year, again])
        #expect(replaced.isWorkingDay(Self.day("2020-10-01")) && !replaced.isWorkingDay(Self.day("2020-10-08")))
    }

    @Test(arguments: [
        ("2020-10-01,holiday\n2020-10-01,holiday", "calendar_repeated_date"),
        ("2020-10-03,holiday", "calendar_weekend_holiday"),
        ("2020-10-09,workday", "calendar_weekday_workday"),
        ("2021-01-01,holiday", "calendar_outside_year"),
        ("2020-13-01,holiday", "calendar_bad_line"),
        ("2020-10-01;holiday", "calendar_bad_line"),
        ("2020-10-01,vacation", "calendar_bad_line"),
        ("2020-10-01,holiday,extra", "calendar_bad_line"),
    ])
    func aBadCalendarFileIsRefusedWithItsReason(text: String, code: String) {
        do { _ = try WorkingCalendar.Year.parse(year: 2020, text: text); Issue.record("accepted \(text)") } catch let e as RolloutError {
            #expect(e.code == code, "\(text)")
            #expect(!e.message(.zh).isEmpty && e.message(.zh) != e.message(.en))
        } catch { Issue.record("\(error)") }
    }

    @Test func aYearOutsideThePlanAndABadRuleAreRefused() {
        #expect(throws: RolloutError.self) { _ = try WorkingCalendar.Year(year: 1999, holidays: [], workdays: []).validated() }
        for n in [0, -1, 61] {
            #expect(throws: RolloutError.self) {
                _ = try Reporting.Rule(operators: .workingDay, tower: .workingDay, districts: .week, escalateAfter: n).validated()
            }
        }
        #expect(throws: Never.self) { _ = try Reporting.Rule.standard.validated() }
    }

    @Test func organisationsAreTheOperatorsChinaTowerAndTheDistricts() {
        #expect(Reporting.Organisation(reporting: Principal(account: "a", role: .operator, operator: .cmcc)) == Self.cmcc)
        #expect(Reporting.Organisation(reporting: Principal(account: "a", role: .operator, operator: .tower))?.kind == .tower)
        #expect(Reporting.Organisation(reporting: Principal(account: "a", role: .district, region: "500103")) == Self.yuzhong)
        for role in [Role.cityOffice, .leader, .resourceOwner, .admin] {
            #expect(Reporting.Organisation(reporting: Principal(account: "a", role: role, owner: "x")) == nil)
        }
        #expect(Self.cmcc.description == "operator:cmcc" && Self.yuzhong.description == "district:500103")
    }

    @Test func weeksAreWholeAndOnlyThoseWithAWorkingDayCount() throws {
        // With the weekdays of 1–9 October off, the week of Monday 5 October has no working day.
        let cal = WorkingCalendar(holidays: Set((Self.day("2020-10-01")...Self.day("2020-10-09")).filter { WorkingCalendar.weekday($0) < 5 }))
        let weeks = Reporting.periods(.week, calendar: cal, first: Self.day("2020-09-30"), last: Self.day("2020-10-18"))
        #expect(weeks.map { ShanghaiCalendar.dateString($0.lowerBound) } == ["2020-09-28", "2020-10-12"])
        #expect(weeks.allSatisfy { $0.count == 7 })
        let days = Reporting.periods(.workingDay, calendar: cal, first: Self.day("2020-09-30"), last: Self.day("2020-10-12"))
        #expect(days.map { ShanghaiCalendar.dateString($0.lowerBound) } == ["2020-09-30", "2020-10-12"])
    }

    @Test func theStatusCountsEndedPeriodsWithoutAReport() {
        // Reports on Monday 1 June and Tuesday 2 June 2020, none after; asked on Monday 8 June at noon.
        let receipts = [Self.afternoon("2020-06-01"), Self.afternoon("2020-06-02"), Self.afternoon("2020-06-02")]
        let noon = Cutoff.including(ShanghaiCalendar.start(of: Self.day("2020-06-08")).adding(seconds: 12 * 3600))
        let s = Reporting.status(of: Self.cmcc, receipts: receipts, rule: .standard, calendar: .weekdays,
                                 since: Self.day("2020-06-01"), days: 30, at: noon)
        // Wednesday to Friday missed; the Monday of the question is still going.
        #expect(s.consecutiveMisses == 3 && s.missed == 3 && s.escalated)
        #expect(s.lastReport == Self.afternoon("2020-06-02"))
        #expect(s.periods.map(\.reports) == [1, 2, 0, 0, 0, 0] && s.periods.last?.missed == false)
        // The run began on Wednesday and reached three misses at the end of Friday.
        #expect(s.runSince == Self.day("2020-06-03") && s.escalationDue == Cutoff.endOf(day: Self.day("2020-06-05")).before)
        // A report later on the day of the question ends the run only once it is known.
        let later = receipts + [Self.afternoon("2020-06-08")]
        #expect(Reporting.status(of: Self.cmcc, receipts: later, rule: .standard, calendar: .weekdays, since: Self.day("2020-06-01"),
                                 days: 30, at: noon).consecutiveMisses == 3)
        let evening = Cutoff.endOf(day: Self.day("2020-06-08"))
        let after = Reporting.status(of: Self.cmcc, receipts: later, rule: .standard, calendar: .weekdays, since: Self.day("2020-06-01"),
                                     days: 30, at: evening)
        #expect(after.consecutiveMisses == 0 && after.missed == 3 && !after.escalated && after.runSince == nil && after.escalationDue == nil)
        // Weekly for a district: the week of 1 June has its reports; the next one is not over.
        let district = Reporting.status(of: Self.yuzhong, receipts: receipts, rule: .standard, calendar: .weekdays,
                                        since: Self.day("2020-06-01"), days: 30, at: noon)
        #expect(district.cadence == .week && district.consecutiveMisses == 0 && district.missed == 0 && district.periods.count == 2)
    }

    @Test func theStatusAgreesWithAPlainDayByDayCountOnRandomHistories() {
        var random = SeededRandom(seed: 17)
        let start = Self.day("2020-01-01")
        for round in 0..<200 {
            // A random calendar and random receipts over about four months.
            var holidays: Set<DayNumber> = [], workdays: Set<DayNumber> = []
            for d in start..<(start + 130) {
                let r = random.next() % 20
                if r == 0, WorkingCalendar.weekday(d) < 5 { holidays.insert(d) }
                if r == 1, WorkingCalendar.weekday(d) >= 5 { workdays.insert(d) }
            }
            let cal = WorkingCalendar(holidays: holidays, workdays: workdays)
            let chance = random.next() % 100
            var receipts: [Instant] = []
            for d in start..<(start + 130) where random.next() % 100 < chance {
                receipts.append(ShanghaiCalendar.start(of: d).adding(seconds: Int64(random.next() % 86_400)))
            }
            let asked = start + 20 + Int(random.next() % 100)
            let moment = Cutoff(before: ShanghaiCalendar.start(of: asked).adding(seconds: Int64(random.next() % 86_400)))
            let days = 1 + Int(random.next() % 60)
            let s = Reporting.status(of: Self.cmcc, receipts: receipts, rule: .standard, calendar: cal, since: start, days: days, at: moment)
            // The plain way: every day from the start to the last whole day before the moment.
            let known = receipts.filter { $0 < moment.before }
            let reportedDays = Set(known.map(ShanghaiCalendar.day(of:)))
            let lastWhole = ShanghaiCalendar.day(of: moment.before) - 1
            let workingDays = (start...lastWhole).filter { d in
                workdays.contains(d) || (!holidays.contains(d) && WorkingCalendar.weekday(d) < 5)
            }
            var run = 0
            for d in workingDays.reversed() { if reportedDays.contains(d) { break }; run += 1 }
            let firstDay = ShanghaiCalendar.day(of: moment.before.adding(seconds: -1)) - days + 1
            let missed = workingDays.filter { $0 >= firstDay && !reportedDays.contains($0) }.count
            #expect(s.consecutiveMisses == run, "round \(round)")
            #expect(s.missed == missed, "round \(round)")
            #expect(s.lastReport == known.max(), "round \(round)")
            #expect(s.escalated == (run >= 3), "round \(round)")
        }
    }
}
