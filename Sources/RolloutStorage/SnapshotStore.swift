/// Values derived from the log and kept beside it, so that a server that starts reads them instead
/// of deriving them again from millions of events: each under a name, with the log's version
/// (sequence number) it was derived at. Never the truth: whoever reads one derives what the log
/// appended since, and derives it all again when the kept bytes are missing, damaged or of
/// another format. Deleted with the projections when they are derived again.
public protocol SnapshotStore: Sendable {
    /// The bytes kept under `name`, with the log's version they were derived at; nil if none.
    func snapshot(_ name: String) async throws -> (version: Int64, bytes: [UInt8])?
    /// Keeps `bytes` under `name` as derived at `version`, in place of one derived at `version` or
    /// before (one found damaged is replaced so); nothing changes when a later one is kept already
    /// (several servers may keep at once).
    func keepSnapshot(_ name: String, version: Int64, bytes: [UInt8]) async throws
}
