import Foundation
import NIOConcurrencyHelpers
import RolloutTexts
import SQLKit
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// `rollout backup` and `rollout restore`, on every available engine: a backup taken while imports
/// commit restores to exactly the log of its moment, and bad input changes nothing.
@Suite struct BackupTests {
    /// One import's events: sites and obstacles of their own, recorded within 26 days of `35 × k` days
    /// after the first, so each import is learned after the one before it ends.
    static func batch(_ k: Int) -> [NewEvent] {
        var gen = RandomLog(rng: UInt64(100 + k))
        return gen.events(sites: 20, prefix: "B\(k)", base: RandomLog.base.adding(days: 30 * k))
    }

    static func setUp(_ store: SQLCampaignStore) async throws {
        try await store.createCampaign(LogStorageTests.campaign, clock: nil, regions: LogStorageTests.regions, outlines: [:],
                                       now: LogStorageTests.campaign.start)
    }

    /// A fresh folder for backup files, removed after `body`.
    static func withFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = NSTemporaryDirectory() + "rollout-backup-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }

    static func allEvents(_ store: SQLCampaignStore, upTo last: Int64 = .max) async throws -> [LoggedEvent] {
        var out: [LoggedEvent] = [], after: Int64 = 0
        while true {
            let page = try await store.events(after: after, limit: 5_000).filter { $0.seq <= last }
            guard let end = page.last else { return out }
            out += page; after = end.seq
        }
    }

    static func nonZero(_ c: CounterValues) -> [CounterKey: Int] { c.values.filter { $0.value != 0 } }

    @Test(arguments: Backend.available)
    func aBackupTakenWhileImportsCommitRestoresTheLogOfItsMoment(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await Self.setUp(store)
            _ = try await store.append(Self.batch(0))
            let before = try await store.lastSeq()
            // Imports go on, one transaction each, until two more have committed after the backup.
            let backedUp = Flag()
            let importing = Task {
                var k = 1, after = 0
                while k <= 60 && after < 2 {
                    _ = try await store.append(Self.batch(k))
                    if backedUp.isSet { after += 1 }
                    k += 1
                }
                return k - 1
            }
            while try await store.lastSeq() == before { try await Task.sleep(for: .milliseconds(2)) }
            try await Self.withFolder { folder in
                let file = folder + "/rollout.backup"
                let report = try await store.backup(to: file)
                backedUp.set()
                let batches = try await importing.value
                let final = try await store.lastSeq()
                // In the middle: after the first import, before the last.
                #expect(report.lastSeq > before && report.lastSeq < final, "\(report.lastSeq) of \(before)…\(final)")
                #expect(report.events == Int(report.lastSeq) && report.schemaVersion == SQLCampaignStore.latestSchemaVersion)
                #expect(report.bytes > 0 && FileManager.default.fileExists(atPath: file))
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["rollout.backup"], "no partial file left")
                let known = Cutoff.including(try #require(report.lastRecordedAt))
                try await backend.withEmptyDatabase { target in
                    let restored = try await SQLCampaignStore.restore(from: file, into: target, now: Instant(seconds: 1_700_000_000))
                    #expect(restored.lastSeq == report.lastSeq && restored.events == report.events)
                    let copy = try await SQLCampaignStore.open(target, create: false)
                    do {
                        // The same events, in the same order, with the same numbers.
                        #expect(try await Self.allEvents(copy) == (try await Self.allEvents(store, upTo: report.lastSeq)))
                        // Every as-of question, as the original answers it known at the backup's moment.
                        let first = ShanghaiCalendar.day(of: RandomLog.base)
                        var asked = 0
                        for day in stride(from: first, through: first + 30 * (batches + 1), by: 4) {
                            for knownAt in [nil, Cutoff.endOf(day: day)] as [Cutoff?] {
                                let moment = ReadMoment(asOf: .endOf(day: day), knownAt: knownAt)
                                let then = ReadMoment(asOf: .endOf(day: day), knownAt: min(knownAt ?? known, known))
                                let (a, b) = (try await copy.counters(at: moment), try await store.counters(at: then))
                                #expect(Self.nonZero(a) == Self.nonZero(b), "as of \(ShanghaiCalendar.dateString(day)), known at \(String(describing: knownAt))")
                                asked += 1
                            }
                        }
                        #expect(asked >= 20)
                        #expect(try await copy.verify(moments: 4).clean)
                        try await copy.close()
                    } catch {
                        try? await copy.close()
                        throw error
                    }
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func badBackupsAndRestoresAreRefusedAndChangeNothing(backend: Backend) async throws {
        try await backend.withStore { store, url in
            try await Self.setUp(store)
            _ = try await store.append(Self.batch(0))
            let events = try await store.eventCount()
            try await Self.withFolder { folder in
                // A backup never overwrites a file, and needs a folder it can write in.
                let existing = folder + "/existing"
                try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
                await #expect(throws: RolloutError("backup_target_exists", kind: .conflict, ["value": existing])) { try await store.backup(to: existing) }
                #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")
                await #expect(throws: RolloutError.self) { try await store.backup(to: folder + "/missing/backup") }
                let good = folder + "/good"
                _ = try await store.backup(to: good)

                // A restore only goes into an empty database.
                await #expect(throws: RolloutError("restore_target_not_empty", kind: .conflict, ["value": url.description])) {
                    _ = try await SQLCampaignStore.restore(from: good, into: url, now: LogStorageTests.campaign.start)
                }
                #expect(try await store.eventCount() == events)

                // Files that are no backup, damaged backups, another engine's backups, missing files.
                let notABackup = folder + "/notes.txt"
                try Data("站址清单\n".utf8).write(to: URL(fileURLWithPath: notABackup))
                let whole = try Data(contentsOf: URL(fileURLWithPath: good))
                let truncated = folder + "/truncated"
                try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: truncated))
                let otherEngine = folder + "/other"
                try Data((backend == .sqlite ? "PGDMP" : "SQLite format 3\u{0}").utf8 + [UInt8](repeating: 0, count: 200)).write(to: URL(fileURLWithPath: otherEngine))
                let cases: [(String, Set<String>)] = [
                    (notABackup, ["restore_not_a_backup"]), (truncated, ["restore_damaged", "restore_failed"]),
                    (otherEngine, ["restore_wrong_engine"]), (folder + "/absent", ["restore_source_missing"]),
                ]
                for (file, codes) in cases {
                    try await backend.withEmptyDatabase { target in
                        do {
                            _ = try await SQLCampaignStore.restore(from: file, into: target, now: LogStorageTests.campaign.start)
                            Issue.record("restoring \(file) was not refused")
                        } catch let e as RolloutError {
                            #expect(codes.contains(e.code), "\(file): \(e.code) \(e.arguments)")
                            #expect(!e.message(.zh).isEmpty && e.message(.en) != e.message(.zh))
                        }
                        #expect(try await Self.isEmpty(target), "\(file) left something in the target")
                    }
                }

                // A backup of a newer Rollout's schema is refused before anything is written.
                try await store.write { db in
                    try await db.raw("INSERT INTO schema_version (version, name, applied_at) VALUES (\(bind: SQLCampaignStore.latestSchemaVersion + 1), 'future', 0)").run()
                }
                let newer = folder + "/newer"
                _ = try await store.backup(to: newer)
                try await backend.withEmptyDatabase { target in
                    await #expect(throws: RolloutError("schema_too_new", kind: .conflict,
                                                       ["found": "\(SQLCampaignStore.latestSchemaVersion + 1)", "known": "\(SQLCampaignStore.latestSchemaVersion)"])) {
                        _ = try await SQLCampaignStore.restore(from: newer, into: target, now: LogStorageTests.campaign.start)
                    }
                    let empty = try await Self.isEmpty(target)
                    #expect(empty)
                }
            }
        }
    }

    /// Whether a database holds no table (a SQLite file that does not exist counts as empty).
    static func isEmpty(_ url: DatabaseURL) async throws -> Bool {
        if case .sqlite(let path) = url, !FileManager.default.fileExists(atPath: path) { return true }
        let store = try await SQLCampaignStore.open(url)
        let version = try? await store.schemaVersion()
        try await store.close()
        return version == 0
    }
}

/// Set once, read from any task.
final class Flag: Sendable {
    private let value = NIOLockedValueBox(false)
    func set() { value.withLockedValue { $0 = true } }
    var isSet: Bool { value.withLockedValue { $0 } }
}
