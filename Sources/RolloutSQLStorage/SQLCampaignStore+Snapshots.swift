import Foundation
import RolloutStorage
import SQLKit

extension SQLCampaignStore {
    /// The size of a kept snapshot's parts: both engines keep a value of up to 1 GB in a row, but
    /// a row of that size is read and written whole, in memory, by the drivers.
    static let snapshotPartBytes = 8 << 20

    /// The bytes kept under `name`, with the log's version they were derived at; nil if none
    /// (or if its parts are not all there).
    public func snapshot(_ name: String) async throws -> (version: Int64, bytes: [UInt8])? {
        try await read { db in
            let rows = try await db.raw("SELECT part, version, data FROM snapshots WHERE name = \(bind: name) ORDER BY part").all()
            guard let first = rows.first else { return nil }
            let version = try first.int("version")
            var bytes: [UInt8] = []
            for (i, r) in rows.enumerated() {
                guard try r.int("part") == Int64(i), try r.int("version") == version else { return nil }
                bytes += try r.decode(column: "data", as: Data.self)
            }
            return (version, bytes)
        }
    }

    /// Keeps `bytes` under `name` as derived at `version`, unless one derived later is kept
    /// already: in one transaction, the other parts deleted and the new ones written.
    public func keepSnapshot(_ name: String, version: Int64, bytes: [UInt8]) async throws {
        let size = Self.snapshotPartBytes
        try await write { db in
            let kept = try await db.raw("SELECT CAST(MAX(version) AS BIGINT) AS v FROM snapshots WHERE name = \(bind: name)").first()
            if let v = try kept?.decode(column: "v", as: Int64?.self), v > version { return }
            try await db.raw("DELETE FROM snapshots WHERE name = \(bind: name)").run()
            var part: Int64 = 0, start = 0
            repeat {
                let end = min(bytes.count, start + size)
                try await db.raw("""
                    INSERT INTO snapshots (name, part, version, data) VALUES (\(bind: name), \(bind: part), \(bind: version), \(bind: Data(bytes[start..<end])))
                    """).run()
                part += 1; start = end
            } while start < bytes.count
        }
    }
}
