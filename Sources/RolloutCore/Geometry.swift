/// A polygon ring as (lon, lat) vertices, WGS-84.
public typealias Ring = [(lon: Double, lat: Double)]

/// A region's outline: several parts, each an outer ring with optional holes.
public struct Outline: Sendable {
    /// One part: its outer ring first, then its holes.
    public struct Part: Sendable {
        /// The outer boundary.
        public var outer: Ring
        /// The rings cut out of the outer one.
        public var holes: [Ring]
        /// The box around the outer ring.
        public var bounds: Bounds

        /// A part from its rings; its box comes from the outer one.
        public init(outer: Ring, holes: [Ring] = []) {
            self.outer = outer; self.holes = holes
            var b = Bounds(minLat: .infinity, minLon: .infinity, maxLat: -.infinity, maxLon: -.infinity)
            for p in outer {
                b = Bounds(minLat: min(b.minLat, p.lat), minLon: min(b.minLon, p.lon),
                           maxLat: max(b.maxLat, p.lat), maxLon: max(b.maxLon, p.lon))
            }
            bounds = b
        }
    }

    /// The outline's separate pieces.
    public var parts: [Part]
    /// The box around every part.
    public var bounds: Bounds

    /// An outline of the given parts; its box holds theirs (all zeros without parts).
    public init(parts: [Part]) {
        self.parts = parts
        bounds = parts.dropFirst().reduce(parts.first?.bounds ?? Bounds(minLat: 0, minLon: 0, maxLat: 0, maxLon: 0)) {
            $0.union($1.bounds)
        }
    }

    /// Whether the point lies inside the outline (even-odd rule on each part).
    public func contains(lat: Double, lon: Double) -> Bool {
        guard bounds.contains(lat: lat, lon: lon) else { return false }
        for part in parts where part.bounds.contains(lat: lat, lon: lon) {
            if Outline.ringContains(part.outer, lat: lat, lon: lon)
                && !part.holes.contains(where: { Outline.ringContains($0, lat: lat, lon: lon) }) {
                return true
            }
        }
        return false
    }

    /// The area of the outline in square degrees (for weighting samples among parts).
    public var partAreas: [Double] {
        parts.map { part in
            var a = 0.0
            let r = part.outer
            for i in r.indices {
                let j = (i + 1) % r.count
                a += r[i].lon * r[j].lat - r[j].lon * r[i].lat
            }
            return abs(a) / 2
        }
    }

    static func ringContains(_ ring: Ring, lat: Double, lon: Double) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in 0..<ring.count {
            let (xi, yi) = (ring[i].lon, ring[i].lat)
            let (xj, yj) = (ring[j].lon, ring[j].lat)
            if (yi > lat) != (yj > lat), lon < (xj - xi) * (lat - yi) / (yj - yi) + xi {
                inside.toggle()
            }
            j = i
        }
        return inside
    }
}
