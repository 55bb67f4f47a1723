import Foundation

/// Two sources about one base station: an operator's site and the China Tower site it stands on
/// (the infrastructure China Tower builds: tower, room, power). Which records are one site, and
/// where the two disagree, as pure functions of the records at a moment. China Tower's records are
/// never added to the count of base stations built.
public enum Reconciliation {
    /// A site as reconciliation needs it: where it stands, on what, how far it has got and since when.
    public struct Record: Hashable, Sendable {
        /// The operator's (or China Tower's) site.
        public var key: SiteKey
        /// The district it stands in.
        public var regionCode: String
        /// Latitude, in degrees.
        public var lat: Double
        /// Longitude, in degrees.
        public var lon: Double
        /// What it stands on.
        public var host: Host
        /// Its stage at the moment.
        public var stage: Stage
        /// When it reached that stage.
        public var stageSince: Instant
        /// When it was registered.
        public var registeredAt: Instant
        /// The China Tower site it names (an operator's site only; the `tower_site_code` column).
        public var towerSiteCode: String?

        /// A record with every field given.
        public init(key: SiteKey, regionCode: String, lat: Double, lon: Double, host: Host, stage: Stage, stageSince: Instant,
                    registeredAt: Instant, towerSiteCode: String? = nil) {
            self.key = key; self.regionCode = regionCode; self.lat = lat; self.lon = lon; self.host = host; self.stage = stage
            self.stageSince = stageSince; self.registeredAt = registeredAt; self.towerSiteCode = towerSiteCode
        }
    }

    /// A site's record through time: where it stands, on what, and its timeline; a ``Record`` at
    /// any moment.
    public struct Timeline: Hashable, Sendable {
        /// The operator's (or China Tower's) site.
        public var key: SiteKey
        /// The district it stands in.
        public var regionCode: String
        /// Latitude, in degrees.
        public var lat: Double
        /// Longitude, in degrees.
        public var lon: Double
        /// What it stands on.
        public var host: Host
        /// The China Tower site it names.
        public var towerSiteCode: String?
        /// From when it stood at each stage, oldest first (the first: its registration).
        public var steps: [TimelineStep]

        /// A timeline with every field given.
        public init(key: SiteKey, regionCode: String, lat: Double, lon: Double, host: Host, towerSiteCode: String?, steps: [TimelineStep]) {
            self.key = key; self.regionCode = regionCode; self.lat = lat; self.lon = lon; self.host = host
            self.towerSiteCode = towerSiteCode; self.steps = steps
        }

        /// The record at a cutoff, or nil when the site was not registered by then.
        public func record(at cutoff: Cutoff) -> Record? {
            guard let first = steps.first, cutoff.includes(first.at) else { return nil }
            let last = steps.last { cutoff.includes($0.at) } ?? first
            return Record(key: key, regionCode: regionCode, lat: lat, lon: lon, host: host, stage: last.stage, stageSince: last.at,
                          registeredAt: first.at, towerSiteCode: towerSiteCode)
        }
    }

    /// An operator's site and the China Tower site found to be the same base station's.
    public struct Pair: Hashable, Sendable {
        /// The operator's site.
        public var operatorSite: SiteKey
        /// China Tower's site.
        public var towerSite: SiteKey
        /// Whether the operator's record named it (else: the only China Tower site near enough).
        public var named: Bool
        /// How far apart the two records place it, in metres.
        public var distance: Double
    }

    /// Which records are one site, and which could not be paired.
    public struct Pairing: Equatable, Sendable {
        /// The pairs, in the order of the operator sites given.
        public var pairs: [Pair]
        /// Operator sites with two or more China Tower sites near enough and none named: their candidates.
        public var ambiguous: [SiteKey: [SiteKey]]
        /// Operator sites on a tower China Tower builds with no China Tower site named or near.
        public var operatorOnly: [SiteKey]
        /// China Tower sites no operator site is paired with.
        public var towerOnly: [SiteKey]
    }

    /// Whether an operator's site on this host is expected to pair: China Tower builds new towers
    /// and holds the existing ones; lamps, pylons, rooftops and indoor systems are not its.
    public static func expectsTower(_ host: Host) -> Bool { host == .newTower || host == .existingTower }

    /// Pairs operator sites with China Tower sites: the one named by `towerSiteCode` (in the same
    /// region), else, for a site on a tower China Tower builds or holds, the only China Tower site of
    /// the same region within `radius` metres (a site on a lamp, a rooftop or indoors pairs only by
    /// name). A China Tower site may carry several operators' sites (sharing is the point of it).
    public static func pair(operators: [Record], towers: [Record], radius: Double = 50) -> Pairing {
        // Towers by index (the records are large: copying them was most of the time).
        var byCode: [String: Int] = [:]
        byCode.reserveCapacity(towers.count)
        for (i, t) in towers.enumerated() where byCode[t.key.code] == nil { byCode[t.key.code] = i }
        var maxLat = 0.0
        for r in operators where abs(r.lat) > maxLat { maxLat = abs(r.lat) }
        for r in towers where abs(r.lat) > maxLat { maxLat = abs(r.lat) }
        let grid = Grid(towers, radius: radius, maxLat: maxLat)
        var pairs: [Pair] = [], ambiguous: [SiteKey: [SiteKey]] = [:], operatorOnly: [SiteKey] = []
        var paired = [Bool](repeating: false, count: towers.count)
        for o in operators {
            if let code = o.towerSiteCode, let i = byCode[code], towers[i].regionCode == o.regionCode {
                pairs.append(Pair(operatorSite: o.key, towerSite: towers[i].key, named: true, distance: distance(o, towers[i])))
                paired[i] = true
                continue
            }
            guard expectsTower(o.host) else { continue }
            let near = grid.near(o, radius: radius, in: towers).filter { towers[$0].regionCode == o.regionCode }
            if near.count == 1 {
                pairs.append(Pair(operatorSite: o.key, towerSite: towers[near[0]].key, named: false, distance: distance(o, towers[near[0]])))
                paired[near[0]] = true
            } else if near.count > 1 {
                ambiguous[o.key] = near.map { towers[$0].key }.sorted { $0.code < $1.code }
            } else {
                operatorOnly.append(o.key)
            }
        }
        let towerOnly = towers.indices.filter { !paired[$0] }.map { towers[$0].key }.sorted { $0.code < $1.code }
        operatorOnly.sort { ($0.operator, $0.code) < ($1.operator, $1.code) }
        return Pairing(pairs: pairs, ambiguous: ambiguous, operatorOnly: operatorOnly, towerOnly: towerOnly)
    }

    /// The distance in metres between two records.
    public static func distance(_ a: Record, _ b: Record) -> Double { ResourceMatching.distance(a.lat, a.lon, b.lat, b.lon) }

    /// China Tower's sites in cells about `radius` metres wide, so that finding those near a point
    /// reads a few cells instead of every site.
    struct Grid {
        let cellLat: Double, cellLon: Double
        var cells: [Cell: [Int]] = [:]
        struct Cell: Hashable { var y: Int, x: Int }

        /// - Parameter maxLat: the highest latitude (absolute) of any point that will be asked about.
        init(_ records: [Record], radius: Double, maxLat: Double) {
            // A little under a degree of latitude on the haversine's Earth (111,195 m), so that a cell
            // is at least `radius` metres tall.
            let metresPerDegree = 111_000.0
            cellLat = max(radius, 1) / metresPerDegree
            // A degree of longitude is shortest at the highest latitude: cells at least `radius` wide there.
            cellLon = max(radius, 1) / (metresPerDegree * cos(min(80, maxLat) * .pi / 180))
            for (i, r) in records.enumerated() { cells[cell(r.lat, r.lon), default: []].append(i) }
        }

        func cell(_ lat: Double, _ lon: Double) -> Cell { Cell(y: Int((lat / cellLat).rounded(.down)), x: Int((lon / cellLon).rounded(.down))) }

        /// The indices (in `records`, the array the grid was made of) of the records within
        /// `radius` metres of a point (the point's cell and its eight neighbours).
        func near(_ r: Record, radius: Double, in records: [Record]) -> [Int] {
            let c = cell(r.lat, r.lon)
            var out: [Int] = []
            for dy in -1...1 {
                for dx in -1...1 {
                    for i in cells[Cell(y: c.y + dy, x: c.x + dx)] ?? [] where Reconciliation.distance(r, records[i]) <= radius { out.append(i) }
                }
            }
            return out
        }
    }
}
