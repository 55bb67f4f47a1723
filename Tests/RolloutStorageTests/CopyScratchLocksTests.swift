import Foundation
import RolloutTestSupport
import SQLKit
import Testing
@testable import RolloutCore
@testable import RolloutSQLStorage

/// PostgreSQL's upserts through COPY use one scratch table per table for the whole transaction:
/// the locks a transaction holds do not grow with the number of upserts (a scratch table made and
/// dropped at each one kept a lock each, and the demo's one-transaction load at `--scale 100` ran
/// out of the lock table after 2,000-odd batches), and every row still lands.
@Suite struct CopyScratchLocksTests {
    @Test func locksDoNotGrowWithTheUpsertsOfOneTransaction() async throws {
        guard Backend.available.contains(.postgres) else { return }
        try await Backend.postgres.withStore { store, _ in
            let counts = try await store.write { db in
                var held: [Int] = []
                for round in 0..<60 {
                    let rows: [[any Encodable & Sendable]] = (0..<(PostgresSession.fewest + 1)).map { i in
                        ["k\(round)-\(i)" as String, "\(round)" as String]
                    }
                    try await db.insertRows("persist", columns: ["key_hash", "value"], rows: rows, suffix: "ON CONFLICT (key_hash) DO UPDATE SET value = excluded.value")
                    if round == 5 || round == 59 {
                        held.append(Int(try await db.raw("SELECT COUNT(*)::BIGINT AS n FROM pg_locks WHERE pid = pg_backend_pid()").first()!.int("n")))
                    }
                }
                let stored = Int(try await db.raw("SELECT COUNT(*)::BIGINT AS n FROM persist WHERE key_hash LIKE 'k%'").first()!.int("n"))
                return (held, stored)
            }
            #expect(counts.0.count == 2 && counts.0[0] == counts.0[1], "locks held after 6 and after 60 upserts: \(counts.0)")
            #expect(counts.1 == 60 * (PostgresSession.fewest + 1))
        }
    }
}
