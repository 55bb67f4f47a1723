import Foundation
import Logging
import PostgresNIO
import RolloutCore
import RolloutStorage
import SQLKit
import SQLiteNIO

extension SQLCampaignStore {
    /// How ``rawLoadBaseline(rows:)`` loads.
    public var rawLoadMethod: String {
        dialect == .sqlite ? "SQLiteNIO prepared multi-row INSERT of 500 rows, one transaction" : "PostgreSQL COPY"
    }

    /// The engine's own fastest load of rows shaped like the log's, into a scratch table that is
    /// dropped afterwards: the baseline the importer's speed is measured against. `indexed`: the
    /// scratch table has the log's keys and indexes (primary key, unique dedup key, and the five
    /// secondary indexes of `events`), as the importer's rows must; else it is a bare heap.
    public func rawLoadBaseline(rows: Int, indexed: Bool = false) async throws -> Int {
        @Sendable func row(_ i: Int) -> [String] {
            ["\(i)", "site:cmcc:B\(i)", "stage.reported", "1577808000", "1577808000", "500101", "cmcc", "bench",
             "stage.reported|site:cmcc:B\(i)|on_air|\(i)", #"{"stageReported":{"site":{"code":"B\#(i)","operator":"cmcc"},"stage":"on_air"}}"#]
        }
        return try await rawLoad(rows: rows, indexed: indexed, transactions: [rows], row: row)
    }

    /// The engine's fastest load of the log's own rows, as the importer wrote them (the issue's
    /// "same rows": their sites interleaved, their keys in the order they came), into the same
    /// scratch table; in one transaction, or in one a piece of `transactions` rows (the importer's files).
    public func rawLoadOfLog(indexed: Bool, transactions: [Int]? = nil) async throws -> Int {
        let rows = try await read { db in
            try await db.raw("SELECT seq, entity, kind, occurred_at, recorded_at, region_code, operator, actor, dedup, payload FROM events ORDER BY seq").all()
                .map { r -> [String] in
                    [String(try r.int("seq")), try r.string("entity"), try r.string("kind"), String(try r.int("occurred_at")),
                     String(try r.int("recorded_at")), try r.decode(column: "region_code", as: String?.self) ?? "",
                     try r.decode(column: "operator", as: String?.self) ?? "", try r.string("actor"), try r.string("dedup"), try r.string("payload")]
                }
        }
        let sizes = transactions.map { t in t + [max(0, rows.count - t.reduce(0, +))] } ?? [rows.count]
        return try await rawLoad(rows: rows.count, indexed: indexed, transactions: sizes) { rows[$0] }
    }

    private func rawLoad(rows: Int, indexed: Bool, transactions: [Int], row: @escaping @Sendable (Int) -> [String]) async throws -> Int {
        let columns = ["seq", "entity", "kind", "occurred_at", "recorded_at", "region_code", "operator", "actor", "dedup", "payload"]
        try await write { db in
            try await db.raw("DROP TABLE IF EXISTS raw_load").run()
            try await db.raw("CREATE TABLE raw_load (seq BIGINT\(unsafeRaw: indexed ? " PRIMARY KEY" : ""), entity TEXT, kind TEXT, occurred_at BIGINT, recorded_at BIGINT, region_code TEXT, operator TEXT, actor TEXT, dedup TEXT\(unsafeRaw: indexed ? " UNIQUE" : ""), payload TEXT)").run()
            if indexed {
                for index in ["(entity, seq)", "(occurred_at)", "(recorded_at)", "(operator, recorded_at)", "(actor, seq)"].enumerated() {
                    try await db.raw("CREATE INDEX raw_load_\(unsafeRaw: "\(index.offset)") ON raw_load \(unsafeRaw: index.element)").run()
                }
            }
        }
        if let pg = driver as? PostgresDriver {
            try await pg.client.withConnection { connection in
                var first = 0
                for size in transactions where size > 0 {
                    let range = first..<min(rows, first + size)
                    first = range.upperBound
                    // Outside a transaction block, each COPY is its own transaction.
                    try await connection.copyFrom(table: "raw_load", columns: columns, format: .text(.init()), logger: Logger(label: "rollout.bench")) { writer in
                        var buffer = ByteBuffer()
                        for i in range {
                            buffer.writeString(row(i).map { PostgresSession.piece($0) ?? "\\N" }.joined(separator: "\t") + "\n")
                            if buffer.readableBytes > 1 << 20 { try await writer.write(buffer); buffer.clear() }
                        }
                        try await writer.write(buffer)
                    }
                }
            }
        } else if let sqlite = driver as? SQLiteDriver {
            try await sqlite.rawInsert(table: "raw_load", columns: columns, rows: rows, transactions: transactions) { i in
                let r = row(i)
                return [.integer(i), .text(r[1]), .text(r[2]), .integer(Int(r[3])!), .integer(Int(r[4])!), .text(r[5]), .text(r[6]),
                        .text(r[7]), .text(r[8]), .text(r[9])]
            }
        }
        try await write { db in try await db.raw("DROP TABLE raw_load").run() }
        return rows
    }
}
