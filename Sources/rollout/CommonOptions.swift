import ArgumentParser
import Foundation
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
import RolloutTexts

/// The options every command shares: where the data is and the language of messages.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:PATH (default sqlite:./data/rollout.sqlite) or postgres://USER:PASS@HOST:PORT/DB; or set ROLLOUT_DATABASE_URL.")
    var database: String?

    @Option(name: .long, help: "Language of messages: zh (default) or en.")
    var lang: String?

    var language: Language { Language(preferring: lang ?? ProcessInfo.processInfo.environment["ROLLOUT_LANG"]) }

    /// The system's wall clock: the only place Rollout reads it, passed down to every layer.
    static let systemClock = WallClock { Instant(Date()) }
    var clock: WallClock { Self.systemClock }

    /// The database URL the user chose.
    func url() throws -> DatabaseURL {
        try DatabaseURL(parsing: database ?? ProcessInfo.processInfo.environment["ROLLOUT_DATABASE_URL"] ?? DatabaseURL.defaultURL.description)
    }

    /// Opens the store and checks its schema.
    func openChecked() async throws -> SQLCampaignStore {
        let store = try await SQLCampaignStore.open(try url(), create: false)
        do {
            try await store.checkSchema()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    /// Opens the store, runs `body` on it and closes it, whether `body` succeeds or throws.
    func withStore<T>(_ body: (SQLCampaignStore) async throws -> T) async throws -> T {
        let store = try await openChecked()
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// Runs a command body; a ``RolloutError`` is printed in the user's language and exits 1.
    func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let e as RolloutError {
            FileHandle.standardError.write(Data((Catalogue.text("error_prefix", language) + e.message(language) + "\n").utf8))
            throw ExitCode(1)
        }
    }

    /// Prints a catalogue message.
    func say(_ key: String, _ args: [String: String] = [:]) {
        print(Catalogue.text(key, language, args))
        flushOutput()
    }
}

/// Makes printed lines reach a pipe or a log file now, not at exit.
func flushOutput() {
    fflush(nil)
}
