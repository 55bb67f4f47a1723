import RolloutCore

/// Bytes kept beside the log by their SHA-256 (evidence photos and their previews).
public struct StoredBlob: Sendable, Equatable {
    /// The SHA-256 of the bytes (hex).
    public var sha256: String
    /// Their media type (`image/jpeg`).
    public var contentType: String
    /// The bytes.
    public var bytes: [UInt8]

    /// A blob.
    public init(sha256: String, contentType: String, bytes: [UInt8]) {
        self.sha256 = sha256; self.contentType = contentType; self.bytes = bytes
    }
}

/// Evidence: photos kept once by SHA-256, written in the transaction of the events that name them.
public protocol EvidenceStore: Sendable {
    /// Keeps the blobs (those kept already are left as they are) and appends the events, in one
    /// transaction: all or nothing.
    func keep(_ blobs: [StoredBlob], appending events: [NewEvent]) async throws -> AppendResult
    /// A kept blob, nil if none has that SHA-256.
    func blob(sha256: String) async throws -> StoredBlob?
    /// Keeps blobs alone, in bulk (the demo's photos, whose events the bulk load wrote): multi-row
    /// inserts that leave the ones kept already.
    func keepBlobs(_ blobs: [StoredBlob], at: Instant) async throws
}
