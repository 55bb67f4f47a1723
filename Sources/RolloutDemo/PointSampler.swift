import RolloutCore

/// Draws site positions inside a region's outline, denser near its seat.
public struct PointSampler: Sendable {
    let regions: [String: Region]
    let outlines: [String: Outline]

    /// A sampler over the regions and their outlines by code (no outline: the region's seat).
    public init(regions: [Region], outlines: [String: Outline]) {
        self.regions = Dictionary(uniqueKeysWithValues: regions.map { ($0.code, $0) })
        self.outlines = outlines
    }

    /// Whether a point lies inside the region (a functional area: inside one of its host
    /// districts; a region without an outline holds every point).
    public func contains(_ code: String, lat: Double, lon: Double) -> Bool {
        guard let region = regions[code] else { return false }
        if !region.hostRegions.isEmpty { return region.hostRegions.contains { contains($0, lat: lat, lon: lon) } }
        return outlines[code]?.contains(lat: lat, lon: lon) ?? true
    }

    /// A point inside the region (for a functional area: inside one of its host districts).
    public func point(in code: String, rng: inout SeededRandom) -> (lat: Double, lon: Double) {
        guard let region = regions[code] else { return (0, 0) }
        if !region.hostRegions.isEmpty {
            let host = region.hostRegions[Int(rng.unit() * Double(region.hostRegions.count))]
            return point(in: host, rng: &rng)
        }
        guard let outline = outlines[code] else {
            return (region.seatLat ?? region.bounds.map { ($0.minLat + $0.maxLat) / 2 } ?? 0,
                    region.seatLon ?? region.bounds.map { ($0.minLon + $0.maxLon) / 2 } ?? 0)
        }
        let b = outline.bounds
        let seat = (lat: region.seatLat ?? (b.minLat + b.maxLat) / 2, lon: region.seatLon ?? (b.minLon + b.maxLon) / 2)
        // Most sites cluster around the seat (the town), the rest spread over the territory.
        let spread = ((region.areaKm2 ?? 500).squareRoot() / 111) / 4
        let urban = rng.chance(0.6)
        for _ in 0..<200 {
            let lat: Double, lon: Double
            if urban {
                lat = seat.lat + rng.normal() * spread * 0.5
                lon = seat.lon + rng.normal() * spread * 0.5
            } else {
                lat = rng.uniform(b.minLat...b.maxLat)
                lon = rng.uniform(b.minLon...b.maxLon)
            }
            if outline.contains(lat: lat, lon: lon) {
                return ((lat * 1e6).rounded() / 1e6, (lon * 1e6).rounded() / 1e6)
            }
        }
        return seat
    }
}
