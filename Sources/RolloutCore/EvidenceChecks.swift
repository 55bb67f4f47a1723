import Foundation

/// The automatic checks of a photo attached as evidence to a site's stage report: taken where
/// the site is (GPS within a distance), when the work could have been done (not before the site's
/// previous stage occurred, not after the report was recorded, a tolerance either side), and not
/// the same bytes as evidence of another site. Pure: the caller reads the photo and the log.
public enum EvidenceChecks {
    /// A check a photo failed.
    public enum Failure: String, CaseIterable, Codable, Sendable {
        /// No GPS position in the photo.
        case gpsMissing = "gps_missing"
        /// Taken farther from the site than allowed.
        case tooFar = "too_far"
        /// No time the photo was taken.
        case timeMissing = "time_missing"
        /// Taken before the site's previous stage occurred (less the tolerance).
        case tooEarly = "taken_too_early"
        /// Taken after the report was recorded (plus the tolerance).
        case tooLate = "taken_too_late"
        /// The same bytes are evidence of another site.
        case reused
    }

    /// The thresholds, set by the city office.
    public struct Rules: Hashable, Codable, Sendable {
        /// The farthest a photo may be taken from its site, in metres (default 200).
        public var maxDistanceMetres: Double
        /// The tolerance of the time window either side, in seconds (default a day).
        public var toleranceSeconds: Int64
        /// The defaults.
        public init(maxDistanceMetres: Double = 200, toleranceSeconds: Int64 = 86_400) {
            self.maxDistanceMetres = maxDistanceMetres; self.toleranceSeconds = toleranceSeconds
        }
    }

    /// What the checks found: the distance from the site (nil without GPS) and the failures, in
    /// the order of ``Failure``; empty when every check passed.
    public struct Outcome: Hashable, Sendable {
        /// Metres from the site, when the photo has a position.
        public var distanceMetres: Double?
        /// The checks that failed.
        public var failures: [Failure]
    }

    /// The great-circle distance in metres between two positions in decimal degrees (haversine on
    /// the mean Earth radius, 6,371,008.8 m).
    public static func distanceMetres(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let r = 6_371_008.8, rad = Double.pi / 180
        let dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * r * asin(min(1, sqrt(a)))
    }

    /// Checks a photo taken at `takenAt` at (`latitude`, `longitude`) against its site at
    /// (`siteLatitude`, `siteLongitude`), the time the site's previous stage occurred (nil: no
    /// earlier stage to bound it), when the report was recorded, and whether its bytes are another
    /// site's evidence.
    public static func check(takenAt: Instant?, latitude: Double?, longitude: Double?, siteLatitude: Double, siteLongitude: Double,
                             previousStageAt: Instant?, reportRecordedAt: Instant, reusedElsewhere: Bool, rules: Rules = Rules()) -> Outcome {
        var failures: [Failure] = []
        var distance: Double?
        if let latitude, let longitude {
            let d = distanceMetres(latitude, longitude, siteLatitude, siteLongitude)
            distance = d
            if d > rules.maxDistanceMetres { failures.append(.tooFar) }
        } else {
            failures.append(.gpsMissing)
        }
        if let takenAt {
            if let previousStageAt, takenAt.seconds < previousStageAt.seconds - rules.toleranceSeconds { failures.append(.tooEarly) }
            if takenAt.seconds > reportRecordedAt.seconds + rules.toleranceSeconds { failures.append(.tooLate) }
        } else {
            failures.append(.timeMissing)
        }
        if reusedElsewhere { failures.append(.reused) }
        return Outcome(distanceMetres: distance, failures: failures)
    }
}
