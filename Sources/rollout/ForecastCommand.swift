import ArgumentParser
import Foundation
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication

/// `rollout forecast backtest`: the forecast's own track record, from the log.
struct ForecastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "forecast", abstract: "The forecast's track record.", subcommands: [Backtest.self])

    struct Backtest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay the forecast as made on past days (as of = known at = that day) and score it against the deadline's outcome.")
        @OptionGroup var common: CommonOptions
        @Option(help: "The first day replayed, YYYY-MM-DD (default: two weeks after the start).") var from: String?
        @Option(help: "The last day replayed, YYYY-MM-DD (default: the day before the deadline).") var to: String?
        @Option(help: "Days between two replayed days, as 7d.") var every = "7d"
        @Flag(help: "Print every case and the scores as JSON.") var json = false

        func run() async throws {
            try await common.run {
                let text = every.hasSuffix("d") ? String(every.dropLast()) : every
                guard let step = Int(text) else { throw RolloutError("backtest_bad_step", ["value": every]) }
                let cases = try await common.withStore { try await CampaignService(store: $0, clock: common.clock).backtest(from: from, to: to, everyDays: step) }
                let scores = BacktestScore.levels(cases)
                if json {
                    struct Output: Encodable { var scores: [BacktestScore]; var cases: [BacktestCase] }
                    let encoder = JSONEncoder()
                    encoder.keyEncodingStrategy = .convertToSnakeCase
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    FileHandle.standardOutput.write(try encoder.encode(Output(scores: scores, cases: cases)))
                    print()
                    return
                }
                let origins = Set(cases.map(\.origin)).sorted()
                print("\(origins.count) days replayed, \(origins.first ?? "") to \(origins.last ?? ""); outcome: the progress at the deadline as the log shows it")
                func pct(_ v: Double?) -> String { v.map { String(format: "%6.1f%%", $0 * 100) } ?? "     —" }
                func num(_ v: Double?) -> String { v.map { String(format: "%6.3f", $0) } ?? "     —" }
                print("level     cases  80%-range   model: median |err|  mean |err|   bias    Brier   14-day pace: median |err|  mean |err|   bias    Brier"
                      + "   model 2-10 weeks ahead: median |err|")
                for s in scores {
                    print(String(format: "%-8@ %6d", s.level as NSString, s.cases), "  ", pct(s.coverage80), "        ",
                          pct(s.model.medianAbsolute), "   ", pct(s.model.meanAbsolute), pct(s.model.bias), num(s.model.brier), "               ",
                          pct(s.pace.medianAbsolute), "   ", pct(s.pace.meanAbsolute), pct(s.pace.bias), num(s.pace.brier), "                          ",
                          pct(s.modelWeeksAhead.medianAbsolute))
                }
            }
        }
    }
}
