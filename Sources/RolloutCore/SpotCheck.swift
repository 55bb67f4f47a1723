/// The weekly spot check (抽查): a seeded random sample of each operator's openings accepted in the
/// week before, drawn into the verification queue. The seed and the sample are logged, so anyone
/// can draw again from the same openings and get the same sites.
public struct SpotCheck: Hashable, Codable, Sendable {
    /// The Monday (Beijing) the draw is made for; it draws from the openings accepted in the week before it.
    public var week: DayNumber
    /// The seed of the draw.
    public var seed: UInt64
    /// The share drawn.
    public var rate: Double
    /// The sites drawn.
    public var sites: [SiteKey]

    /// A draw as logged.
    public init(week: DayNumber, seed: UInt64, rate: Double, sites: [SiteKey]) {
        self.week = week; self.seed = seed; self.rate = rate; self.sites = sites
    }

    /// The Monday of the week a day falls in.
    public static func monday(of day: DayNumber) -> DayNumber { day - WorkingCalendar.weekday(day) }

    /// The seed of a week's draw (what the log records; any other would do as well).
    public static func seed(week: DayNumber) -> UInt64 { UInt64(bitPattern: Int64(week)) &* 0x9E37_79B9_7F4A_7C15 ^ 0x5107_C4EC }

    /// Draws, for each operator, ⌈n × rate⌉ of its `n` candidates (none at a rate of 0), each
    /// operator's in the order of their codes, by a partial Fisher–Yates shuffle on the seed.
    public static func draw(_ candidates: [SiteKey], rate: Double, seed: UInt64) -> [SiteKey] {
        guard rate > 0 else { return [] }
        var out: [SiteKey] = []
        for op in Operator.allCases {
            var pool = candidates.filter { $0.operator == op }.sorted { $0.code < $1.code }
            guard !pool.isEmpty else { continue }
            let k = min(pool.count, Int((Double(pool.count) * rate).rounded(.up)))
            var r = SeededRandom(seed: seed, stream: 0x5C07, item: UInt64(Operator.allCases.firstIndex(of: op)!))
            for i in 0..<k {
                let j = i + Int(r.next() % UInt64(pool.count - i))
                pool.swapAt(i, j)
            }
            out += pool.prefix(k)
        }
        return out
    }

    /// The openings a week's draw takes from: accepted as of the Monday, their first photo in the week before it.
    public static func candidates(_ v: Verification, week: DayNumber) -> [SiteKey] {
        candidates(v.current, week: week)
    }

    /// Those of `openings` (current ones, as of the Monday) a week's draw takes from, in their order.
    public static func candidates(_ openings: [Verification.Opening], week: DayNumber) -> [SiteKey] {
        let photos = photoWeek(week)
        return openings.filter { o in o.state == .accepted && (o.firstPhotoAt.map { photos.contains($0) } ?? false) }.map(\.site)
    }

    /// The week before the Monday, in which a candidate's first photo was attached (so every
    /// candidate has a photo attached then).
    public static func photoWeek(_ week: DayNumber) -> Range<Instant> {
        ShanghaiCalendar.start(of: week - 7)..<ShanghaiCalendar.start(of: week)
    }
}
