import RolloutCore

/// The bulletins issued, kept with their exact bytes.
public protocol BulletinStore: Sendable {
    /// Keeps a bulletin's bytes and appends its `bulletin.issued` event, in one transaction;
    /// throws `bulletin_exists` when the cut-off has one.
    func issueBulletin(cutoff: Instant, html: String, csv: String, sha256: String, csvSha256: String,
                       actor: String, via: String?, now: Instant) async throws -> BulletinInfo
    /// A bulletin's stored bytes.
    func bulletin(id: Int64) async throws -> StoredBulletin?
    /// The bulletins issued, the latest cut-off first.
    func bulletins() async throws -> [BulletinInfo]
}
