import ArgumentParser
import Foundation
import RolloutCore
import RolloutExport
import RolloutFiles
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication

/// `rollout export`: the same numbers as the API, as CSV, XLSX or one JSON array, as of any moment.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export regions, sites, obstacles, events, the scorecard, adoption, safety or investments as CSV, XLSX or JSON.",
        discussion: "Written as read: a table of millions of rows stays in bounded memory. With -o, the file appears only when complete.")

    @OptionGroup var common: CommonOptions
    @Argument(help: "regions, sites, obstacles, events, scorecard, adoption, applications, subscribers, safety, findings or investments") var kind: String
    @Option(name: .customLong("as-of"), help: "A date (end of that day, Asia/Shanghai) or an ISO-8601 instant.") var asOf: String?
    @Option(name: .customLong("known-at"), help: "Show what the platform knew at this moment.") var knownAt: String?
    @Option(help: "csv, xlsx or json") var format = "csv"
    @Option(help: "Only this region (code).") var region: String?
    @Option(name: .customLong("operator"), help: "Only this operator (sites, obstacles).") var operatorCode: String?
    @Option(help: "Obstacles: open, escalated, resolved or all (default all).") var status: String?
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output (required for xlsx).") var output: String?

    func run() async throws {
        try await common.run {
            let kind = try ExportKind(checking: kind)
            let format = try ExportFormat(checking: format)
            var filters = ExportFilters()
            filters.region = region
            if let operatorCode {
                guard let op = Operator(codeOrName: operatorCode) else { throw RolloutError("unknown_operator", ["value": operatorCode]) }
                filters.operator = op
            }
            if let status {
                guard let s = ObstacleQuery.Status(rawValue: status) else { throw RolloutError("bad_status", ["value": status]) }
                filters.status = s
            }
            if format == .xlsx && output == nil && isatty(1) == 1 { throw RolloutError("xlsx_needs_output") }
            try await common.withStore { store in
                let service = CampaignService(store: store, clock: common.clock)
                if let region, try await store.regions().contains(where: { $0.code == region }) == false {
                    throw RolloutError("unknown_region", ["value": region])
                }
                if let output {
                    let url = URL(fileURLWithPath: output)
                    var isDirectory: ObjCBool = false
                    let parent = url.deletingLastPathComponent().path
                    guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue,
                          FileManager.default.isWritableFile(atPath: parent) else {
                        throw RolloutError("file_unwritable", ["value": output])
                    }
                    try await Exporter.write(kind, format: format, service: service, asOf: asOf, knownAt: knownAt, filters: filters, to: url)
                    common.say("written_to", ["value": output])
                } else {
                    // To standard output: through a private file, copied out when complete.
                    let work = try PrivateTemporaryDirectory()
                    defer { work.remove() }
                    let file = work.url.appendingPathComponent("export")
                    try await Exporter.write(kind, format: format, service: service, asOf: asOf, knownAt: knownAt, filters: filters, to: file)
                    let handle = try FileHandle(forReadingFrom: file)
                    defer { try? handle.close() }
                    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { FileHandle.standardOutput.write(chunk) }
                }
            }
        }
    }
}
