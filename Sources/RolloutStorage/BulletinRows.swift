import RolloutCore

/// A bulletin as listed.
public struct BulletinInfo: Encodable, Sendable, Equatable {
    /// The bulletin's number, from 1 in the order issued.
    public var id: Int64
    /// The end of the period it covers: the first instant after it.
    public var cutoff: Instant
    /// When it was issued.
    public var issuedAt: Instant
    /// The account that issued it.
    public var actor: String
    /// The SHA-256 of its HTML bytes, in hexadecimal.
    public var sha256: String
    /// The SHA-256 of its CSV bytes, in hexadecimal.
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

    /// A listing with every field given.
    public init(id: Int64, cutoff: Instant, issuedAt: Instant, actor: String, sha256: String, csvSha256: String) {
        self.id = id; self.cutoff = cutoff; self.issuedAt = issuedAt; self.actor = actor; self.sha256 = sha256; self.csvSha256 = csvSha256
    }
}

/// A bulletin with its bytes, exactly as issued.
public struct StoredBulletin: Sendable, Equatable {
    /// The bulletin as listed.
    public var info: BulletinInfo
    /// The HTML document, as issued.
    public var html: String
    /// The CSV of its tables, as issued.
    public var csv: String

    /// A bulletin with its listing and its bytes.
    public init(info: BulletinInfo, html: String, csv: String) {
        self.info = info; self.html = html; self.csv = csv
    }
}
