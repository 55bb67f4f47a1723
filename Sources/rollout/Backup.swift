import ArgumentParser
import Foundation
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
import RolloutTexts

/// `rollout backup --to FILE`: a consistent copy of the database while the platform runs.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to a new file while the platform runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump, custom format).")

    @OptionGroup var common: CommonOptions
    @Option(help: "The file to write; it must not exist.")
    var to: String

    func run() async throws {
        try await common.run {
            let report = try await common.withStore { store in try await store.backup(to: to) }
            common.say("backup_done", BackupWords.arguments(report, file: to))
        }
    }
}

/// `rollout restore --from FILE`: a backup put back into an empty database, then checked.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a backup into an empty database of the same engine, then check it as `rollout verify` does.")

    @OptionGroup var common: CommonOptions
    @Option(help: "The backup file `rollout backup` wrote.")
    var from: String
    @Option(help: "How many days, spread over the log, the restored projections are compared with the log at.")
    var moments = 6

    func run() async throws {
        try await common.run {
            let report = try await SQLCampaignStore.restore(from: from, into: try common.url(), now: Instant(Date()))
            common.say("restore_done", BackupWords.arguments(report, file: from))
            common.say("restore_checking")
            let check = try await common.withStore { store in try await store.verify(moments: moments) }
            common.say("verify_integrity", ["value": check.integrity ?? Catalogue.text("verify_not_run", common.language)])
            common.say(check.missingTriggers.isEmpty ? "verify_triggers_ok" : "verify_triggers_missing",
                       ["value": check.missingTriggers.joined(separator: ", ")])
            common.say(check.clean ? "verify_clean" : "verify_problems")
            if !check.clean { throw ExitCode(1) }
        }
    }
}

enum BackupWords {
    static func arguments(_ r: BackupReport, file: String) -> [String: String] {
        ["value": file, "engine": r.engine, "version": "\(r.schemaVersion)", "events": "\(r.events)", "seq": "\(r.lastSeq)",
         "recorded": r.lastRecordedAt.map(ShanghaiCalendar.iso8601) ?? "—", "bytes": "\(r.bytes)"]
    }
}
