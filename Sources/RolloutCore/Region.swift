/// A latitude/longitude box, WGS-84 decimal degrees.
public struct Bounds: Hashable, Codable, Sendable {
    /// The southern, western, northern and eastern edges, in degrees.
    public var minLat: Double, minLon: Double, maxLat: Double, maxLon: Double

    /// A box from its edges.
    public init(minLat: Double, minLon: Double, maxLat: Double, maxLon: Double) {
        self.minLat = minLat; self.minLon = minLon; self.maxLat = maxLat; self.maxLon = maxLon
    }

    /// Whether the point lies inside the box (edges included).
    public func contains(lat: Double, lon: Double) -> Bool {
        lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon
    }

    /// The smallest box holding both.
    public func union(_ other: Bounds) -> Bounds {
        Bounds(minLat: min(minLat, other.minLat), minLon: min(minLon, other.minLon),
               maxLat: max(maxLat, other.maxLat), maxLon: max(maxLon, other.maxLon))
    }
}

/// What a region is in the administrative hierarchy.
public enum RegionKind: String, Codable, Sendable, CaseIterable {
    case district, county
    /// An autonomous county (自治县).
    case autonomousCounty = "autonomous_county"
    /// A functional area such as a new area, lying across its host districts.
    case functionalArea = "functional_area"
}

/// A unit of the campaign (区县): a district, a county, or a functional area such as a new area.
public struct Region: Hashable, Codable, Sendable, Identifiable {
    /// The GB/T 2260 code, or a synthetic 5099xx code for a functional area.
    public var code: String
    /// The Chinese name, as on the dashboard.
    public var nameZh: String
    /// The English name.
    public var nameEn: String
    /// Whether it is a district, a county, an autonomous county or a functional area.
    public var kind: RegionKind
    /// The seat point, when known.
    public var seatLat: Double?
    /// The seat's longitude, when known.
    public var seatLon: Double?
    /// The bounding box, when known (functional areas take their host districts').
    public var bounds: Bounds?
    /// The population, when known.
    public var population: Int?
    /// The area in square kilometres, when known.
    public var areaKm2: Double?
    /// For a functional area, the districts whose territory it lies in.
    public var hostRegions: [String]

    /// The region code, as its identity.
    public var id: String { code }

    /// A region; the facts not given are unknown, and it has no host regions.
    public init(code: String, nameZh: String, nameEn: String, kind: RegionKind, seatLat: Double? = nil,
                seatLon: Double? = nil, bounds: Bounds? = nil, population: Int? = nil, areaKm2: Double? = nil,
                hostRegions: [String] = []) {
        self.code = code; self.nameZh = nameZh; self.nameEn = nameEn; self.kind = kind
        self.seatLat = seatLat; self.seatLon = seatLon; self.bounds = bounds
        self.population = population; self.areaKm2 = areaKm2; self.hostRegions = hostRegions
    }

    /// The name in a language.
    public func name(_ language: Language) -> String { language == .zh ? nameZh : nameEn }
}
