import ArgumentParser
import Foundation
import RolloutCore
import RolloutStorage

/// `rollout export`: the same numbers as the API, as CSV or JSON.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export regions, sites or events as CSV or JSON.")

    @OptionGroup var common: CommonOptions
    @Argument(help: "regions, sites or events") var kind: String
    @Option(name: .customLong("as-of"), help: "A date (end of that day, Asia/Shanghai) or an ISO-8601 instant.") var asOf: String?
    @Option(name: .customLong("known-at"), help: "Show what the platform knew at this moment.") var knownAt: String?
    @Option(help: "csv or json") var format = "csv"
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

    func run() async throws {
        try await common.run {
            let store = try await common.openChecked()
            let text: String
            do {
                text = try await CampaignExports.render(kind, format: format, service: CampaignService(store: store), asOf: asOf, knownAt: knownAt)
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            if let output {
                do { try Data(text.utf8).write(to: URL(fileURLWithPath: output)) } catch {
                    throw RolloutError("file_unwritable", ["value": output])
                }
                common.say("written_to", ["value": output])
            } else {
                print(text, terminator: "")
            }
        }
    }
}
