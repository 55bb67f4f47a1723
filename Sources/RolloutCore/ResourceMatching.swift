import Foundation

/// Co-build and share (共建共享): for a planned site without a secured location, the nearest
/// suitable resources on offer within a radius, found through a grid index over the offers (a
/// look at a few cells, not a scan of every pair).
public enum ResourceMatching {
    /// An offer near a site.
    public struct Candidate: Codable, Equatable, Sendable {
        /// The offered resource.
        public var resource: ResourceOffer
        /// Its distance from the site, in metres.
        public var distanceM: Double
    }

    /// Which resources can carry a kind of site: a macro site needs a tower or a rooftop; a pole
    /// or micro site also fits a lamp, traffic or police pole; an indoor system needs a building.
    public static func suits(_ kind: SiteKind, _ host: Host) -> Bool {
        switch (kind, host) {
        case (_, .newTower): false
        case (.macro, .existingTower), (.macro, .powerTower), (.macro, .rooftop): true
        case (.macro, _): false
        case (.micro, .indoorSystem), (.pole, .indoorSystem): false
        case (.micro, _), (.pole, _): true
        case (.indoor, .rooftop), (.indoor, .indoorSystem): true
        case (.indoor, _): false
        }
    }

    /// The distance in metres between two points (haversine, mean Earth radius).
    public static func distance(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let r = 6_371_008.8, rad = Double.pi / 180
        let dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * r * asin(min(1, sqrt(a)))
    }

    /// The offers bucketed into cells at least `cellMeters` wide everywhere in the data.
    public struct Index: Sendable {
        /// The offers indexed, in the order given.
        public let offers: [ResourceOffer]
        let cellLat: Double
        let cellLon: Double
        let cellMeters: Double
        var cells: [Int64: [Int32]] = [:]
        /// The offers' positions and kinds, apart: the scan reads these, not the offers' strings.
        let lats: [Double]
        let lons: [Double]
        let kinds: [Host]

        /// Indexes offers in cells `cellMeters` wide (1 km unless told).
        public init(_ offers: [ResourceOffer], cellMeters: Double = 1_000) {
            self.offers = offers
            self.cellMeters = cellMeters
            let metresPerDegree = 111_195.0
            let maxLat = min(85, offers.map { abs($0.lat) }.max() ?? 0)
            cellLat = cellMeters / metresPerDegree
            cellLon = cellMeters / (metresPerDegree * cos(maxLat * Double.pi / 180))
            lats = offers.map(\.lat); lons = offers.map(\.lon); kinds = offers.map(\.kind)
            for (i, o) in offers.enumerated() { cells[key(row(o.lat), column(o.lon)), default: []].append(Int32(i)) }
        }

        func row(_ lat: Double) -> Int64 { Int64((lat / cellLat).rounded(.down)) }
        func column(_ lon: Double) -> Int64 { Int64((lon / cellLon).rounded(.down)) }
        func key(_ r: Int64, _ c: Int64) -> Int64 { (r << 32) ^ (c & 0xFFFF_FFFF) }

        /// The nearest suitable offers within `radius` metres, nearest first (ties by owner and id).
        public func nearest(lat: Double, lon: Double, kind: SiteKind, radius: Double, limit: Int) -> [Candidate] {
            let rings = Int64((radius / cellMeters).rounded(.up))
            let r0 = row(lat), c0 = column(lon)
            var found: [Candidate] = []
            // A box a little larger than the circle, in degrees: most offers outside it are skipped
            // without trigonometry (the exact distance decides for the others).
            let boxLat = radius / 111_195.0 * 1.01
            let boxLon = boxLat / max(0.01, cos((abs(lat) + boxLat) * Double.pi / 180))
            for r in (r0 - rings)...(r0 + rings) {
                for c in (c0 - rings)...(c0 + rings) {
                    guard let bucket = cells[key(r, c)] else { continue }
                    for n in bucket {
                        let i = Int(n)
                        guard abs(lats[i] - lat) <= boxLat, abs(lons[i] - lon) <= boxLon, ResourceMatching.suits(kind, kinds[i]) else { continue }
                        let d = ResourceMatching.distance(lat, lon, lats[i], lons[i])
                        if d <= radius { found.append(Candidate(resource: offers[i], distanceM: d)) }
                    }
                }
            }
            return ResourceMatching.ranked(found, limit: limit)
        }
    }

    /// The same answer by looking at every offer: the reference the index is tested against.
    public static func bruteForce(_ offers: [ResourceOffer], lat: Double, lon: Double, kind: SiteKind, radius: Double, limit: Int) -> [Candidate] {
        ranked(offers.compactMap { o in
            guard suits(kind, o.kind) else { return nil }
            let d = distance(lat, lon, o.lat, o.lon)
            return d <= radius ? Candidate(resource: o, distanceM: d) : nil
        }, limit: limit)
    }

    static func ranked(_ c: [Candidate], limit: Int) -> [Candidate] {
        Array(c.sorted { ($0.distanceM, $0.resource.owner, $0.resource.resourceId) < ($1.distanceM, $1.resource.owner, $1.resource.resourceId) }
            .prefix(limit))
    }
}
