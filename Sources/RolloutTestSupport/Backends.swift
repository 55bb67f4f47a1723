import Foundation
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication

/// The databases the storage tests run against: SQLite always, PostgreSQL when `scripts/test`
/// started one (ROLLOUT_TEST_POSTGRES_URL).
public enum Backend: String, CaseIterable, Sendable {
    case sqlite, postgres

    /// The backends this test run has.
    public static var available: [Backend] {
        ProcessInfo.processInfo.environment["ROLLOUT_TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    /// A fresh, empty, migrated store of this kind, closed (and for SQLite removed) after `body`.
    public func withStore<T>(_ body: (SQLCampaignStore, DatabaseURL) async throws -> T) async throws -> T {
        try await withEmptyDatabase { url in
            let store = try await SQLCampaignStore.open(url)
            do {
                _ = try await store.migrate(now: Instant(seconds: 1_600_000_000))
                let result = try await body(store, url)
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        }
    }

    /// The URL of a database of this kind that holds nothing yet (for SQLite a file not yet made, in
    /// a folder of its own; for PostgreSQL a new database), removed after `body` where it is a file.
    public func withEmptyDatabase<T>(_ body: (DatabaseURL) async throws -> T) async throws -> T {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        let url: DatabaseURL
        switch self {
        case .sqlite:
            let folder = NSTemporaryDirectory() + "rollout-test-\(name)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            url = .sqlite(path: folder + "/rollout.sqlite")
        case .postgres:
            url = try await Self.newPostgresDatabase(named: String(name))
        }
        defer { cleanUp(url) }
        return try await body(url)
    }

    /// A new, empty database on the test PostgreSQL (ROLLOUT_TEST_POSTGRES_URL).
    public static func newPostgresDatabase(named name: String? = nil) async throws -> DatabaseURL {
        let name = name ?? "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        let base = try DatabaseURL(parsing: ProcessInfo.processInfo.environment["ROLLOUT_TEST_POSTGRES_URL"]!)
        let admin = try await SQLCampaignStore.open(base)
        try await admin.createDatabase(named: name)
        try await admin.close()
        guard case .postgres(let host, let port, let user, let password, _) = base else { fatalError("not a PostgreSQL URL") }
        return .postgres(host: host, port: port, user: user, password: password, database: name)
    }

    private func cleanUp(_ url: DatabaseURL) {
        if case .sqlite(let path) = url { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    }
}

/// The `rollout` executable built beside the test bundle, for tests that run it as a user would.
public enum RolloutExecutable {
    /// The executable's location, or nil when none was built beside the tests.
    public static var url: URL? {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [here, Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("rollout")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
