/// An operator's 5G subscribers and mobile data traffic in a region for a month (5G放号): what the
/// `subscribers` file and the API report. A correction is a new record of the same month; the one
/// recorded last stands, and an earlier moment still reads the earlier one.
public struct SubscriberFigure: Hashable, Codable, Sendable {
    /// The month the figure is for.
    public var month: YearMonth
    /// The operator reporting it.
    public var `operator`: Operator
    /// The region (区县).
    public var regionCode: String
    /// 5G subscribers (5G用户数) at the end of the month (or so far, for the running month); nil when the row gives only traffic.
    public var subscribers: Int?
    /// 5G mobile data traffic (5G流量) in the month, in terabytes; nil when the row gives only subscribers.
    public var trafficTB: Double?

    /// A figure as reported.
    public init(month: YearMonth, operator: Operator, regionCode: String, subscribers: Int?, trafficTB: Double?) {
        self.month = month; self.operator = `operator`; self.regionCode = regionCode
        self.subscribers = subscribers; self.trafficTB = trafficTB
    }

    /// The entity name of the figure in the log: one per operator, region and month.
    public var entity: String { SubscriberFigure.entity(month: month, operator: self.operator, regionCode: regionCode) }

    /// The entity name of an operator's figure in a region for a month.
    public static func entity(month: YearMonth, operator: Operator, regionCode: String) -> String {
        "subscribers:\(`operator`.rawValue):\(regionCode):\(month)"
    }

    /// The field moment of a figure reported at `now`: the month's last second, or `now` for the running month.
    public static func occurredAt(_ month: YearMonth, reportedAt now: Instant) -> Instant { min(month.lastSecond, now) }

    /// Checks a figure reported at `now`: a month not after now's, a count that is whole and ≥ 0,
    /// traffic finite and ≥ 0, at least one of the two. Throws `subscribers_future_month`,
    /// `subscribers_bad_count`, `subscribers_bad_traffic`, `subscribers_empty`.
    public func validated(now: Instant) throws -> SubscriberFigure {
        guard month <= YearMonth(of: now) else { throw RolloutError("subscribers_future_month", ["value": month.description]) }
        if let s = subscribers, !(0...2_000_000_000).contains(s) { throw RolloutError("subscribers_bad_count", ["value": "\(s)"]) }
        if let t = trafficTB, !(t.isFinite && t >= 0 && t <= 1e9) { throw RolloutError("subscribers_bad_traffic", ["value": "\(t)"]) }
        guard subscribers != nil || trafficTB != nil else { throw RolloutError("subscribers_empty") }
        return self
    }
}

/// A target for 5G subscribers set by the city office: a region's (or an operator's share in it) by a date.
public struct SubscriberTarget: Hashable, Codable, Sendable {
    /// The region.
    public var regionCode: String
    /// nil: the region's total; else that operator's share.
    public var `operator`: Operator?
    /// The subscribers to reach.
    public var target: Int
    /// By when.
    public var due: Instant
    /// Why an existing target changed.
    public var reason: String?

    /// A subscriber target line.
    public init(regionCode: String, operator: Operator? = nil, target: Int, due: Instant, reason: String? = nil) {
        self.regionCode = regionCode; self.operator = `operator`; self.target = target; self.due = due; self.reason = reason
    }

    /// The entity name of the target line in the log.
    public var entity: String { "subscriber-target:\(regionCode):\(self.operator?.rawValue ?? "")" }
}
