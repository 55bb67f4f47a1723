import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

extension SQLDatabase {
    /// Inserts rows with multi-row INSERT statements of a bounded number of binds each.
    func insertRows(_ table: String, columns: [String], rows: [[any Encodable & Sendable]], suffix: String = "") async throws {
        guard !rows.isEmpty else { return }
        if let lite = self as? SQLiteSession { return try await lite.insertRows(table, columns: columns, rows: rows, suffix: suffix) }
        if let pg = self as? PostgresSession, rows.count >= PostgresSession.fewest,
           try await pg.copyRows(table, columns: columns, rows: rows, suffix: suffix) { return }
        let perStatement = max(1, 30_000 / columns.count)
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perStatement)
            var q = SQLQueryString("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES ")
            for i in start..<end {
                if i > start { q.appendLiteral(", ") }
                q.appendLiteral("(")
                q.appendInterpolation(binds: rows[i])
                q.appendLiteral(")")
            }
            if !suffix.isEmpty { q.appendLiteral(" " + suffix) }
            try await raw(q).run()
            start = end
        }
    }
}

extension SQLRow {
    func int(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func optionalInt(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
}

/// JSON for what the tables keep as text (event payloads, projection states).
enum StoredJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try EventRow.encoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// An obstacle's stored state: through ``ObstacleStateReader`` when the text is in its shape, else `JSONDecoder`.
    static func obstacleState(_ text: String) throws -> ObstacleState {
        if let state = ObstacleStateReader.read(text) { return state }
        return try decode(ObstacleState.self, text)
    }

    /// A site's stored state: through ``SiteStateReader`` when the text is in its shape, else `JSONDecoder`.
    static func siteState(_ text: String) throws -> SiteState {
        if let state = SiteStateReader.read(text) { return state }
        return try decode(SiteState.self, text)
    }
}

/// The columns of the events table and how an event fills them.
enum EventRow {
    static let columns = ["seq", "entity", "kind", "occurred_at", "recorded_at", "region_code", "operator", "actor", "via", "dedup", "payload"]
    static let select = "seq, entity, kind, occurred_at, recorded_at, actor, via, payload"

    static func values(_ e: LoggedEvent, regionCode: String?, operator op: String?, encoder: JSONEncoder) throws -> [any Encodable & Sendable] {
        let payload = try FastJSON.payload(e.event.body, encoder: encoder)
        return [e.seq, e.event.body.entity, e.event.body.kind, e.event.occurredAt.seconds, e.event.recordedAt.seconds,
                regionCode, op, e.event.actor, e.event.via, e.event.dedupKey, payload]
    }

    static func decode(_ row: any SQLRow, decoder: JSONDecoder) throws -> LoggedEvent {
        let payload = try row.string("payload")
        let body = try EventBodyReader.read(payload) ?? decoder.decode(EventBody.self, from: Data(payload.utf8))
        return LoggedEvent(seq: try row.int("seq"), event: NewEvent(
            body, occurredAt: Instant(seconds: try row.int("occurred_at")),
            recordedAt: Instant(seconds: try row.int("recorded_at")), actor: try row.string("actor"),
            via: try row.optionalString("via")))
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}

extension Array {
    /// The array cut into pieces of at most `size` elements (bounded IN lists).
    func chunked(_ size: Int = 5_000) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
