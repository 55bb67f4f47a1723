/// A target set or changed by the city office.
public struct TargetSetting: Hashable, Codable, Sendable {
    /// The region (区县) the target is for.
    public var regionCode: String
    /// nil: the region's total; else that operator's share.
    public var `operator`: Operator?
    /// nil: the whole region; else a key area (重点区域) inside it.
    public var keyArea: String?
    /// The number of sites to build in the campaign (目标站数).
    public var target: Int
    /// When the target falls due (完成期限).
    public var due: Instant
    /// Why an existing target changed (a reallocation), or why a milestone's date moved.
    public var reason: String?
    /// The due date of the milestone this one replaces, when the city office moves a milestone's
    /// date (both dates stay in the history); nil when it sets or changes the milestone at `due`.
    public var movedFrom: Instant?

    /// A target line: without an operator the region's total, without a key area the whole region's.
    /// A line is one milestone of its key, keyed by its due date.
    public init(regionCode: String, operator: Operator? = nil, keyArea: String? = nil, target: Int, due: Instant,
                reason: String? = nil, movedFrom: Instant? = nil) {
        self.regionCode = regionCode; self.operator = `operator`; self.keyArea = keyArea
        self.target = target; self.due = due; self.reason = reason; self.movedFrom = movedFrom
    }

    /// The entity name of this target line in the log: its region, operator and key area, whatever the milestone.
    public var entity: String { "target:\(regionCode):\(self.operator?.rawValue ?? ""):\(keyArea ?? "")" }
}
