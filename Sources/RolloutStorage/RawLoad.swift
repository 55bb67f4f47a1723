import Foundation
import Logging
import PostgresNIO
import RolloutCore
import SQLKit
import SQLiteNIO

extension SQLCampaignStore {
    /// How ``rawLoadBaseline(rows:)`` loads.
    public var rawLoadMethod: String {
        dialect == .sqlite ? "SQLite multi-row INSERT of 500 rows in one transaction" : "PostgreSQL COPY"
    }

    /// The engine's own fastest load of rows shaped like the log's, into a scratch table that is
    /// dropped afterwards: the baseline the importer's speed is measured against.
    public func rawLoadBaseline(rows: Int) async throws -> Int {
        let columns = ["seq", "entity", "kind", "occurred_at", "recorded_at", "region_code", "operator", "actor", "dedup", "payload"]
        @Sendable func row(_ i: Int) -> [String] {
            ["\(i)", "site:cmcc:B\(i)", "stage.reported", "1577808000", "1577808000", "500101", "cmcc", "bench",
             "stage.reported|site:cmcc:B\(i)|on_air|\(i)", #"{"stageReported":{"site":{"code":"B\#(i)","operator":"cmcc"},"stage":"on_air"}}"#]
        }
        try await write { db in
            try await db.raw("DROP TABLE IF EXISTS raw_load").run()
            try await db.raw("CREATE TABLE raw_load (seq BIGINT, entity TEXT, kind TEXT, occurred_at BIGINT, recorded_at BIGINT, region_code TEXT, operator TEXT, actor TEXT, dedup TEXT, payload TEXT)").run()
        }
        if let pg = driver as? PostgresDriver {
            try await pg.client.withConnection { connection in
                try await connection.copyFrom(table: "raw_load", columns: columns, format: .text(.init()), logger: Logger(label: "rollout.bench")) { writer in
                    var buffer = ByteBuffer()
                    for i in 0..<rows {
                        buffer.writeString(row(i).joined(separator: "\t") + "\n")
                        if buffer.readableBytes > 1 << 20 { try await writer.write(buffer); buffer.clear() }
                    }
                    try await writer.write(buffer)
                }
            }
        } else {
            try await write { db in
                var i = 0
                while i < rows {
                    let n = min(500, rows - i)
                    var q = SQLQueryString("INSERT INTO raw_load (\(columns.joined(separator: ", "))) VALUES ")
                    for j in 0..<n {
                        if j > 0 { q.appendLiteral(", ") }
                        let r = row(i + j)
                        q.appendLiteral("(")
                        q.appendInterpolation(binds: [Int64(i + j), r[1], r[2], Int64(r[3])!, Int64(r[4])!, r[5], r[6], r[7], r[8], r[9]])
                        q.appendLiteral(")")
                    }
                    try await db.raw(q).run()
                    i += n
                }
            }
        }
        try await write { db in try await db.raw("DROP TABLE raw_load").run() }
        return rows
    }
}
