import Testing
@testable import RolloutCore

@Suite struct TimeTests {
    @Test func theThreeDateFormsOfTheContract() {
        let day = ShanghaiCalendar.dayNumber(year: 2020, month: 6, day: 30)!
        #expect(ShanghaiCalendar.parse("2020-06-30") == .day(day))
        #expect(ShanghaiCalendar.parse("2020/6/30") == .day(day))
        #expect(ShanghaiCalendar.parse("2020/06/30") == .day(day))
        // ISO-8601 with an offset, with Z, and without a zone (Asia/Shanghai).
        let local = ShanghaiCalendar.start(of: day).adding(seconds: 9 * 3600 + 30 * 60)
        #expect(ShanghaiCalendar.parse("2020-06-30T09:30:00+08:00") == .instant(local))
        #expect(ShanghaiCalendar.parse("2020-06-30T01:30:00Z") == .instant(local))
        #expect(ShanghaiCalendar.parse("2020-06-30T09:30") == .instant(local))
        #expect(ShanghaiCalendar.parse("2020-06-30T09:30:00.250+0800") == .instant(local))
    }

    @Test(arguments: ["2020-02-30", "2019-02-29", "2020-13-01", "2020-6-30", "20200630", "", "yesterday",
                      "2020-06-30T25:00:00+08:00", "2020-06-30T09:30:00+08:00junk", "2020/6/31", "2020-06-30T09:30:00+15:00"])
    func invalidDatesAreRefused(text: String) {
        #expect(ShanghaiCalendar.parse(text) == nil)
    }

    @Test func leapDaysAndTheCivilCalendarRoundTrip() {
        #expect(ShanghaiCalendar.parse("2020-02-29") != nil)
        for d in stride(from: -1000, to: 30_000, by: 37) {
            let c = ShanghaiCalendar.civil(d)
            #expect(ShanghaiCalendar.dayNumber(year: c.year, month: c.month, day: c.day) == d)
        }
        #expect(ShanghaiCalendar.dateString(ShanghaiCalendar.start(of: 18_262)) == "2020-01-01")
    }

    @Test func aDateMeansTheEndOfThatDayInShanghai() {
        let cut = Cutoff(ShanghaiCalendar.parse("2020-05-31")!)
        #expect(ShanghaiCalendar.iso8601(cut.before) == "2020-06-01T00:00:00+08:00")
        #expect(cut.isMidnight)
        let instant = ShanghaiCalendar.parseInstant("2020-05-31T23:59:59+08:00")!
        #expect(cut.includes(instant))
        #expect(!cut.includes(instant.adding(seconds: 1)))
        // An instant includes its own second.
        let at = Cutoff(ShanghaiCalendar.parse("2020-05-31T12:00:00+08:00")!)
        #expect(at.includes(ShanghaiCalendar.parseInstant("2020-05-31T12:00:00+08:00")!))
        #expect(!at.isMidnight)
    }

    @Test func readMomentsAreCheckedAgainstTheCampaignAndTheClock() throws {
        let start = ShanghaiCalendar.parseInstant("2020-01-01")!
        let campaign = Campaign(name: "c", start: start, deadline: ShanghaiCalendar.parseInstant("2020-06-30T23:59:59+08:00")!)
        let now = ShanghaiCalendar.parseInstant("2020-06-15T18:00:00+08:00")!
        #expect(throws: RolloutError.self) { try ReadMoment.validated(asOf: "31 May", knownAt: nil, campaign: campaign, now: now) }
        #expect(throws: RolloutError.self) { try ReadMoment.validated(asOf: "2019-12-30", knownAt: nil, campaign: campaign, now: now) }
        #expect(throws: RolloutError.self) { try ReadMoment.validated(asOf: "2020-06-16", knownAt: nil, campaign: campaign, now: now) }
        #expect(throws: RolloutError.self) { try ReadMoment.validated(asOf: "2020-06-15T18:00:01+08:00", knownAt: nil, campaign: campaign, now: now) }
        #expect(throws: RolloutError.self) { try ReadMoment.validated(asOf: nil, knownAt: "soon", campaign: campaign, now: now) }
        // The end of the day before the start is the state the campaign starts from.
        let eve = try ReadMoment.validated(asOf: "2019-12-31", knownAt: nil, campaign: campaign, now: now)
        #expect(eve.asOf.before == start)
        // Today as a date reads up to now.
        let today = try ReadMoment.validated(asOf: "2020-06-15", knownAt: "2020-06-01", campaign: campaign, now: now)
        #expect(today.asOf == Cutoff.including(now))
        #expect(today.knownAt == Cutoff(ShanghaiCalendar.parse("2020-06-01")!))
        let none = try ReadMoment.validated(asOf: nil, knownAt: nil, campaign: campaign, now: now)
        #expect(none.asOf == Cutoff.including(now) && none.knownAt == nil)
    }
}
