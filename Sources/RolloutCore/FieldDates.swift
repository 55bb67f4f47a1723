/// Which moments a bulk file may name: sites existed before a campaign, so their history is
/// legitimate, but not decades of it; planned and due dates may lie ahead, but not without bound.
/// A date outside the window is a row error, never a counter back-filled over years.
public struct FieldDateWindow: Sendable, Equatable {
    /// The earliest moment a field date may name (the campaign's start, `historyYears` years back).
    public var earliest: Instant
    /// The latest moment a field time (something that happened) may name: now.
    public var now: Instant
    /// The latest moment a planned or due date may name (the deadline, `historyYears` years on).
    public var latestPlanned: Instant

    /// The window for a campaign at `now`: from `historyYears` before its start to as many after its deadline (or now, if later).
    public init(campaign: Campaign, now: Instant, historyYears: Int) {
        earliest = Self.shift(campaign.start, years: -historyYears)
        self.now = now
        latestPlanned = Self.shift(max(campaign.deadline, now), years: historyYears)
    }

    /// Why a moment is refused, as an import error code, or nil when it is inside the window.
    /// `happened`: a field time (it may not lie after now); otherwise a planned or due date.
    public func refusal(_ at: Instant, happened: Bool) -> String? {
        if at < earliest { return "too_early" }
        if happened && at > now { return "in_future" }
        if !happened && at > latestPlanned { return "too_late" }
        return nil
    }

    /// The same Shanghai calendar day `years` years away (29 February becomes the 28th), at the same time of day.
    static func shift(_ at: Instant, years: Int) -> Instant {
        let day = ShanghaiCalendar.day(of: at)
        let c = ShanghaiCalendar.civil(day)
        let exact = ShanghaiCalendar.dayNumber(year: c.year + years, month: c.month, day: c.day)
            ?? ShanghaiCalendar.dayNumber(year: c.year + years, month: c.month, day: 28)!
        return at.adding(seconds: Int64(exact - day) * 86_400)
    }
}
