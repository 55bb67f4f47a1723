import Foundation
import RolloutTestSupport
import SQLKit
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage

/// The demo's side file is written with no journal (each page once, not through the write-ahead log
/// and again at a checkpoint); once complete and opened again it is a WAL database like any other,
/// whole, and reads as the same events appended.
@Suite struct SideFileTests {
    typealias Fixture = DashboardReadsTests

    static func journalMode(_ store: SQLCampaignStore) async throws -> String {
        try await store.write { db in try await db.raw("PRAGMA journal_mode").first()!.decode(column: "journal_mode", as: String.self) }
    }

    @Test func aSideFileIsWrittenWithoutAJournalAndOpensAgainInWAL() async throws {
        let batches = BulkLoadTests.batches()
        try await Backend.sqlite.withEmptyDatabase { url in
            guard case .sqlite(let path) = url else { return }
            let side = try await SQLCampaignStore.openSideFile(path: path)
            do {
                #expect(try await Self.journalMode(side) == "off")
                _ = try await side.migrate(now: Instant(seconds: 1_600_000_000))
                try await Fixture.setUp(side)
                let total = try await side.bulkLoad({ $0 < batches.count ? batches[$0] : nil }, batchesPerCommit: 1)
                #expect(total == Fixture.log().count)
                try await side.close()
            } catch {
                try? await side.close()
                throw error
            }
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "no write-ahead log was written")
            try await Backend.sqlite.withStore { appended, _ in
                try await Fixture.setUp(appended)
                _ = try await appended.append(Array(batches.joined()))
                let kept = try await SQLCampaignStore.open(url, create: false)
                do {
                    #expect(try await Self.journalMode(kept) == "wal")
                    let check = try await kept.read { db in try await db.raw("PRAGMA integrity_check").all().map { try $0.decode(column: "integrity_check", as: String.self) } }
                    #expect(check == ["ok"])
                    #expect(try await BulkLoadTests.indexes(kept) == (try await BulkLoadTests.indexes(appended)))
                    #expect(try await kept.events(after: 0, limit: 1_000) == (try await appended.events(after: 0, limit: 1_000)))
                    for day in [3.0, 25, 95] {
                        let m = ReadMoment(asOf: Cutoff(before: Fixture.at(day)))
                        #expect(try await kept.counters(at: m) == (try await appended.counters(at: m)))
                        #expect(try await kept.sites(SiteQuery(perPage: 100), at: m) == (try await appended.sites(SiteQuery(perPage: 100), at: m)))
                    }
                    // A write to the kept file goes through the write-ahead log again.
                    try await kept.keepSnapshot("side-file-test", version: 1, bytes: [1, 2, 3])
                    #expect(FileManager.default.fileExists(atPath: path + "-wal"))
                    try await kept.close()
                } catch {
                    try? await kept.close()
                    throw error
                }
            }
        }
    }
}
