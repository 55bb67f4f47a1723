import Foundation

/// How long obstacles of each category took to be resolved, as counted by the
/// `obstacles.resolvedin.*` counters (as of the moment they were read): the law an open
/// obstacle's remaining time is read from.
public struct ResolutionLaw: Sendable, Equatable {
    /// Per category, the number of obstacles resolved in each ``DurationBuckets`` bucket.
    public private(set) var counts: [ObstacleCategory: [Int]] = [:]

    /// The law from counter values.
    public init(_ values: CounterValues) {
        for (key, value) in values.values where key.metric.hasPrefix(Metric.resolvedInPrefix) {
            let parts = key.metric.dropFirst(Metric.resolvedInPrefix.count).split(separator: ".")
            guard parts.count == 2, let c = ObstacleCategory(rawValue: String(parts[0])), let b = Int(parts[1]),
                  (0..<DurationBuckets.count).contains(b) else { continue }
            counts[c, default: Array(repeating: 0, count: DurationBuckets.count)][b] += value
        }
    }

    /// A law from counts per category and bucket.
    public init(counts: [ObstacleCategory: [Int]]) { self.counts = counts }

    /// How many resolved obstacles of a category the law comes from.
    public func samples(_ c: ObstacleCategory) -> Int { counts[c]?.reduce(0, +) ?? 0 }

    /// The share of a category's resolved obstacles that took at most `days` (nil when none was resolved).
    public func share(_ c: ObstacleCategory, within days: Double) -> Double? {
        guard let buckets = counts[c] else { return nil }
        let n = buckets.reduce(0, +)
        guard n > 0 else { return nil }
        var within = 0.0
        for (b, k) in buckets.enumerated() where k > 0 { within += Double(k) * DurationBuckets.share(b, within: days) }
        return within / Double(n)
    }

    /// The days by which half of a category's obstacles were resolved (nil when none was, or
    /// when half took longer than the last bounded bucket).
    public func median(_ c: ObstacleCategory) -> Double? {
        guard let whole = share(c, within: Double(DurationBuckets.upperDays.last!)), whole >= 0.5 else { return nil }
        var (low, high) = (0.0, Double(DurationBuckets.upperDays.last!))
        for _ in 0..<40 {
            let mid = (low + high) / 2
            if (share(c, within: mid) ?? 0) >= 0.5 { high = mid } else { low = mid }
        }
        return high
    }

    /// The chance that an obstacle of a category, open for `age` days, is still open `days` later:
    /// the share of resolved ones that took longer than `age + days` among those that took
    /// longer than `age`. Without a resolved obstacle of the category, or older than every one
    /// that was resolved, it is taken to stay open (nothing says it will clear).
    public func stillOpen(_ c: ObstacleCategory, age: Double, after days: Double) -> Double {
        guard let resolvedByAge = share(c, within: max(0, age)), let resolvedByEnd = share(c, within: max(0, age) + max(0, days)) else { return 1 }
        let openAtAge = 1 - resolvedByAge
        guard openAtAge > 1e-9 else { return 1 }
        return min(1, max(0, (1 - resolvedByEnd) / openAtAge))
    }
}

/// An obstacle standing open on a site not yet built, as the forecast's explanation reads it.
public struct OpenObstacle: Sendable, Equatable {
    /// Its category.
    public var category: ObstacleCategory
    /// When it was raised, in field time.
    public var openedAt: Instant

    /// An open obstacle of a category, raised at `openedAt`.
    public init(category: ObstacleCategory, openedAt: Instant) { self.category = category; self.openedAt = openedAt }
}

/// Which obstacles a shortfall comes from: per category, the sites its open obstacles hold up
/// now and how many of them the category's observed resolution times say will still be held at
/// the deadline (a site held then cannot be built by it).
public struct ObstacleOutlook: Codable, Sendable, Equatable {
    /// The category's code (e.g. `power`).
    public var category: String
    /// Open obstacles of the category on sites, now.
    public var open: Int
    /// Their median age, in days.
    public var medianAgeDays: Double
    /// The days by which half of the category's resolved obstacles were resolved; nil while too few were.
    @Nullable public var typicalDays: Double?
    /// How many resolved obstacles of the category the law comes from.
    public var resolvedSamples: Int
    /// Of the open ones, how many are expected still open at the deadline.
    public var expectedOpenAtDeadline: Int

    /// The outlook of a category.
    public init(category: String, open: Int, medianAgeDays: Double, typicalDays: Double?, resolvedSamples: Int, expectedOpenAtDeadline: Int) {
        self.category = category; self.open = open; self.medianAgeDays = medianAgeDays; self.typicalDays = typicalDays
        self.resolvedSamples = resolvedSamples; self.expectedOpenAtDeadline = expectedOpenAtDeadline
    }

    /// Per category with an open obstacle, most held at the deadline first: each obstacle's chance
    /// of still being open then given how long it has been open (``ResolutionLaw/stillOpen(_:age:after:)``), summed.
    /// Once the deadline has passed, only the obstacles raised by then count (each was open on it).
    public static func make(_ open: [OpenObstacle], law: ResolutionLaw, now: Instant, deadline: Instant) -> [ObstacleOutlook] {
        let daysLeft = max(0, Double(deadline.seconds - now.seconds) / 86_400)
        return Dictionary(grouping: open.filter { $0.openedAt <= deadline }, by: \.category).map { category, list in
            let ages = list.map { max(0, Double(now.seconds - $0.openedAt.seconds) / 86_400) }.sorted()
            let held = ages.reduce(0.0) { $0 + law.stillOpen(category, age: $1, after: daysLeft) }
            return ObstacleOutlook(category: category.rawValue, open: list.count, medianAgeDays: ((ages.medianOfSorted ?? 0) * 10).rounded() / 10,
                                   typicalDays: law.median(category).map { ($0 * 10).rounded() / 10 },
                                   resolvedSamples: law.samples(category), expectedOpenAtDeadline: Int(held.rounded()))
        }.sorted { ($0.expectedOpenAtDeadline, $0.open, $1.category) > ($1.expectedOpenAtDeadline, $1.open, $0.category) }
    }
}
