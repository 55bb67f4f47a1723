import ArgumentParser
import Foundation
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
import RolloutTexts

/// `rollout verify`: checks a database and prints what it found; exit 1 when anything is wrong.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a database: the engine's integrity check, the append-only triggers, and the projections against the log folded again.")

    @OptionGroup var common: CommonOptions
    @Option(help: "How many days, spread over the log, the projections are compared at (as of each, known then), besides now.")
    var moments = 12

    func run() async throws {
        try await common.run {
            guard (0...366).contains(moments) else { throw RolloutError("verify_bad_moments", ["value": "\(moments)"]) }
            let store = try await common.openChecked()
            let report: VerifyReport
            do { report = try await store.verify(moments: moments) } catch { try? await store.close(); throw error }
            try await store.close()
            common.say("verify_integrity", ["value": report.integrity ?? Catalogue.text("verify_not_run", common.language)])
            common.say(report.missingTriggers.isEmpty ? "verify_triggers_ok" : "verify_triggers_missing",
                       ["value": report.missingTriggers.joined(separator: ", ")])
            for m in report.mismatches {
                common.say(m.differences.isEmpty ? "verify_moment_ok" : "verify_moment_differs",
                           ["moment": m.moment, "events": "\(report.events)", "count": "\(m.differences.count)",
                            "value": m.differences.prefix(5).joined(separator: "; ")])
            }
            common.say(report.clean ? "verify_clean" : "verify_problems")
            if !report.clean { throw ExitCode(1) }
        }
    }
}
