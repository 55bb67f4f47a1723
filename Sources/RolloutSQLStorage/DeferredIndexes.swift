import SQLKit

/// The secondary indexes of the tables a bulk load fills, dropped before the load and made again
/// after it: the engine then sorts each index once instead of inserting into it row by row.
/// Measured on the demo's log (375,000 events, six secondary indexes) on SQLite: 4.1 s inserted
/// with the indexes, 0.4 s without them plus 1.6 s to make them afterwards. PostgreSQL drops and
/// makes them inside the load's one transaction, so a load that fails leaves them as they were.
/// PostgreSQL also drops the log's unique key and adds it again at the end (one sorted build and
/// one check of every row): kept while loading, its index took random inserts of 36 M
/// hash-like keys at `--scale 100`; at `--scale 10` it grew to 558 MB, where the sorted build
/// writes 283 MB of WAL.
struct DeferredIndexes: Sendable {
    /// The statements that make the dropped unique constraints again (PostgreSQL), as the schema
    /// wrote them; made before the indexes.
    let constraints: [SQLQueryString]
    /// The statements that make the dropped indexes again, as the schema wrote them.
    let definitions: [String]
    private let dialect: Dialect

    /// The tables whose indexes wait: the log and the projections a load fills.
    static let tables = ["events", "sites", "obstacles", "counter_days"]

    /// PostgreSQL's memory for sorting an index being made (its default, 64 MB, sorts the log's
    /// keys through temporary files).
    static let postgresSortMemory = "512MB"

    /// Drops the secondary indexes (never a primary key's, which an upsert needs as it comes; on
    /// SQLite never a unique constraint's, which cannot be dropped there) and on PostgreSQL the
    /// unique constraints, and returns how to make them again. A load runs alone in its
    /// transaction (the drops lock the tables until it ends), and a duplicate makes adding the
    /// constraint again fail, and with it the whole load.
    static func drop(_ db: any SQLDatabase, dialect: Dialect) async throws -> DeferredIndexes {
        let rows: [any SQLRow]
        var constraints: [SQLQueryString] = []
        if dialect == .postgres {
            let unique = try await db.raw("""
                SELECT t.relname AS tbl, c.conname AS name, pg_get_constraintdef(c.oid) AS def
                FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                WHERE c.contype = 'u' AND t.relname IN (\(binds: tables)) AND pg_table_is_visible(t.oid)
                ORDER BY t.relname, c.conname
                """).all()
            for row in unique {
                let table = try row.decode(column: "tbl", as: String.self)
                let name = try row.decode(column: "name", as: String.self)
                let def = try row.decode(column: "def", as: String.self)
                try await db.raw("ALTER TABLE \(ident: table) DROP CONSTRAINT \(ident: name)").run()
                constraints.append("ALTER TABLE \(ident: table) ADD CONSTRAINT \(ident: name) \(unsafeRaw: def)")
            }
        }
        switch dialect {
        case .sqlite:
            rows = try await db.raw("""
                SELECT name, sql FROM sqlite_master
                WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (\(binds: tables)) ORDER BY name
                """).all()
        case .postgres:
            // The indexes of the tables in the schema the session sees that back no constraint.
            rows = try await db.raw("""
                SELECT i.relname AS name, pg_get_indexdef(i.oid) AS sql
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                WHERE t.relname IN (\(binds: tables)) AND pg_table_is_visible(t.oid)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                ORDER BY i.relname
                """).all()
        }
        var definitions: [String] = []
        for row in rows {
            let name = try row.decode(column: "name", as: String.self)
            definitions.append(try row.decode(column: "sql", as: String.self))
            try await db.raw("DROP INDEX \(ident: name)").run()
        }
        return DeferredIndexes(constraints: constraints, definitions: definitions, dialect: dialect)
    }

    /// Makes the dropped indexes again.
    func restore(_ db: any SQLDatabase) async throws {
        if dialect == .postgres, !(definitions.isEmpty && constraints.isEmpty) {
            try await db.raw("SET LOCAL maintenance_work_mem = '\(unsafeRaw: Self.postgresSortMemory)'").run()
        }
        for sql in constraints + definitions.map({ SQLQueryString($0) }) { try await db.raw(sql).run() }
    }
}
