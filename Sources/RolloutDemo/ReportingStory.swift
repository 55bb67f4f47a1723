import RolloutCore

/// The demo's reporting: the official 2020 calendar loaded by the city office on the first day,
/// and the receipts of the organisations' reports up to the clock. The operators and China Tower
/// report after work on almost every working day, the districts once a week; China Broadnet (cbn)
/// has fallen silent for the last four working days before the clock, and one district for the
/// last three weeks, so the demo shows misses and escalations.
extension DemoCampaign {
    /// The State Council's 2020 holidays and swapped workdays (国办发明电〔2019〕16号, with the Spring
    /// Festival extended to 2 February by 国办发明电〔2020〕1号): weekdays off, and weekend days worked.
    public static let calendar2020 = WorkingCalendar.Year(
        year: 2020,
        holidays: ["2020-01-01", "2020-01-24", "2020-01-27", "2020-01-28", "2020-01-29", "2020-01-30", "2020-01-31",
                   "2020-04-06", "2020-05-01", "2020-05-04", "2020-05-05", "2020-06-25", "2020-06-26",
                   "2020-10-01", "2020-10-02", "2020-10-05", "2020-10-06", "2020-10-07", "2020-10-08"].map { ShanghaiCalendar.parseDay($0)! },
        workdays: ["2020-01-19", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10"].map { ShanghaiCalendar.parseDay($0)! })

    /// The operator that stops reporting before the clock, and for how many working days.
    static let silentOperator = Operator.cbn
    static let silentWorkingDays = 4
    /// Weeks the silent district misses before the clock's week.
    static let silentWeeks = 3

    /// The district that stops reporting: one drawn from the seed.
    var silentDistrict: String {
        var random = SeededRandom(seed: seed, stream: 0x5E90, item: 0)
        return plan.regions[Int(random.next() % UInt64(plan.regions.count))].code
    }

    /// The calendar's load and every receipt before the clock, each organisation's in recorded order.
    public func reportingEvents() -> [NewEvent] {
        var out: [NewEvent] = []
        let loaded = DemoCampaign.start
        if clock.includes(loaded) {
            out.append(NewEvent(.workingCalendarSet(Self.calendar2020), occurredAt: loaded, recordedAt: loaded, actor: "city_office"))
        }
        let calendar = WorkingCalendar.from([Self.calendar2020])
        let first = ShanghaiCalendar.day(of: DemoCampaign.start)
        let lastDay = clock.firstPartialDay - (clock.isMidnight ? 1 : 0)
        guard first <= lastDay else { return out }
        let workingDays = (first...lastDay).filter(calendar.isWorkingDay)
        let silentFrom = workingDays.suffix(Self.silentWorkingDays).first ?? lastDay + 1
        func receipt(_ org: Reporting.Organisation, day: DayNumber, actor: String, stream: UInt64, rows: Int) -> NewEvent? {
            var random = SeededRandom(seed: seed, stream: stream, item: UInt64(day))
            let at = ShanghaiCalendar.start(of: day).adding(seconds: 17 * 3600 + Int64(random.next() % (3 * 3600)))
            guard clock.includes(at) else { return nil }
            return NewEvent(.reportReceived(org, channel: "progress", rows: rows), occurredAt: at, recordedAt: at, actor: actor)
        }
        for (index, op) in Operator.allCases.enumerated() {
            let org = Reporting.Organisation(kind: op == .tower ? .tower : .operator, code: op.rawValue)
            for day in workingDays {
                if op == Self.silentOperator && day >= silentFrom { continue }
                var random = SeededRandom(seed: seed, stream: 0x5E91, item: UInt64(day) &* 8 &+ UInt64(index))
                // One working day in fifty goes unreported.
                if random.next() % 50 == 0 { continue }
                if let e = receipt(org, day: day, actor: "\(op.rawValue)-import", stream: 0x5E92 &+ UInt64(index), rows: 1 + Int(random.next() % 400)) {
                    out.append(e)
                }
            }
        }
        let silent = silentDistrict
        let clockWeek = lastDay - WorkingCalendar.weekday(lastDay)
        for (i, region) in plan.regions.enumerated() {
            let org = Reporting.Organisation(kind: .district, code: region.code)
            for week in Reporting.periods(.week, calendar: calendar, first: first, last: lastDay) {
                if region.code == silent && week.lowerBound >= clockWeek - 7 * Self.silentWeeks { continue }
                // A working day of the week, drawn for the district.
                let days = week.filter(calendar.isWorkingDay)
                var random = SeededRandom(seed: seed, stream: 0x5E93, item: UInt64(week.lowerBound) &* 64 &+ UInt64(i))
                let day = days[Int(random.next() % UInt64(days.count))]
                if let e = receipt(org, day: day, actor: "district-\(region.code)", stream: 0x5E94 &+ UInt64(i), rows: 1) { out.append(e) }
            }
        }
        return out
    }
}
