import ArgumentParser
import Foundation
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication

/// `rollout migrate`: brings the schema to this program's version.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the database migrations this program knows.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await common.run {
            let store = try await SQLCampaignStore.open(try common.url())
            defer { Task { try? await store.close() } }
            let v = try await store.migrate(now: Instant(Date()))
            common.say("migrated", ["value": "\(v)"])
        }
    }
}

/// `rollout rebuild`: derives every projection again from the log.
struct Rebuild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rebuild the projections from the event log.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await common.run {
            let store = try await common.openChecked()
            let n = try await store.rebuildProjections()
            try await store.close()
            common.say("rebuilt", ["value": "\(n)"])
        }
    }
}
