/// The queue of mismatches to clear: a mismatch is resolved by a note naming the side that was
/// right, stays resolved while the two sides keep the values it was resolved on, and is open again
/// (reopened) when they diverge another way. One that a later report makes agree is gone from the
/// mismatches, so from the queue.
extension Reconciliation {
    /// The side a resolution says was right.
    public enum Side: String, Codable, Sendable, CaseIterable {
        /// The operator's record.
        case `operator`
        /// China Tower's record.
        case tower
    }

    /// Where a mismatch stands in the queue.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Waiting for someone to clear it (reopened ones included).
        case open
        /// Resolved by a note, on the values it still has.
        case resolved
    }

    /// A resolution as logged: which mismatch, on what values, which side was right and why.
    public struct Resolution: Hashable, Codable, Sendable {
        /// The kind of mismatch.
        public var kind: MismatchKind
        /// The operator's site, unless it was missing.
        public var operatorSite: SiteKey?
        /// China Tower's site, unless it was missing.
        public var towerSite: SiteKey?
        /// The district the mismatch lies in (who may resolve it besides the city office).
        public var regionCode: String
        /// The operator's value it was resolved on.
        public var operatorValue: String?
        /// China Tower's value it was resolved on.
        public var towerValue: String?
        /// The side that was right.
        public var right: Side
        /// Why (required).
        public var note: String

        /// A resolution with every field given.
        public init(kind: MismatchKind, operatorSite: SiteKey?, towerSite: SiteKey?, regionCode: String, operatorValue: String?,
                    towerValue: String?, right: Side, note: String) {
            self.kind = kind; self.operatorSite = operatorSite; self.towerSite = towerSite; self.regionCode = regionCode
            self.operatorValue = operatorValue; self.towerValue = towerValue; self.right = right; self.note = note
        }

        /// The mismatch's name in the log.
        public var entity: String { Reconciliation.entity(kind, operatorSite: operatorSite, towerSite: towerSite) }
    }

    /// A resolution with when and by whom it was logged.
    public struct LoggedResolution: Hashable, Sendable {
        /// The resolution.
        public var resolution: Resolution
        /// When it was made.
        public var at: Instant
        /// The account that made it.
        public var actor: String

        /// A logged resolution.
        public init(_ resolution: Resolution, at: Instant, actor: String) { self.resolution = resolution; self.at = at; self.actor = actor }
    }

    /// A mismatch in the queue.
    public struct Entry: Hashable, Sendable {
        /// The mismatch.
        public var mismatch: Mismatch
        /// The district it lies in.
        public var regionCode: String
        /// Open or resolved.
        public var status: Status
        /// Whether it was resolved once on other values (open again).
        public var reopened: Bool
        /// The latest resolution of it, if any.
        public var resolution: LoggedResolution?
    }

    /// A mismatch's name in the log: its kind and its two sites (either may be missing).
    public static func entity(_ kind: MismatchKind, operatorSite: SiteKey?, towerSite: SiteKey?) -> String {
        let o = operatorSite.map { "\($0.operator.rawValue)/\($0.code)" } ?? "-"
        return "reconciliation:\(kind.rawValue):\(o):\(towerSite?.code ?? "-")"
    }

    /// The queue: each mismatch with its status, oldest first (then by name). `regions` gives a
    /// site's district; `resolutions` are in log order.
    public static func queue(_ mismatches: [Mismatch], regions: [SiteKey: String], resolutions: [LoggedResolution]) -> [Entry] {
        var latest: [String: LoggedResolution] = [:]
        for r in resolutions { latest[r.resolution.entity] = r }
        return mismatches.map { m -> (Entry, String) in
            let region = m.operatorSite.flatMap { regions[$0] } ?? m.towerSite.flatMap { regions[$0] } ?? ""
            let entity = m.entity
            guard let r = latest[entity] else { return (Entry(mismatch: m, regionCode: region, status: .open, reopened: false, resolution: nil), entity) }
            let same = r.resolution.operatorValue == m.operatorValue && r.resolution.towerValue == m.towerValue
            return (Entry(mismatch: m, regionCode: region, status: same ? .resolved : .open, reopened: !same, resolution: r), entity)
        }.sorted { ($0.0.mismatch.since, $0.1) < ($1.0.mismatch.since, $1.1) }.map(\.0)
    }

    /// Paired sites, and those of them with no open mismatch.
    public struct Rate: Hashable, Codable, Sendable {
        /// Operator sites paired with a China Tower site.
        public var paired: Int
        /// Of them, those with no open mismatch.
        public var agreeing: Int

        /// A rate from its two counts.
        public init(paired: Int = 0, agreeing: Int = 0) { self.paired = paired; self.agreeing = agreeing }

        /// `agreeing / paired`, or nil with nothing paired.
        public var value: Double? { paired > 0 ? Double(agreeing) / Double(paired) : nil }
    }

    /// The reconciliation rate per district, per operator and for the city: paired sites with no
    /// open mismatch over all paired sites.
    public static func rates(_ pairing: Pairing, queue: [Entry], regions: [SiteKey: String])
        -> (city: Rate, byRegion: [String: Rate], byOperator: [String: Rate]) {
        let disagreeing = Set(queue.filter { $0.status == .open }.compactMap { e -> SiteKey? in
            [.stagesConflict, .stageGap, .apart].contains(e.mismatch.kind) ? e.mismatch.operatorSite : nil
        })
        var city = Rate(), byRegion: [String: Rate] = [:], byOperator: [String: Rate] = [:]
        for p in pairing.pairs {
            let ok = disagreeing.contains(p.operatorSite) ? 0 : 1
            let region = regions[p.operatorSite] ?? ""
            city.paired += 1; city.agreeing += ok
            byRegion[region, default: Rate()].paired += 1; byRegion[region, default: Rate()].agreeing += ok
            byOperator[p.operatorSite.operator.rawValue, default: Rate()].paired += 1
            byOperator[p.operatorSite.operator.rawValue, default: Rate()].agreeing += ok
        }
        return (city, byRegion, byOperator)
    }
}
