import Foundation
import HummingbirdTesting
import Hummingbird
import RolloutCore
import RolloutFiles
import RolloutTestSupport
import Testing
@testable import RolloutExport
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// `rollout export` as the contract names it: every kind in every format with the same numbers,
/// XLSX files that openpyxl and LibreOffice read back as they were meant (numbers as numbers,
/// days as dates, formulas made inert, further sheets past the row limit), and bad input refused
/// with nothing left half-written.
@Suite struct ExportTests {
    static var python: String? { ProcessInfo.processInfo.environment["ROLLOUT_TEST_OPENPYXL_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } }
    static var office: String? { ProcessInfo.processInfo.environment["ROLLOUT_TEST_LIBREOFFICE"].flatMap { $0.isEmpty ? nil : $0 } }

    /// The rows of every sheet of a workbook as openpyxl reads them: cells typed (numbers stay numbers, dates ISO).
    static func openpyxl(_ url: URL) async throws -> [[[String]]]? {
        guard let python = python else { return nil }
        let script = """
        import json, sys, datetime, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
        def cell(v):
            if v is None: return ""
            if isinstance(v, bool): return "bool:" + str(v).lower()
            if isinstance(v, datetime.datetime): return "date:" + v.isoformat()
            if isinstance(v, (int, float)): return "num:" + repr(v)
            return "str:" + v
        out = [[[cell(v) for v in row] for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets]
        json.dump(out, sys.stdout)
        """
        let work = try PrivateTemporaryDirectory()
        defer { work.remove() }
        let output = work.url.appendingPathComponent("out.json").path
        let ending = try await ChildProcess.run(python, ["-c", script, url.path], output: output)
        #expect(ending.status == 0, "openpyxl could not read \(url.lastPathComponent)")
        return try JSONDecoder().decode([[[String]]].self, from: Data(contentsOf: URL(fileURLWithPath: output)))
    }

    @Test(arguments: Backend.available)
    func everyKindHasTheSameNumbersInEveryFormat(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.01) { service in
            let work = try PrivateTemporaryDirectory()
            defer { work.remove() }
            for kind in ExportKind.allCases {
                var counts: [ExportFormat: Int] = [:]
                var csvRows: [[String]] = []
                for format in ExportFormat.allCases {
                    let url = work.url.appendingPathComponent("\(kind.rawValue).\(format.rawValue)")
                    try await Exporter.write(kind, format: format, service: service, asOf: "2020-06-10", knownAt: nil, to: url)
                    switch format {
                    case .csv:
                        var parsed: [[String]] = []
                        try TestCSV.parse(try Data(contentsOf: url)) { parsed.append($0) }
                        #expect(parsed.first == Exporter.header(kind))
                        csvRows = Array(parsed.dropFirst())
                        counts[.csv] = csvRows.count
                    case .json:
                        let array = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]], "\(kind) json")
                        counts[.json] = array.count
                    case .xlsx:
                        guard let sheets = try await Self.openpyxl(url) else { continue }
                        let rows = sheets.flatMap { $0.dropFirst() }
                        #expect(sheets.first?.first == Exporter.header(kind).map { "str:" + $0 }, "\(kind): header")
                        counts[.xlsx] = rows.count
                        // Cell by cell: numbers as numbers, days as dates, texts as the CSV's.
                        for (x, c) in zip(rows, csvRows).prefix(300) {
                            for (i, value) in c.enumerated() where i < x.count {
                                let cell = i < x.count ? x[i] : ""
                                if value.isEmpty { #expect(cell.isEmpty, "\(kind) \(i)"); continue }
                                if cell.hasPrefix("num:") { #expect(Double(cell.dropFirst(4)) == Double(value), "\(kind) \(i): \(cell) vs \(value)") }
                                else if cell.hasPrefix("date:") { #expect(value.hasPrefix(String(cell.dropFirst(5).prefix(10))), "\(kind) \(i): \(cell) vs \(value)") }
                                else if cell.hasPrefix("bool:") { #expect(String(cell.dropFirst(5)) == value) }
                                else { #expect(String(cell.dropFirst(4)) == value, "\(kind) \(i): \(cell) vs \(value)") }
                            }
                        }
                    }
                }
                #expect(Set(counts.values).count == 1, "\(kind): \(counts)")
                #expect((counts[.csv] ?? 0) > 0, "\(kind) is empty")
            }
            // The regions' numbers are the API's.
            let regions = try await service.regions(asOf: "2020-06-10", knownAt: nil)
            let csv = try await Exporter.text(.regions, format: .csv, service: service, asOf: "2020-06-10", knownAt: nil)
            var rows: [[String]] = []
            try TestCSV.parse(Data(csv.utf8)) { rows.append($0) }
            for r in regions {
                let row = try #require(rows.first { $0[1] == r.regionCode })
                #expect(row[0] == "\(r.rank)" && row[7] == "\(r.built)" && row[5] == (r.target.map(String.init) ?? ""))
            }
        }
    }

    @Test func aWorkbookGoesOnInFurtherSheetsAndKeepsFormulasInert() async throws {
        let work = try PrivateTemporaryDirectory()
        defer { work.remove() }
        let url = work.url.appendingPathComponent("split.xlsx")
        let writer = try XLSXWriter(url: url, sheet: "sites", header: ["code", "n", "day", "at", "flag"], rowsPerSheet: 3)
        let at = ShanghaiCalendar.parseInstant("2020-05-01T08:30:00+08:00")!
        for i in 0..<7 {
            let code = i == 0 ? "=HYPERLINK(\"http://x\")" : "站\(i)<&>"
            try writer.write(ExportRow(cells: [.text(code), .int(i), .date("2020-05-0\(i + 1)"), .instant(at), .flag(i % 2 == 0)], object: [String: String]()))
        }
        try writer.finish()
        guard let sheets = try await Self.openpyxl(url) else { return }
        #expect(sheets.count == 3)
        #expect(sheets.map { $0.count } == [4, 4, 2], "a header on every sheet, three rows each")
        #expect(sheets[0][1] == ["str:'=HYPERLINK(\"http://x\")", "num:0", "date:2020-05-01T00:00:00", "date:2020-05-01T08:30:00", "bool:true"])
        #expect(sheets[2][1][0] == "str:站6<&>")
        if let office = Self.office {
            // LibreOffice reads it too (the first sheet, as CSV).
            let ending = try await ChildProcess.run(office, ["--headless", "--convert-to", "csv", "--outdir", work.url.path, url.path])
            #expect(ending.status == 0)
            let csv = try String(contentsOf: work.url.appendingPathComponent("split.csv"), encoding: .utf8)
            #expect(csv.contains("'=HYPERLINK") && csv.contains("2020-05-01") && csv.split(separator: "\n").count == 4, "\(csv)")
        }
    }

    @Test(arguments: Backend.available)
    func badRequestsAreRefusedAndLeaveNothingHalfWritten(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.005) { service in
            let work = try PrivateTemporaryDirectory()
            defer { work.remove() }
            #expect(throws: RolloutError("unknown_export_kind", ["value": "towers"])) { try ExportKind(checking: "towers") }
            #expect(throws: RolloutError("bad_format", ["value": "pdf"])) { try ExportFormat(checking: "pdf") }
            let earlier = work.url.appendingPathComponent("sites.csv")
            try "an earlier export\n".write(to: earlier, atomically: true, encoding: .utf8)
            // An as-of outside the campaign: refused before anything is written, the earlier file untouched.
            await #expect(throws: RolloutError.self) {
                try await Exporter.write(.sites, format: .csv, service: service, asOf: "2019-01-01", knownAt: nil, to: earlier)
            }
            #expect(try String(contentsOf: earlier, encoding: .utf8) == "an earlier export\n")
            // A target that cannot be written: an error, and nothing left beside it.
            let nowhere = work.url.appendingPathComponent("missing/dir/sites.xlsx")
            await #expect(throws: RolloutError.self) {
                try await Exporter.write(.sites, format: .xlsx, service: service, asOf: nil, knownAt: nil, to: nowhere)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: work.url.path) == ["sites.csv"])
        }
    }

    /// Every table of the pages people read most has its download, with the page's filters and
    /// as-of: the file holds the rows the page shows, numbers as numbers.
    @Test(arguments: Backend.available)
    func everyTableOfAPageDownloadsAsThePageShowsIt(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.01) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let region = try #require(try await service.regions(asOf: "2020-06-01").max { $0.openObstacles < $1.openObstacles }).regionCode
            try await app.test(.router) { base in
                let office = try await TestAccess.client(base, service.store)
                for page in ["/?as_of=2020-06-01&lang=en", "/regions/\(region)?as_of=2020-06-01", "/operators/cmcc?as_of=2020-06-01", "/dispatch", "/supervision"] {
                    let html = try await office.executeRequest(uri: page, method: .get, headers: [:], body: nil)
                    #expect(html.status == .ok, "\(page)")
                    let text = String(buffer: html.body)
                    let tables = text.components(separatedBy: "<table").count - 1
                    let links = text.components(separatedBy: "download=csv&amp;table=").dropFirst().map { String($0.prefix { $0 != "\"" }) }
                    #expect(links.count == tables && tables > 0, "\(page): \(tables) tables, \(links.count) downloads")
                    for id in links {
                        let path = page + (page.contains("?") ? "&" : "?") + "download=csv&table=\(id)"
                        let file = try await office.executeRequest(uri: path, method: .get, headers: [:], body: nil)
                        #expect(file.status == .ok && file.headers[.contentType]?.hasPrefix("text/csv") == true, "\(path)")
                        #expect(file.headers[.contentDisposition]?.contains("attachment") == true)
                        // As many rows as the page's table.
                        let shown = try #require(TableDownloads.table(id, in: text))
                        var rows: [[String]] = []
                        try TestCSV.parse(Data(buffer: file.body)) { rows.append($0) }
                        #expect(rows.count == shown.rows.count + 1, "\(path)")
                    }
                }
                // The as-of is kept: the regions table of another day is that day's.
                let june = try await office.executeRequest(uri: "/?as_of=2020-05-01&download=csv&table=regions", method: .get, headers: [:], body: nil)
                var rows: [[String]] = []
                try TestCSV.parse(Data(buffer: june.body)) { rows.append($0) }
                let may = try await service.regions(asOf: "2020-05-01")
                #expect(rows.count == may.count + 1)
                // A table the page does not have is not found; an unknown format is refused.
                let none = try await office.executeRequest(uri: "/?download=csv&table=nope", method: .get, headers: [:], body: nil)
                #expect(none.status == .notFound)
                let bad = try await office.executeRequest(uri: "/?download=pdf&table=regions", method: .get, headers: [:], body: nil)
                #expect(bad.status == .badRequest)
            }
        }
    }

    @Test func aPageTablesCellsAreTypedWithoutLosingCodes() {
        #expect(TableDownloads.cell("0571") == .text("0571"))
        #expect(TableDownloads.cell("1,234") == .int(1234))
        #expect(TableDownloads.cell("1,2") == .text("1,2"))
        #expect(TableDownloads.cell("12.5") == .decimal(12.5))
        #expect(TableDownloads.cell("0.5") == .decimal(0.5))
        #expect(TableDownloads.cell("-3") == .int(-3))
        #expect(TableDownloads.cell("2020-05-01") == .date("2020-05-01"))
        #expect(TableDownloads.cell("12345678901234567") == .text("12345678901234567"))
        #expect(TableDownloads.cell("+5") == .text("+5"))
        #expect(TableDownloads.cell("渝中区") == .text("渝中区"))
    }
}

/// A small RFC 4180 reader for the tests (the importer's own is internal to its target).
enum TestCSV {
    static func parse(_ data: Data, _ row: ([String]) throws -> Void) throws {
        var field = "", record: [String] = [], quoted = false, afterQuote = false
        var chars = String(decoding: data, as: UTF8.self).makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" { quoted = false; afterQuote = true } else { field.append(c) }
                continue
            }
            switch c {
            case "\"": if afterQuote { field.append("\"") }; quoted = true; afterQuote = false
            case ",": record.append(field); field = ""; afterQuote = false
            case "\r\n", "\n": record.append(field); field = ""; afterQuote = false; try row(record); record = []
            default: field.append(c); afterQuote = false
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); try row(record) }
    }
}
