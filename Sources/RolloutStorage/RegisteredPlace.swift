import RolloutCore

/// A site's region and position as one of its registrations gave them: what verification needs of
/// the registrations (a map and a region per opening), read from the payload by the engine rather
/// than by decoding every registration whole (735,000 of them at `--scale 10`).
public struct RegisteredPlace: Sendable, Equatable {
    /// The site registered.
    public var site: SiteKey
    /// Its region, as registered.
    public var regionCode: String
    /// Its position, WGS-84 degrees.
    public var lat: Double, lon: Double

    /// A site's place.
    public init(site: SiteKey, regionCode: String, lat: Double, lon: Double) {
        self.site = site; self.regionCode = regionCode; self.lat = lat; self.lon = lon
    }

    /// The place a `site.registered` event gives, or nil for any other event.
    public init?(_ e: LoggedEvent) {
        guard case .siteRegistered(let r) = e.event.body else { return nil }
        self.init(site: r.site, regionCode: r.regionCode, lat: r.lat, lon: r.lon)
    }
}
