/// The forecast's track record as leaders read it: the forecasts made at the end of each past week
/// (as known then), what each expected by now and by the deadline, beside what the log shows now.
public struct ForecastTrackRecord: Codable, Sendable, Equatable {
    /// One past forecast.
    public struct Entry: Codable, Sendable, Equatable {
        /// The day it was made.
        public var madeOn: String
        /// The progress then.
        public var progressThen: Int
        /// What it expected by now, with its 80 % range (nil: it drew no range then).
        public var expectedNow: Int
        /// The low end of that range.
        @Nullable public var expectedNowLow: Int?
        /// The high end of that range.
        @Nullable public var expectedNowHigh: Int?
        /// What it expected at the deadline, its range and its chance of the target.
        public var expectedAtDeadline: Int
        /// The low end of its range at the deadline (nil: it drew none).
        @Nullable public var expectedLow: Int?
        /// The high end of its range at the deadline (nil: it drew none).
        @Nullable public var expectedHigh: Int?
        /// Its chance of reaching the target by the deadline; nil when it gave none.
        @Nullable public var probabilityByDeadline: Double?

        /// An entry from what a past forecast said.
        public init(madeOn: String, progressThen: Int, expectedNow: Int, expectedNowLow: Int?, expectedNowHigh: Int?,
                    expectedAtDeadline: Int, expectedLow: Int?, expectedHigh: Int?, probabilityByDeadline: Double?) {
            self.madeOn = madeOn; self.progressThen = progressThen; self.expectedNow = expectedNow
            self.expectedNowLow = expectedNowLow; self.expectedNowHigh = expectedNowHigh; self.expectedAtDeadline = expectedAtDeadline
            self.expectedLow = expectedLow; self.expectedHigh = expectedHigh; self.probabilityByDeadline = probabilityByDeadline
        }

        /// Whether its range for now held the progress now.
        public func held(_ progress: Int) -> Bool? {
            guard let low = expectedNowLow, let high = expectedNowHigh else { return nil }
            return low <= progress && progress <= high
        }
    }

    /// The region it is for (nil: the city).
    @Nullable public var region: String?
    /// The moment's day, and the progress then.
    public var asOf: String
    /// The progress at the moment.
    public var progressNow: Int
    /// The target at the moment; nil without one.
    @Nullable public var target: Int?
    /// The progress at the deadline, once the moment is past it.
    @Nullable public var outcome: Int?
    /// The newest first.
    public var entries: [Entry]
    /// How many ranges for now held the progress now, of how many drew one.
    public var rangesHeld: Int
    /// How many entries drew a range for now.
    public var ranges: Int

    /// A track record; how many ranges held is counted from the entries.
    public init(region: String?, asOf: String, progressNow: Int, target: Int?, outcome: Int?, entries: [Entry]) {
        self.region = region; self.asOf = asOf; self.progressNow = progressNow; self.target = target; self.outcome = outcome
        self.entries = entries
        let judged = entries.compactMap { $0.held(progressNow) }
        ranges = judged.count
        rangesHeld = judged.filter { $0 }.count
    }
}
