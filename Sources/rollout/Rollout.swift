import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `rollout` command line: thin wrappers over the core, the storage and the web layers.
///
/// Exit status: 0 done, 1 refused (the reason is printed in the user's language), 2 usage error.
@main
struct Rollout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Rollout: the command platform for a city's 5G base-station build-out.",
        subcommands: [Demo.self, Serve.self, Init.self, Migrate.self, Import.self, Export.self, Rebuild.self, Verify.self, Backup.self, Restore.self, AccountCommand.self, TokenCommand.self, BulletinCommand.self, ForecastCommand.self, SubscriptionCommand.self, Bench.self]
    )

    static func main() async {
        PeakMemory.reportAtExitIfAsked()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // Usage errors exit 2, as the import contract says; help and version exit 0.
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(withError: ExitCode(2))
        }
    }
}
