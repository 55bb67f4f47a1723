import Foundation
import Logging
import NIOPosix
import RolloutCore
import RolloutStorage
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The embedded engine: one SQLite file in WAL mode, one connection for writes and a few for
/// reads (WAL lets them read side by side, each its own snapshot, while the writer writes), each
/// used by one transaction at a time.
final class SQLiteDriver: SQLDriver {
    let dialect = Dialect.sqlite
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writePool: ConnectionPool<SQLiteConnection>
    let readPool: ConnectionPool<SQLiteConnection>
    /// The threads SQLite's statements run on: one a connection, its own. On NIO's shared pool (a
    /// thread a core) two long reads held both threads, and every other statement (a `BEGIN`, a
    /// `COMMIT`, a sign-in's check) waited behind them: 2–3 s each during a server's first summary
    /// at `--scale 10`.
    private let threads: NIOThreadPool

    /// How many transactions read at once: one a core, at least two (a page's reads run side by side).
    static let readerCount = max(2, min(8, ProcessInfo.processInfo.activeProcessorCount))

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], threads: NIOThreadPool) {
        self.writer = writer; self.readers = readers; self.threads = threads
        writePool = ConnectionPool([writer]); readPool = ConnectionPool(readers)
    }

    /// The write-ahead log's pages before a commit copies them into the database (SQLite's default:
    /// 1,000). An import of a weekly file dirties 2,000-odd pages of the projections (sites, counters,
    /// the log's indexes), so at the default every commit copied its pages twice and waited for the
    /// disk; at 20,000 (80 MB of log) a page that many commits change is copied once per checkpoint:
    /// the commits of 155 weekly files took 2.9–3.9 s instead of 6.0–6.4 s (`rollout bench import --shape operators`).
    static let walPagesBeforeCheckpoint = 20_000

    /// The writer's page cache, in KiB. An import's random updates (the sites, the log's indexes)
    /// fill whatever cache it has: at 64 MiB a 2,000,000-row import peaked at 294–307 MB, over issue
    /// 25's 256 MB; at 16 MiB it imported 100,000 rows no slower (the operating system's cache
    /// holds the file) and peaked 50-odd MB lower. Readers keep 32 MiB each: pages read them.
    static let writerCacheKB = 16_384

    /// Opens (and creates, with its folder) the database file.
    /// - Parameter sideFile: the file is being filled in one go and thrown away unless complete (the
    ///   demo's side file): no journal and no waiting for the disk. In WAL mode every page a load
    ///   writes went to the write-ahead log first and was copied into the file again at each
    ///   checkpoint; with no journal it is written once (`rollout demo --scale 10`: 84–86 s → 66–73 s,
    ///   paired; a 256 MiB cache on top of it gained nothing). A kept file is opened again without
    ///   this, which sets WAL again.
    static func open(path: String, sideFile: Bool = false) async throws -> SQLiteDriver {
        let url = URL(fileURLWithPath: path)
        let threads = NIOThreadPool(numberOfThreads: 1 + readerCount)
        threads.start()
        func connect(_ logger: Logger) async throws -> SQLiteConnection {
            try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let logger = Logger(label: "rollout.sqlite")
            let writer = try await connect(logger)
            let journal = sideFile ? ["PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF"]
                : ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"]
            for pragma in journal + ["PRAGMA busy_timeout=30000", "PRAGMA cache_size=-\(writerCacheKB)", "PRAGMA wal_autocheckpoint=\(walPagesBeforeCheckpoint)"] {
                _ = try await writer.sql().raw(SQLQueryString(pragma)).all()
            }
            var readers: [SQLiteConnection] = []
            for _ in 0..<readerCount {
                let reader = try await connect(logger)
                for pragma in ["PRAGMA busy_timeout=30000", "PRAGMA cache_size=-32768"] {
                    _ = try await reader.sql().raw(SQLQueryString(pragma)).all()
                }
                readers.append(reader)
            }
            return SQLiteDriver(writer: writer, readers: readers, threads: threads)
        } catch let e as RolloutError {
            try? await threads.shutdownGracefully()
            throw e
        } catch {
            try? await threads.shutdownGracefully()
            throw RolloutError("database_unreachable", kind: .unavailable, ["value": "sqlite:\(path)", "reason": "\(error)"])
        }
    }

    /// Trades durability for speed while a side file is filled that is only kept if complete.
    func relaxDurability() async throws {
        _ = try await writer.sql().raw("PRAGMA synchronous=OFF").all()
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(in: writePool, begin: "BEGIN IMMEDIATE", body)
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(in: readPool, begin: "BEGIN", body)
    }

    /// Runs `body` in a transaction on a connection that no other transaction uses meanwhile.
    private func transaction<T: Sendable>(in pool: ConnectionPool<SQLiteConnection>, begin: SQLQueryString,
                                          _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await pool.run { connection in
            let db = SQLiteSession(base: connection.sql(queryLogLevel: nil), connection: connection)
            do {
                try await db.raw(begin).run()
            } catch let e as SQLiteError {
                // Another process (an import from the command line) has held the database for the
                // whole busy timeout: say so, rather than "database is locked".
                switch e.reason {
                case .busy, .locked, .busyTimeout: throw RolloutError("database_busy", kind: .unavailable, ["value": "30"])
                default: throw e
                }
            }
            do {
                let result = try await body(db)
                try await Self.uncancelled { try await db.raw("COMMIT").run() }
                return result
            } catch {
                try? await Self.uncancelled { try await db.raw("ROLLBACK").run() }
                throw error
            }
        }
    }

    /// Runs the end of a transaction in a task of its own, which a cancellation of the caller's
    /// does not reach. SQLiteNIO refuses a statement of a cancelled task, so a cancelled read (a
    /// request whose client went away, a sibling of a failed `async let`) sent neither `COMMIT`
    /// nor `ROLLBACK`, and its connection went back to the pool inside the transaction: every
    /// later `BEGIN` on it failed ("cannot start a transaction within a transaction").
    private static func uncancelled(_ end: @escaping @Sendable () async throws -> Void) async throws {
        try await Task { try await end() }.value
    }

    /// Loads rows with SQLite's own fastest path from Swift: one prepared multi-row INSERT of 500
    /// rows at a time through SQLiteNIO, in one transaction a piece of `transactions` rows (the benchmark's baseline).
    func rawInsert(table: String, columns: [String], rows: Int, transactions: [Int],
                   row: @escaping @Sendable (Int) -> [SQLiteData]) async throws {
        try await writePool.run { connection in
            let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
            var i = 0
            for size in transactions where size > 0 {
                _ = try await connection.query("BEGIN IMMEDIATE", [])
                let end = min(rows, i + size)
                while i < end {
                    let n = min(500, end - i)
                    let sql = "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES " + Array(repeating: placeholders, count: n).joined(separator: ",")
                    var binds: [SQLiteData] = []
                    binds.reserveCapacity(n * columns.count)
                    for j in i..<(i + n) { binds += row(j) }
                    _ = try await connection.query(sql, binds)
                    i += n
                }
                _ = try await connection.query("COMMIT", [])
            }
        }
    }

    /// Closes every connection, even when one of them fails to close (the first failure is rethrown).
    func close() async throws {
        var failure: (any Error)?
        for connection in [writer] + readers {
            do { try await connection.close() } catch { failure = failure ?? error }
        }
        do { try await threads.shutdownGracefully() } catch { failure = failure ?? error }
        if let failure { throw failure }
    }
}
