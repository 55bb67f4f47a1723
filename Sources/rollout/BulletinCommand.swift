import ArgumentParser
import Foundation
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
import RolloutWeb

/// `rollout bulletin issue|show`: the weekly bulletin, issued once and kept as bytes.
struct BulletinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulletin", abstract: "Issue the bulletin for a period, or print a stored one.", subcommands: [Issue.self, Show.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue the bulletin for the period ending at the end of a day (as of = known at = that moment).")
        @OptionGroup var common: CommonOptions
        @Option(name: .customLong("as-of"), help: "The cut-off day, YYYY-MM-DD.") var asOf: String

        func run() async throws {
            try await common.run {
                let info = try await common.withStore { store in
                    try await Bulletin.issue(day: asOf, service: CampaignService(store: store, clock: common.clock),
                                             by: Principal(account: "cli", role: .cityOffice))
                }
                common.say("bulletin_issued", ["id": "\(info.id)", "day": asOf, "sha": info.sha256])
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a bulletin's stored bytes (HTML, or its CSV with --csv).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The bulletin's number.") var id: Int64
        @Flag(help: "Print its CSV instead.") var csv = false

        func run() async throws {
            try await common.run {
                guard let b = try await common.withStore({ try await $0.bulletin(id: id) }) else {
                    throw RolloutError("unknown_bulletin", kind: .notFound, ["value": "\(id)"])
                }
                FileHandle.standardOutput.write(Data((csv ? b.csv : b.html).utf8))
            }
        }
    }
}
