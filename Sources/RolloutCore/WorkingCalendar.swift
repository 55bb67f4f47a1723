import Foundation

/// The official working days: Monday to Friday, less the public holidays, plus the weekend days
/// worked in exchange (调休), as the city office loads them year by year.
public struct WorkingCalendar: Codable, Hashable, Sendable {
    /// Weekdays that are not worked (public holidays).
    public var holidays: Set<DayNumber>
    /// Weekend days that are worked (swapped workdays).
    public var workdays: Set<DayNumber>

    /// A calendar with these exceptions to Monday-to-Friday.
    public init(holidays: Set<DayNumber> = [], workdays: Set<DayNumber> = []) { self.holidays = holidays; self.workdays = workdays }

    /// Monday to Friday, with no exception loaded.
    public static let weekdays = WorkingCalendar()

    /// The day of the week: 0 for Monday to 6 for Sunday (day 0, 1 January 1970, was a Thursday).
    public static func weekday(_ day: DayNumber) -> Int { ((day + 3) % 7 + 7) % 7 }

    /// Whether a day is worked.
    public func isWorkingDay(_ day: DayNumber) -> Bool {
        if workdays.contains(day) { return true }
        if holidays.contains(day) { return false }
        return Self.weekday(day) < 5
    }

    /// One year's exceptions as the office loads them: a holiday on a weekend changes nothing and
    /// a swapped workday on a weekday neither, so both are refused, as are dates outside the year,
    /// a date given twice and a year outside 2000–2100.
    public struct Year: Codable, Hashable, Sendable {
        /// The calendar year.
        public var year: Int
        /// Its public holidays that fall on weekdays.
        public var holidays: [DayNumber]
        /// Its weekend days worked in exchange.
        public var workdays: [DayNumber]

        /// A year's exceptions as given.
        public init(year: Int, holidays: [DayNumber], workdays: [DayNumber]) {
            self.year = year; self.holidays = holidays; self.workdays = workdays
        }

        /// Reads a year's exceptions from lines `YYYY-MM-DD,holiday` or `YYYY-MM-DD,workday` (a
        /// header line `date,type` and blank lines are skipped); throws on the first bad line.
        public static func parse(year: Int, text: String) throws -> Year {
            var holidays: [DayNumber] = [], workdays: [DayNumber] = []
            for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || (i == 0 && line.lowercased().hasPrefix("date")) { continue }
                let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count == 2, let day = ShanghaiCalendar.parseDay(cells[0]) else {
                    throw RolloutError("calendar_bad_line", ["row": "\(i + 1)", "value": String(line.prefix(40))])
                }
                switch cells[1].lowercased() {
                case "holiday": holidays.append(day)
                case "workday": workdays.append(day)
                default: throw RolloutError("calendar_bad_line", ["row": "\(i + 1)", "value": String(line.prefix(40))])
                }
            }
            return try Year(year: year, holidays: holidays, workdays: workdays).validated()
        }

        /// Checks the year's exceptions (see ``Year``).
        public func validated() throws -> Year {
            guard (2000...2100).contains(year) else { throw RolloutError("calendar_bad_year", ["value": "\(year)"]) }
            var seen: Set<DayNumber> = []
            for d in holidays + workdays {
                let date = ShanghaiCalendar.dateString(d)
                guard ShanghaiCalendar.civil(d).year == year else { throw RolloutError("calendar_outside_year", ["value": date, "year": "\(year)"]) }
                guard seen.insert(d).inserted else { throw RolloutError("calendar_repeated_date", ["value": date]) }
            }
            for d in holidays where WorkingCalendar.weekday(d) >= 5 {
                throw RolloutError("calendar_weekend_holiday", ["value": ShanghaiCalendar.dateString(d)])
            }
            for d in workdays where WorkingCalendar.weekday(d) < 5 {
                throw RolloutError("calendar_weekday_workday", ["value": ShanghaiCalendar.dateString(d)])
            }
            return Year(year: year, holidays: holidays.sorted(), workdays: workdays.sorted())
        }
    }

    /// The calendar the years loaded make: a later load of a year replaces the earlier one.
    public static func from(_ years: [Year]) -> WorkingCalendar {
        var byYear: [Int: Year] = [:]
        for y in years { byYear[y.year] = y }
        return WorkingCalendar(holidays: Set(byYear.values.flatMap(\.holidays)), workdays: Set(byYear.values.flatMap(\.workdays)))
    }
}
