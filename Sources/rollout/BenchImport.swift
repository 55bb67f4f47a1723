import ArgumentParser
import Foundation
import RolloutCore
import RolloutDemo
import RolloutImport
import RolloutReference
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication

/// `rollout bench import`: a generated progress file through the importer, against the engine's
/// own fastest load of the same rows.
struct BenchImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a generated progress file (after the sites it needs) and compare with a raw load of the same rows.")

    @OptionGroup var common: CommonOptions
    @Option(help: "Progress rows to import.") var rows = 1_000_000
    @Option(help: "Folder for the files and the SQLite database (default: a temporary folder).") var folder: String?
    @Option(help: "grouped (one file, each site's rows together) or operators (weekly files over three years, sites interleaved, late and re-sent rows).")
    var shape: BenchImportShape = .grouped
    @Option(help: "With --shape operators: the days of rows each file holds (7: a file a week; 1100: the whole campaign in one file).")
    var daysPerFile = 7

    func run() async throws {
        try await common.run {
            guard rows >= 8, daysPerFile >= 1 else { throw RolloutError("bad_scale") }
            let dir = folder ?? NSTemporaryDirectory() + "rollout-bench-import-\(ProcessInfo.processInfo.processIdentifier)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let url: DatabaseURL
            if common.database?.hasPrefix("postgres") == true { url = try common.url() } else {
                for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: "\(dir)/bench.sqlite\(s)") }
                url = .sqlite(path: "\(dir)/bench.sqlite")
            }
            let store = try await SQLCampaignStore.open(url)
            let (start, deadline, now) = shape.campaign
            _ = try await store.migrate(now: now)
            try await store.createCampaign(Campaign(name: "bench", start: start, deadline: deadline), clock: now, regions: try Chongqing.regions(),
                                           outlines: try DemoInstaller.outlineGeometries(), now: start)
            let (sitesFile, progressURLs, progressRows) = try writeFiles(dir)
            // The import's own peak: the generated rows, written and let go, do not count.
            let ownPeak = PeakMemory.resetHighWater()
            var t = Date()
            let sites = try await Importer.run(.sites, file: sitesFile, store: store, now: now, actor: "bench", dryRun: false)
            guard sites.committed else { throw RolloutError("internal", ["value": "\(sites.errors.prefix(3))"]) }
            print(String(format: "sites: %d rows imported in %.1f s (%.0f rows/s), peak memory %d MB", sites.rows, Date().timeIntervalSince(t),
                         Double(sites.rows) / Date().timeIntervalSince(t),
                         ownPeak ? (PeakMemory.ownHighWaterKB() ?? 0) / 1024 : PeakMemory.megabytes()))
            flushOutput()
            t = Date()
            var applied = 0, unchanged = 0
            // The log's events before the first progress file, then each file's: the transactions of the raw load's second reference.
            var transactions = [try await store.eventCount()]
            for (i, file) in progressURLs.enumerated() {
                let progress = try await Importer.run(.progress, file: file, store: store, now: now, actor: "bench", dryRun: false)
                guard progress.committed else { throw RolloutError("internal", ["value": "file \(i): \(progress.errors.prefix(3))"]) }
                applied += progress.applied
                transactions.append(progress.applied)
                unchanged += progress.unchanged
                if progressURLs.count > 1, (i + 1) % max(1, progressURLs.count / 4) == 0 {
                    print(String(format: "  %d of %d files, %.0f rows/s so far", i + 1, progressURLs.count,
                                 Double(applied + unchanged) / Date().timeIntervalSince(t)))
                    flushOutput()
                }
            }
            let importSeconds = Date().timeIntervalSince(t)
            let importRate = Double(progressRows) / importSeconds
            print(String(format: "progress (%@): %d rows in %d files (%d applied, %d unchanged) imported in %.1f s (%.0f rows/s), peak memory %d MB",
                         shape.rawValue, progressRows, progressURLs.count, applied, unchanged, importSeconds, importRate,
                         ownPeak ? (PeakMemory.ownHighWaterKB() ?? 0) / 1024 : PeakMemory.megabytes()))
            flushOutput()
            for indexed in [false, true] {
                t = Date()
                let raw = try await store.rawLoadBaseline(rows: progressRows, indexed: indexed)
                let rawRate = Double(raw) / Date().timeIntervalSince(t)
                print(String(format: "raw load of as many event rows (%@, %@): %.0f rows/s", store.rawLoadMethod,
                             indexed ? "into a table with the log's key and indexes" : "into a bare table", rawRate))
                print(String(format: "importer / raw (%@): %.1f %%", indexed ? "indexed" : "bare", importRate / rawRate * 100))
                flushOutput()
            }
            // The reference: the engine's load of the same rows (the log as imported), at once
            // and in a transaction per file as the importer had them.
            for perFile in [false, true] where !(perFile && progressURLs.count == 1) {
                t = Date()
                let raw = try await store.rawLoadOfLog(indexed: true, transactions: perFile ? transactions : nil)
                let rawRate = Double(raw) / Date().timeIntervalSince(t)
                print(String(format: "raw load of the log's own %d rows (%@, %@): %.0f rows/s", raw,
                             perFile ? store.rawLoadMethod.replacingOccurrences(of: ", one transaction", with: "") : store.rawLoadMethod,
                             perFile ? "a transaction per file as imported" : "into a table with the log's key and indexes", rawRate))
                print(String(format: "importer / raw (the same rows, %@): %.1f %%", perFile ? "a transaction per file" : "indexed", importRate / rawRate * 100))
                flushOutput()
            }
            try await store.close()
        }
    }

    /// Generates and writes the sites file and the progress files; the rows are let go on return.
    private func writeFiles(_ dir: String) throws -> (sites: URL, progress: [URL], rows: Int) {
        let (siteLines, progressFiles) = try shape.files(rows: rows, daysPerFile: daysPerFile)
        let sitesFile = URL(fileURLWithPath: "\(dir)/sites.csv")
        try write(sitesFile, header: "site_code,operator,region_code,name,lat,lon,kind") { emit in siteLines.forEach(emit) }
        let progressURLs = try progressFiles.enumerated().map { i, lines in
            let url = URL(fileURLWithPath: "\(dir)/progress-\(i).csv")
            try write(url, header: "site_code,operator,stage,occurred_at") { emit in lines.forEach(emit) }
            return url
        }
        let progressRows = progressFiles.reduce(0) { $0 + $1.count }
        return (sitesFile, progressURLs, progressRows)
    }

    private func write(_ url: URL, header: String, _ body: ((String) -> Void) throws -> Void) throws {
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        var buffer = header + "\n"
        try body { line in
            buffer += line + "\n"
            if buffer.utf8.count > 1 << 20 { handle.write(Data(buffer.utf8)); buffer = "" }
        }
        handle.write(Data(buffer.utf8))
        try handle.close()
    }
}
