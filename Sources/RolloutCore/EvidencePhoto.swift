/// A photo attached as evidence to a site's `on_air` or `accepted` stage, as the log keeps it:
/// what its bytes are (named by their SHA-256, kept beside the log with a preview), where and when
/// it was taken, and which automatic checks it failed (``EvidenceChecks``).
public struct EvidencePhoto: Hashable, Codable, Sendable {
    /// The site.
    public var site: SiteKey
    /// The stage it shows: `on_air` or `accepted`.
    public var stage: Stage
    /// The SHA-256 of the photo's bytes (hex): its id.
    public var sha256: String
    /// The SHA-256 of its preview.
    public var previewSha256: String
    /// Its size in bytes, and in pixels.
    public var bytes: Int, width: Int, height: Int
    /// When it was taken, by its EXIF block.
    public var takenAt: Instant?
    /// Where it was taken, by its EXIF block.
    public var latitude: Double?, longitude: Double?
    /// Metres from the site.
    public var distanceMetres: Double?
    /// The checks it failed (empty: it passed every one).
    public var failures: [EvidenceChecks.Failure]

    /// A photo as attached.
    public init(site: SiteKey, stage: Stage, sha256: String, previewSha256: String, bytes: Int, width: Int, height: Int, takenAt: Instant?,
                latitude: Double?, longitude: Double?, distanceMetres: Double?, failures: [EvidenceChecks.Failure]) {
        self.site = site; self.stage = stage; self.sha256 = sha256; self.previewSha256 = previewSha256; self.bytes = bytes
        self.width = width; self.height = height; self.takenAt = takenAt; self.latitude = latitude; self.longitude = longitude
        self.distanceMetres = distanceMetres; self.failures = failures
    }

    /// The stages a photo may show.
    public static let stages: [Stage] = [.onAir, .accepted]

    /// The entity of a site's verification in the log.
    public static func entity(_ site: SiteKey) -> String { "verification:\(site.operator.rawValue):\(site.code)" }
}

/// What the city office set about evidence, from the event's date on: whether each opening must
/// show its photos, the checks' thresholds, the share of accepted openings drawn each week for a
/// spot check, and which count of built sites rankings, bulletins, supervision and rewards use.
public struct EvidenceRule: Hashable, Codable, Sendable {
    /// Whether evidence is on: an `on_air` report recorded from then on must show its photos.
    public var required: Bool
    /// The checks' thresholds.
    public var checks: EvidenceChecks.Rules
    /// The share of each operator's accepted openings drawn into the queue each week (0–0.5; default 5 %).
    public var spotCheckRate: Double
    /// Whether rankings and the rest count verified sites rather than reported ones.
    public var rankVerified: Bool

    /// A rule.
    public init(required: Bool = true, checks: EvidenceChecks.Rules = .init(), spotCheckRate: Double = 0.05, rankVerified: Bool = false) {
        self.required = required; self.checks = checks; self.spotCheckRate = spotCheckRate; self.rankVerified = rankVerified
    }

    /// A rule from what a form or a request gives, each missing field at its default.
    public init(required: Bool?, maxDistanceMetres: Double?, toleranceHours: Double?, spotCheckRate: Double?, rankVerified: Bool?) {
        let d = EvidenceRule()
        self.init(required: required ?? d.required,
                  checks: .init(maxDistanceMetres: maxDistanceMetres ?? d.checks.maxDistanceMetres,
                                toleranceSeconds: toleranceHours.map { Int64(($0 * 3600).rounded()) } ?? d.checks.toleranceSeconds),
                  spotCheckRate: spotCheckRate ?? d.spotCheckRate, rankVerified: rankVerified ?? d.rankVerified)
    }

    /// The rule checked: a distance of 10 m to 10 km, a tolerance of 0 to 7 days, a rate of 0 to 0.5.
    /// Throws `bad_evidence_rule`.
    public func validated() throws -> EvidenceRule {
        guard (10...10_000).contains(checks.maxDistanceMetres), (0...(7 * 86_400)).contains(checks.toleranceSeconds),
              (0...0.5).contains(spotCheckRate) else { throw RolloutError("bad_evidence_rule") }
        return self
    }
}

/// A person's decision on a site's opening in the verification queue.
public enum VerificationDecision: Hashable, Codable, Sendable {
    /// The opening is verified.
    case verified(note: String)
    /// The opening is rejected, with the reason: the site goes back to the stage before.
    case rejected(reason: String)
}
