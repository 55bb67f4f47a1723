import Foundation
import RolloutTestSupport
import RolloutTexts
import Testing
@testable import RolloutCore
import RolloutDemo
@testable import RolloutImport
import RolloutReference
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
import ZIPFoundation
import RolloutFiles

/// Files built to hurt: every one gets an answer naming what is wrong (the part of a workbook, the
/// row of a CSV), nothing is written, and — through `rollout import`, as a user runs it — the
/// process exits 1 within 60 s with a peak memory under 512 MB under a 4 GB address-space limit.
@Suite struct HostileFilesTests {
    static let now = ImporterTests.now

    static var regressions: [URL] {
        let dir = Bundle.module.url(forResource: "regressions", withExtension: nil, subdirectory: "Fixtures")!
        return ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .filter { ["xlsx", "csv"].contains($0.pathExtension) }.sorted { $0.path < $1.path }
    }

    /// What each kept crasher must get.
    static let expected: [String: String] = [
        "shared-string-index-minus-one.xlsx": "xlsx_bad_shared_string",
        "shared-string-index-past-the-end.xlsx": "xlsx_bad_shared_string",
        "cell-reference-ZZZZZZZ1.xlsx": "xlsx_bad_cell_reference",
        "cell-reference-16-letters.xlsx": "xlsx_bad_cell_reference",
        "row-int64-max-then-one-more.xlsx": "xlsx_bad_row",
        "shared-strings-entity-bomb.xlsx": "xlsx_doctype",
        "sheet-as-symlink.xlsx": "xlsx_bad_part",
        // Found by `rollout bench fuzz --seed 1`: bytes that are not UTF-8 in a part (Foundation's
        // parser force-unwraps the element names it recovers from them).
        "fuzz-1-686-latin1-element-name.xlsx": "xlsx_encoding",
        "fuzz-1-10987.xlsx": "xlsx_encoding",
        // Found in review: a deflate stream cut short, rows as wide as XFD, UTF-16 without a BOM,
        // formula cells each showing one long shared string.
        "sheet-deflate-cut-short.xlsx": "xlsx_bad_part",
        "wide-rows-at-XFD.xlsx": "too_many_cells",
        "sheet-utf16-without-bom.xlsx": "xlsx_encoding",
        "formula-cells-of-a-long-shared-string.xlsx": "too_many_cells",
    ]

    func setUp(_ store: SQLCampaignStore) async throws {
        try await store.createCampaign(ImporterTests.campaign, clock: Self.now, regions: try Chongqing.regions(),
                                       outlines: try DemoInstaller.outlineGeometries(), now: ImporterTests.campaign.start)
    }

    @Test func everyInputThatEverCrashedGetsItsAnswer() async throws {
        #expect(Self.regressions.count >= Self.expected.count)
        try await Backend.sqlite.withStore { store, _ in
            try await setUp(store)
            for file in Self.regressions {
                let report = try await Importer.run(.progress, file: file, store: store, now: Self.now, actor: "test", dryRun: false)
                #expect(!report.errors.isEmpty && !report.committed, "\(file.lastPathComponent)")
                if let code = Self.expected[file.lastPathComponent] {
                    #expect(report.errors.first?.code == code, "\(file.lastPathComponent): \(report.errors)")
                    if code.hasPrefix("xlsx_") { #expect(report.errors.first?.arguments["part"]?.hasPrefix("xl/") == true, "the error names the part") }
                }
            }
            #expect(try await store.eventCount() == 0)
        }
    }

    /// A few thousand structural mutations (CSV and XLSX from their grammar, and byte flips): each is answered, nothing kept.
    @Test func structuralMutationsNeverCrashTheImporter() async throws {
        try await Backend.sqlite.withStore { store, _ in
            try await setUp(store)
            let fuzzer = StructuralFuzzer(seed: 20_201_204)
            let summary = try await Fuzzer.run(store: store, fuzzer: fuzzer, range: 0..<2_500, now: Self.now)
            #expect(summary.inputs == 2_500)
            #expect(summary.rejected > 0 && summary.committed > 0, "the grammar makes clean files too")
            // The structural refusals are reached, not only the easy ones.
            for code in ["xlsx_bad_cell_reference", "xlsx_bad_shared_string", "bad_quoting"] {
                #expect(summary.codes[code, default: 0] > 0, "\(code) never reached: \(summary.codes)")
            }
            #expect(try await store.eventCount() == 0)
        }
        // Input i is the same file whenever it is made, so a crash can be made again from its number.
        let a = StructuralFuzzer(seed: 5).input(1234), b = StructuralFuzzer(seed: 5).input(1234)
        #expect(a.bytes == b.bytes && a.kind == b.kind)
    }

    @Test func cellsAndRecordsAreCappedAsTheyGrow() async throws {
        var limits = Limits()
        limits.fieldBytes = 1000
        limits.fieldsPerRecord = 50
        try await Backend.sqlite.withStore { store, _ in
            try await setUp(store)
            func run(_ text: String) async throws -> ImportReport {
                try await Importer.run(.progress, file: try ImporterTests.file(text), store: store, now: Self.now, actor: "t", dryRun: true, limits: limits)
            }
            let header = "site_code,operator,stage,occurred_at,note\n"
            // At the limit: only the row's own problems; one byte more: the file is refused at that row.
            let atLimit = try await run(header + "S1,cmcc,on_air,2020-05-01,\(String(repeating: "a", count: 1000))\n")
            #expect(!atLimit.errors.contains { $0.code == "field_too_long" })
            let past = try await run(header + "S1,cmcc,on_air,2020-05-01,x\nS1,cmcc,on_air,2020-05-01,\"\(String(repeating: "a", count: 1001))\"\n")
            #expect(past.errors.last.map { "\($0.row):\($0.code)" } == "3:field_too_long")
            #expect(past.errors.last?.message(.zh).contains("第 3 行") == true)
            let wide = try await run(header + String(repeating: ",", count: 50) + "\n")
            #expect(wide.errors.last.map { "\($0.row):\($0.code)" } == "2:too_many_fields")
            #expect(try await store.eventCount() == 0)
        }
    }

    @Test func workbookPartsAreCappedWhileTheyAreExtracted() async throws {
        var limits = Limits()
        limits.xlsxPartBytes = 1 << 20
        let dir = try PrivateTemporaryDirectory()
        defer { dir.remove() }
        // A sheet of 8 MB of spaces: it compresses to a few kilobytes, its header tells the truth, the cap does not care.
        let bomb = try Self.workbook(in: dir, sheet: Data(repeating: 0x20, count: 8 << 20))
        try await Backend.sqlite.withStore { store, _ in
            try await setUp(store)
            let report = try await Importer.run(.progress, file: bomb, store: store, now: Self.now, actor: "t", dryRun: false, limits: limits)
            #expect(report.errors.map(\.code) == ["xlsx_part_too_large"])
            #expect(report.errors.first?.arguments["part"] == "xl/worksheets/sheet1.xml")
            #expect(report.errors.first?.message(.en).contains("xl/worksheets/sheet1.xml") == true)
        }
    }

    @Test func fieldDatesOutsideTheCampaignsWindowAreRowErrors() async throws {
        try await Backend.sqlite.withStore { store, _ in
            try await setUp(store)
            _ = try await Importer.run(.sites, file: ImporterTests.fixture("sites-utf8-bom-crlf.csv"), store: store, now: Self.now, actor: "t", dryRun: false)
            let before = try await store.eventCount()
            // The campaign starts 2020-01-01: ten years of history are legitimate, more are not.
            let csv = "site_code,operator,stage,occurred_at\nWZ-001,cmcc,site_secured,2010-01-01\nWZ-001,cmcc,designed,2009-12-31\nWZ-001,cmcc,installed,1900-01-01\n"
            let report = try await Importer.run(.progress, file: try ImporterTests.file(csv), store: store, now: Self.now, actor: "t", dryRun: false)
            #expect(report.errors.map { "\($0.row):\($0.code)" } == ["3:too_early", "4:too_early"])
            #expect(try await store.eventCount() == before)
            let targets = "region_code,target,due\n500101,10,2040-01-01\n"
            let far = try await Importer.run(.targets, file: try ImporterTests.file(targets), store: store, now: Self.now, actor: "t", dryRun: false)
            #expect(far.errors.map(\.code) == ["too_late"])
        }
        let window = FieldDateWindow(campaign: ImporterTests.campaign, now: Self.now, historyYears: 10)
        #expect(ShanghaiCalendar.dateString(window.earliest) == "2010-01-01")
        #expect(window.refusal(Self.now.adding(seconds: 1), happened: true) == "in_future")
        #expect(window.refusal(Self.now.adding(seconds: 1), happened: false) == nil)
    }

    /// As a user runs it: each hostile file through `rollout import` under `ulimit -v` 4 GB exits 1
    /// within 60 s of processor time, peaks under 512 MB, and leaves the log as it was. The CSV cases are the issue's
    /// own sizes: a row of 200 million empty fields, one quoted field of 300 MB.
    @Test func hostileFilesThroughTheCommandLine() async throws {
        let executable = try #require(RolloutExecutable.url)
        let dir = try PrivateTemporaryDirectory()
        defer { dir.remove() }
        let db = dir.url.appendingPathComponent("hostile.sqlite").path
        let database = "sqlite:\(db)"
        #expect(try await ChildProcess.run(executable.path, ["init", "--name", "t", "--start", "2020-01-01", "--deadline", "2020-06-30",
                                                       "--database", database]).status == 0)
        var files = Self.regressions
        files.append(try Self.streamed(dir.url.appendingPathComponent("fields.csv"), "site_code,operator,stage,occurred_at\n", repeating: ",", count: 200_000_000))
        files.append(try Self.streamed(dir.url.appendingPathComponent("quoted.csv"), "site_code,operator,stage,occurred_at\n\"", repeating: "a", count: 300_000_000))
        files.append(try Self.workbook(in: dir, sheet: Data(repeating: 0x20, count: 600 << 20), name: "bomb.xlsx"))
        let peakFile = dir.url.appendingPathComponent("peak").path
        // Its own temporary folder, to see that nothing is left in it.
        let tmp = dir.url.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        for file in files {
            // The program reports its own high-water mark: wait4's figure would include this test process's memory.
            let run = try await ChildProcess.run("/bin/sh", ["-c", "ulimit -v 4194304; TMPDIR=\"\(tmp.path)\" ROLLOUT_PEAK_MEMORY_FILE=\"\(peakFile)\" exec \"$0\" \"$@\"",
                                                        executable.path, "import", "progress", file.path, "--database", database, "--lang", "en"])
            #expect(run.status == 1, "\(file.lastPathComponent): exit \(run.status) \(run.signal.map { "signal \($0)" } ?? "")")
            // Within 60 s of its own work: the suite runs beside it on two cores, so its wall time says
            // more about the other tests than about it.
            #expect(run.cpuSeconds < 60, "\(file.lastPathComponent): \(run.cpuSeconds) s of processor time (\(run.seconds) s of wall time)")
            let peakKB = try #require(Int((try? String(contentsOfFile: peakFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
            #expect(peakKB < 512 * 1024, "\(file.lastPathComponent): \(peakKB / 1024) MB")
            try? FileManager.default.removeItem(atPath: peakFile)
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == [], "\(file.lastPathComponent): temporary files left")
        }
        // The limits' options reach the importer: a 300-byte cell passes by default and not with --max-field-bytes 256.
        let cell = dir.url.appendingPathComponent("cell.csv")
        try "site_code,operator,stage,occurred_at,note\nX,cmcc,on_air,2020-05-01,\(String(repeating: "n", count: 300))\n".write(to: cell, atomically: true, encoding: .utf8)
        let answer = dir.url.appendingPathComponent("answer.json").path
        #expect(try await ChildProcess.run(executable.path, ["import", "progress", cell.path, "--database", database, "--json"], output: answer).status == 1)
        #expect(try String(contentsOfFile: answer, encoding: .utf8).contains("unknown_site"))
        let capped = try await ChildProcess.run(executable.path, ["import", "progress", cell.path, "--database", database, "--json", "--max-field-bytes", "256"],
                                          output: answer)
        #expect(capped.status == 1)
        #expect(try String(contentsOfFile: answer, encoding: .utf8).contains("field_too_long"))
        #expect(try await ChildProcess.run(executable.path, ["import", "progress", cell.path, "--database", database, "--max-field-bytes", "12"]).status == 2,
                "a limit below its minimum is a usage error")
        let store = try await SQLCampaignStore.open(.sqlite(path: db), create: false)
        #expect(try await store.eventCount() == 0)
        try await store.close()
    }

    @Test func privateTemporaryFilesAreTheOwnersOnlyAndGoAway() throws {
        let dir = try PrivateTemporaryDirectory()
        let file = try dir.file("upload")
        let dirMode = (try FileManager.default.attributesOfItem(atPath: dir.url.path)[.posixPermissions] as? Int) ?? 0
        let fileMode = (try FileManager.default.attributesOfItem(atPath: file.url.path)[.posixPermissions] as? Int) ?? 0
        #expect(dirMode == 0o700 && fileMode == 0o600)
        #expect(throws: (any Error).self) { try dir.file("upload") }
        dir.remove()
        #expect(!FileManager.default.fileExists(atPath: dir.url.path))
    }

    /// A file of `head` then `count` copies of `unit`, written in pieces (never held whole).
    static func streamed(_ url: URL, _ head: String, repeating unit: String, count: Int) throws -> URL {
        FileManager.default.createFile(atPath: url.path, contents: Data(head.utf8))
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        let piece = Data(String(repeating: unit, count: 1 << 20).utf8)
        var left = count
        while left > 0 {
            let n = min(left, 1 << 20)
            handle.write(n == 1 << 20 ? piece : piece.prefix(n * unit.utf8.count))
            left -= n
        }
        return url
    }

    /// A workbook whose sheet is `sheet`, deflated, written through a provider (never held twice).
    static func workbook(in dir: PrivateTemporaryDirectory, sheet: Data, name: String = "book.xlsx") throws -> URL {
        let url = dir.url.appendingPathComponent(name)
        let archive = try Archive(url: url, accessMode: .create)
        let workbook = Data(#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>"#.utf8)
        try archive.addEntry(with: "xl/workbook.xml", type: .file, uncompressedSize: Int64(workbook.count), compressionMethod: .deflate) { p, n in
            workbook.subdata(in: Int(p)..<min(workbook.count, Int(p) + n))
        }
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(sheet.count), compressionMethod: .deflate) { p, n in
            sheet.subdata(in: Int(p)..<min(sheet.count, Int(p) + n))
        }
        return url
    }
}
