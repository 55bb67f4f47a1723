import RolloutCore

/// A bulletin as listed.
public struct BulletinInfo: Encodable, Sendable, Equatable {
    public var id: Int64
    public var cutoff: Instant
    public var issuedAt: Instant
    public var actor: String
    public var sha256: String
    public var csvSha256: String

    enum CodingKeys: String, CodingKey { case id, day, cutoff, issuedAt, actor, sha256, csvSha256 }

    /// Times as the API writes them: the period's last day, and ISO-8601 instants.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ShanghaiCalendar.dateString(cutoff.adding(seconds: -1)), forKey: .day)
        try c.encode(cutoff.description, forKey: .cutoff)
        try c.encode(issuedAt.description, forKey: .issuedAt)
        try c.encode(actor, forKey: .actor)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(csvSha256, forKey: .csvSha256)
    }

    public init(id: Int64, cutoff: Instant, issuedAt: Instant, actor: String, sha256: String, csvSha256: String) {
        self.id = id; self.cutoff = cutoff; self.issuedAt = issuedAt; self.actor = actor; self.sha256 = sha256; self.csvSha256 = csvSha256
    }
}

/// A bulletin with its bytes, exactly as issued.
public struct StoredBulletin: Sendable, Equatable {
    public var info: BulletinInfo
    public var html: String
    public var csv: String

    public init(info: BulletinInfo, html: String, csv: String) {
        self.info = info; self.html = html; self.csv = csv
    }
}
