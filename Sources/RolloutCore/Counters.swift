/// What the counter projections count, per region and operator.
public enum Metric {
    /// Sites standing at a stage.
    public static func stage(_ s: Stage) -> String { "stage.\(s.rawValue)" }
    /// Open obstacles of a category.
    public static func openObstacles(_ c: ObstacleCategory) -> String { "obstacles.open.\(c.rawValue)" }
    /// The prefix of every obstacle metric.
    public static let obstaclesPrefix = "obstacles."
    /// Sites built that had entered a stage a number of days (a ``DurationBuckets`` bucket) before.
    /// Counted for the whole campaign (region `""`) per operator: the forecast's stage durations.
    public static func toBuilt(_ s: Stage, bucket: Int) -> String { "tobuilt.\(s.rawValue).\(bucket)" }
    /// The prefix of every ``toBuilt(_:bucket:)`` metric.
    public static let toBuiltPrefix = "tobuilt."
    /// Obstacles of a category resolved a number of days (a ``DurationBuckets`` bucket) after they
    /// were raised; a reopening takes its resolution back out. Counted for the whole campaign
    /// (region and operator `""`): how long each category takes to clear, as of any moment.
    public static func resolvedIn(_ c: ObstacleCategory, bucket: Int) -> String { "obstacles.resolvedin.\(c.rawValue).\(bucket)" }
    /// The prefix of every ``resolvedIn(_:bucket:)`` metric.
    public static let resolvedInPrefix = "obstacles.resolvedin."
    /// Registered sites on shared or existing infrastructure (not a new tower): the sharing rate's numerator.
    public static let sharedSites = "sites.shared"
}

/// One counter: a metric for a region and an operator (`""` when no operator is concerned).
public struct CounterKey: Hashable, Codable, Sendable, Comparable {
    /// The region code; `""` for a campaign-wide counter (the `tobuilt.*` ones).
    public var regionCode: String
    /// The operator's code; `""` when no operator is concerned.
    public var operatorCode: String
    /// What is counted: one of the ``Metric`` names.
    public var metric: String

    /// The counter of a metric for a region and an operator.
    public init(regionCode: String, operatorCode: String, metric: String) {
        self.regionCode = regionCode; self.operatorCode = operatorCode; self.metric = metric
    }

    /// Orders counters by region, then operator, then metric.
    public static func < (a: CounterKey, b: CounterKey) -> Bool {
        (a.regionCode, a.operatorCode, a.metric) < (b.regionCode, b.operatorCode, b.metric)
    }
}

/// A change of a counter: from `occurredAt` in the field on, as known from `recordedAt` on.
///
/// The value of a counter as of a moment T, as known at K, is the sum of its deltas with
/// `occurredAt < T` and `recordedAt < K`. Every delta's `occurredAt` is the field time of some
/// event of the same entity and its `recordedAt` that of the event that caused it.
public struct CounterDelta: Hashable, Sendable {
    /// The counter that changes.
    public var key: CounterKey
    /// The field time from which the change counts.
    public var occurredAt: Instant
    /// When the platform learned of the change (the recording of the event that caused it).
    public var recordedAt: Instant
    /// How much the counter changes by (negative when a site leaves a stage or an obstacle closes).
    public var delta: Int

    /// A change of a counter, dated in the field and in the log.
    public init(key: CounterKey, occurredAt: Instant, recordedAt: Instant, delta: Int) {
        self.key = key; self.occurredAt = occurredAt; self.recordedAt = recordedAt; self.delta = delta
    }
}

/// Counter values, as read from the projections.
public struct CounterValues: Sendable, Equatable {
    /// The counters that are not zero, with their values.
    public private(set) var values: [CounterKey: Int]
    /// The same values grouped by region, so a region's sums read only its own counters.
    private var byRegion: [String: [CounterKey: Int]]

    /// Values from a dictionary of counters; zeros are dropped.
    public init(_ values: [CounterKey: Int] = [:]) {
        self.values = [:]
        byRegion = [:]
        for (k, v) in values { add(k, v) }
    }

    /// Two sets of values are equal when every counter is.
    public static func == (a: CounterValues, b: CounterValues) -> Bool { a.values == b.values }

    /// Adds to a counter.
    public mutating func add(_ key: CounterKey, _ delta: Int) {
        let v = (values[key] ?? 0) + delta
        values[key] = v == 0 ? nil : v
        byRegion[key.regionCode, default: [:]][key] = v == 0 ? nil : v
    }

    /// The sum of the counters that match. Without an operator, China Tower's site counters are
    /// left out: its records are the infrastructure of the operators' sites, never base stations
    /// of their own (its obstacles still count).
    public func sum(region: String? = nil, operator op: String? = nil, where metric: (String) -> Bool) -> Int {
        let scope = region.map { byRegion[$0] ?? [:] } ?? values
        let tower = Operator.tower.rawValue
        var total = 0
        for (k, v) in scope where (op == nil || k.operatorCode == op) && metric(k.metric) {
            if op == nil && k.operatorCode == tower && !k.metric.hasPrefix(Metric.obstaclesPrefix) { continue }
            total += v
        }
        return total
    }

    /// Sites at a stage.
    public func sites(at stage: Stage, region: String? = nil, operator op: String? = nil) -> Int {
        let m = Metric.stage(stage)
        return sum(region: region, operator: op) { $0 == m }
    }

    /// Registered sites on shared or existing infrastructure.
    public func shared(region: String? = nil, operator op: String? = nil) -> Int {
        sum(region: region, operator: op) { $0 == Metric.sharedSites }
    }

    /// Built sites (at `on_air` or later).
    public func built(region: String? = nil, operator op: String? = nil) -> Int {
        sites(at: .onAir, region: region, operator: op) + sites(at: .accepted, region: region, operator: op)
    }

    /// Open obstacles.
    public func openObstacles(region: String? = nil, category: ObstacleCategory? = nil) -> Int {
        let exact = category.map { Metric.openObstacles($0) }
        return sum(region: region) { metric in
            if let exact { return metric == exact }
            return metric.hasPrefix("obstacles.open.")
        }
    }
}
