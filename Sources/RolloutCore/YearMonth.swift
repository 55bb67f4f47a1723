/// A calendar month (`YYYY-MM`), the period operators report subscribers and traffic for.
public struct YearMonth: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The year, 1900–9999.
    public var year: Int
    /// The month, 1–12.
    public var month: Int

    /// A month; nil when the month is not 1–12 or the year is out of range.
    public init?(year: Int, month: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year; self.month = month
    }

    /// Reads `YYYY-MM` (also `YYYY/MM`, `YYYY-M`, `YYYY年M月`); nil for anything else.
    public init?(_ text: String) {
        var t = Substring(text)
        if t.hasSuffix("月") { t = t.dropLast() }
        let parts = t.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" || $0 == "年" })
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    /// The month an instant falls in, Beijing time.
    public init(of instant: Instant) {
        let c = ShanghaiCalendar.civil(ShanghaiCalendar.day(of: instant))
        year = c.year; month = c.month
    }

    /// `YYYY-MM`.
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    /// The month after.
    public var next: YearMonth { month == 12 ? YearMonth(year: year + 1, month: 1)! : YearMonth(year: year, month: month + 1)! }

    /// The month `n` months before (n ≥ 0).
    public func minus(_ n: Int) -> YearMonth {
        let index = year * 12 + (month - 1) - n
        return YearMonth(year: index / 12, month: index % 12 + 1) ?? self
    }

    /// Months from `other` to this one (negative when `other` is later).
    public func months(since other: YearMonth) -> Int { (year * 12 + month) - (other.year * 12 + other.month) }

    /// 00:00 of the month's first day, Beijing time.
    public var start: Instant { ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: year, month: month, day: 1)!) }

    /// The month's last second, Beijing time.
    public var lastSecond: Instant { next.start.adding(seconds: -1) }

    /// Orders months in time.
    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    /// Decodes `YYYY-MM`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let m = YearMonth(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a month: \(text)"))
        }
        self = m
    }

    /// Encodes `YYYY-MM`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
