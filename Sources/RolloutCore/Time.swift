import Foundation

/// A moment, in whole seconds since 1970-01-01T00:00:00Z.
///
/// The core never reads the clock: every instant it sees is passed in.
public struct Instant: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    public var seconds: Int64

    /// The instant a number of seconds after 1970-01-01T00:00:00Z.
    public init(seconds: Int64) { self.seconds = seconds }

    /// Earlier instants come first.
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.seconds < rhs.seconds }

    /// This instant moved by a number of seconds.
    public func adding(seconds delta: Int64) -> Instant { Instant(seconds: seconds + delta) }

    /// This instant moved by a number of days.
    public func adding(days: Int) -> Instant { Instant(seconds: seconds + Int64(days) * 86_400) }

    /// The instant from a Foundation date (whole seconds, rounded down).
    public init(_ date: Date) { seconds = Int64(date.timeIntervalSince1970.rounded(.down)) }

    /// The ISO-8601 form in Asia/Shanghai, e.g. `2020-06-15T18:00:00+08:00`.
    public var description: String { ShanghaiCalendar.iso8601(self) }

    /// Reads whole seconds, or ISO-8601 text (a date alone: 00:00 in Asia/Shanghai).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(Int64.self) { seconds = s; return }
        let text = try c.decode(String.self)
        guard let i = ShanghaiCalendar.parseInstant(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an instant: \(text)")
        }
        self = i
    }

    /// Stored as whole seconds (reads also accept ISO-8601 text).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(seconds)
    }
}

/// A day of the calendar in Asia/Shanghai, counted from 1970-01-01.
public typealias DayNumber = Int

/// The civil calendar of Asia/Shanghai (UTC+8 all year: China has kept no summer time since 1991).
public enum ShanghaiCalendar {
    /// The offset of Asia/Shanghai from UTC, in seconds.
    public static let offset: Int64 = 8 * 3600

    /// The Shanghai day an instant falls on.
    public static func day(of instant: Instant) -> DayNumber {
        // Saturating: "for ever" (`Int64.max`) is a day after every real one, not an overflow.
        let (local, overflow) = instant.seconds.addingReportingOverflow(offset)
        return Int(floorDiv(overflow ? Int64.max : local, 86_400))
    }

    /// The instant a Shanghai day starts (00:00 local).
    public static func start(of day: DayNumber) -> Instant {
        Instant(seconds: Int64(day) * 86_400 - offset)
    }

    /// The last second of the Shanghai day an instant falls on: when something due that day falls due.
    public static func endOfDay(_ instant: Instant) -> Instant { start(of: day(of: instant) + 1).adding(seconds: -1) }

    /// The day number of a civil date, or nil when the date does not exist (e.g. 2020-02-30).
    public static func dayNumber(year: Int, month: Int, day: Int) -> DayNumber? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(year: year, month: month) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number.
    public static func civil(_ day: DayNumber) -> (year: Int, month: Int, day: Int) {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYY-MM-DD` of a day.
    public static func dateString(_ day: DayNumber) -> String {
        let c = civil(day)
        return String(format: "%04d-%02d-%02d", c.year, c.month, c.day)
    }

    /// `YYYY-MM-DD` of the Shanghai day an instant falls on.
    public static func dateString(_ instant: Instant) -> String { dateString(day(of: instant)) }

    /// The ISO-8601 form of an instant in Asia/Shanghai.
    public static func iso8601(_ instant: Instant) -> String {
        let local = instant.seconds + offset
        let d = Int(floorDiv(local, 86_400))
        let s = Int(local - Int64(d) * 86_400)
        return dateString(d) + String(format: "T%02d:%02d:%02d+08:00", s / 3600, s / 60 % 60, s % 60)
    }

    /// What a written date or instant means.
    public enum Written: Equatable, Sendable {
        /// A whole day (`YYYY-MM-DD` or `YYYY/M/D`), in Asia/Shanghai.
        case day(DayNumber)
        /// An instant (ISO-8601 with a time; without a zone it is Asia/Shanghai).
        case instant(Instant)
    }

    /// The day a written date names, or nil when it is not a whole day.
    public static func parseDay(_ text: String) -> DayNumber? {
        if case .day(let d) = parse(text) { return d }
        return nil
    }

    /// Reads `YYYY-MM-DD`, `YYYY/M/D`, or ISO-8601 (`YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`).
    public static func parse(_ raw: String) -> Written? {
        let text = raw.trimmedSpaces
        let bytes = Array(text.utf8)
        var i = 0
        func number(maxDigits: Int) -> Int? {
            var n = 0, digits = 0
            while i < bytes.count, digits < maxDigits, bytes[i] >= 48, bytes[i] <= 57 {
                n = n * 10 + Int(bytes[i] - 48); i += 1; digits += 1
            }
            return digits == 0 ? nil : n
        }
        guard let year = number(maxDigits: 4), i == 4, i < bytes.count else { return nil }
        let sep = bytes[i]
        guard sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/") else { return nil }
        i += 1
        let mStart = i
        guard let month = number(maxDigits: 2), i < bytes.count, bytes[i] == sep else { return nil }
        if sep == UInt8(ascii: "-") && i - mStart != 2 { return nil }
        i += 1
        let dStart = i
        guard let dayOfMonth = number(maxDigits: 2) else { return nil }
        if sep == UInt8(ascii: "-") && i - dStart != 2 { return nil }
        guard let day = dayNumber(year: year, month: month, day: dayOfMonth) else { return nil }
        if i == bytes.count { return .day(day) }
        guard sep == UInt8(ascii: "-"), bytes[i] == UInt8(ascii: "T") || bytes[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hh = number(maxDigits: 2), hh < 24, i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let mm = number(maxDigits: 2), mm < 60 else { return nil }
        var ss = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: ":") {
            i += 1
            guard let s = number(maxDigits: 2), s < 60 else { return nil }
            ss = s
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard number(maxDigits: 9) != nil else { return nil }
            }
        }
        var zone = offset
        if i < bytes.count {
            if bytes[i] == UInt8(ascii: "Z") {
                zone = 0; i += 1
            } else if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                let sign: Int64 = bytes[i] == UInt8(ascii: "+") ? 1 : -1
                i += 1
                guard let zh = number(maxDigits: 2), zh <= 14 else { return nil }
                var zm = 0
                if i < bytes.count, bytes[i] == UInt8(ascii: ":") { i += 1 }
                if i < bytes.count { guard let z = number(maxDigits: 2), z < 60 else { return nil }; zm = z }
                zone = sign * Int64(zh * 3600 + zm * 60)
            } else { return nil }
        }
        guard i == bytes.count else { return nil }
        let local = Int64(day) * 86_400 + Int64(hh * 3600 + mm * 60 + ss)
        return .instant(Instant(seconds: local - zone))
    }

    /// Reads a date or an instant as the instant it starts at (a date: 00:00 in Asia/Shanghai).
    public static func parseInstant(_ text: String) -> Instant? {
        switch parse(text) {
        case .day(let d)?: start(of: d)
        case .instant(let i)?: i
        case nil: nil
        }
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

/// The upper bound of a read: facts strictly before this instant count.
///
/// `as_of=2020-05-31` means the end of that day in Asia/Shanghai, that is every fact before
/// 2020-06-01T00:00+08:00; an ISO instant includes facts at that very second.
public struct Cutoff: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Facts before this instant count.
    public var before: Instant

    /// The cutoff that counts the facts before an instant.
    public init(before: Instant) { self.before = before }

    /// The cutoff of a written `as_of`: a day counts whole; an instant includes its own second.
    public init(_ written: ShanghaiCalendar.Written) {
        switch written {
        case .day(let d): before = ShanghaiCalendar.start(of: d + 1)
        case .instant(let i): before = i.adding(seconds: 1)
        }
    }

    /// The cutoff that includes an instant.
    public static func including(_ instant: Instant) -> Cutoff { Cutoff(before: instant.adding(seconds: 1)) }

    /// The cutoff at the end of a Shanghai day.
    public static func endOf(day: DayNumber) -> Cutoff { Cutoff(before: ShanghaiCalendar.start(of: day + 1)) }

    /// Whether the cutoff falls exactly at a Shanghai midnight.
    public var isMidnight: Bool { ShanghaiCalendar.start(of: ShanghaiCalendar.day(of: before)) == before }

    /// The days wholly before the cutoff end with the day before this one.
    public var firstPartialDay: DayNumber { ShanghaiCalendar.day(of: before) }

    /// Whether a fact at this instant counts.
    public func includes(_ instant: Instant) -> Bool { instant < before }

    /// Earlier cutoffs come first.
    public static func < (lhs: Cutoff, rhs: Cutoff) -> Bool { lhs.before < rhs.before }

    /// The last instant the cutoff includes, in ISO-8601.
    public var description: String { ShanghaiCalendar.iso8601(before.adding(seconds: -1)) }
}
