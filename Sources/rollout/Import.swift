import ArgumentParser
import Foundation
import RolloutCore
import RolloutImport
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
import RolloutTexts

/// `rollout import KIND FILE`: a bulk file, all or nothing.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a bulk file (CSV or XLSX; UTF-8 or GBK/GB18030): all rows, or none.",
        discussion: "Exit status: 0 committed (or a clean dry run), 1 rejected (nothing written), 2 usage error.")

    @OptionGroup var common: CommonOptions
    @Argument(help: "sites, progress, obstacles, resources, targets, subscribers, applications, inspections, investments, or evidence (a ZIP of photos with manifest.csv: site_code,operator,stage,file)")
    var kind: String
    @Argument(help: "The file to import.") var file: String
    @Flag(name: .customLong("dry-run"), help: "Check every row; write nothing.") var dryRun = false
    @Flag(help: "Answer in JSON (the same answer as POST /api/v1/imports/{kind}).") var json = false
    @Option(name: .customLong("as"), help: "Import as this account, with its rights (default: the command line, unrestricted, recorded as 'cli').")
    var account: String?
    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    func validate() throws {
        guard ImportKind(rawValue: kind) != nil || kind == "evidence" else {
            throw ValidationError(Catalogue.text("import.unknown_kind", .en, ["value": kind]))
        }
    }

    func run() async throws {
        var rejected = false
        try await common.run {
            let limits = try limitOptions.limits()
            let store = try await common.openChecked()
            let report: ImportReport
            do {
                let campaign = try await CampaignService(store: store, clock: common.clock).campaign()
                let started = Date()
                let bar = isatty(1) == 1 && !json
                var scope: Principal? = nil
                if let account {
                    guard let stored = try await store.account(named: account), stored.account.disabledAt == nil else {
                        throw RolloutError("unknown_account", ["value": account])
                    }
                    scope = stored.account.principal()
                }
                if kind == "evidence" {
                    let answer = try await CampaignService(store: store, clock: common.clock)
                        .importEvidence(URL(fileURLWithPath: file), actor: account ?? "cli", scope: scope, dryRun: dryRun, limits: limits)
                    try await store.close()
                    rejected = try say(json: answer.json(common.language), rows: answer.rows, applied: answer.applied,
                                       unchanged: answer.unchanged, errors: answer.errors)
                    return
                }
                report = try await Importer.run(ImportKind(rawValue: kind)!, file: URL(fileURLWithPath: file), store: store,
                                                now: campaign.now(common.clock), actor: account ?? "cli", scope: scope, dryRun: dryRun,
                                                limits: limits) { rows, fraction in
                    guard bar else { return }
                    let seconds = max(Date().timeIntervalSince(started), 0.001)
                    var line = String(format: "\r%d rows, %.0f rows/s, %.0f s", rows, Double(rows) / seconds, seconds)
                    if let fraction, fraction > 0 {
                        line += String(format: ", %3.0f %%, ETA %.0f s   ", fraction * 100, seconds * (1 - fraction) / fraction)
                    }
                    print(line, terminator: "")
                    flushOutput()
                }
                if bar { print("") }
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            rejected = try say(json: report.json(common.language), rows: report.rows, applied: report.applied, unchanged: report.unchanged,
                               errors: report.errors)
        }
        if rejected { throw ExitCode(1) }
    }

    /// Prints an import's answer (its JSON with `--json`; else a line, or every error on standard
    /// error); true when it was rejected.
    func say(json answer: Data, rows: Int, applied: Int, unchanged: Int, errors: [ImportError]) throws -> Bool {
        let lang = common.language
        if json {
            print(String(decoding: answer, as: UTF8.self))
        } else if errors.isEmpty {
            common.say("import_done", ["kind": kind, "rows": "\(rows)", "applied": "\(applied)",
                                       "unchanged": "\(unchanged)", "dry": dryRun ? Catalogue.text("import_dry", lang) : ""])
        } else {
            var lines = [Catalogue.text("import_rejected", lang, ["kind": kind, "count": "\(errors.count)"])]
            for e in errors {
                lines.append(Catalogue.text("import_error_line", lang, ["row": "\(e.row)", "column": e.column, "code": e.code, "message": e.message(lang)]))
            }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        return !errors.isEmpty
    }
}
