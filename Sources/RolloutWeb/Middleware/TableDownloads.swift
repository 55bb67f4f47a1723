import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutExport
import RolloutFiles

/// "Download CSV · XLSX" under every table of every page, with the page's own filters and
/// `as_of`: the link asks for the same page with `download` and `table`, and the answer is that
/// table as the page shows it to that account (same route, same rights, same numbers), in a file.
/// Whole numbers, decimals and days become number and date cells in the workbook.
enum TableDownloads {
    /// Gives every table of a page body an id (`table-N` for those without one) and puts the download links under it.
    static func annotate(_ page: HTML, context c: PageContext) -> HTML {
        var pieces: [Substring] = []
        var rest = page.markup[...]
        var number = 0
        while let open = rest.range(of: "<table") {
            pieces.append(rest[..<open.lowerBound])
            number += 1
            guard let tagEnd = rest[open.upperBound...].firstIndex(of: ">"), let close = rest[tagEnd...].range(of: "</table>") else {
                rest = rest[open.lowerBound...]
                break
            }
            let attributes = rest[open.upperBound..<tagEnd]
            let id: String
            if let r = attributes.range(of: "id=\""), let end = attributes[r.upperBound...].firstIndex(of: "\"") {
                id = String(attributes[r.upperBound..<end])
                pieces.append(rest[open.lowerBound..<close.upperBound])
            } else {
                id = "table-\(number)"
                pieces.append(Substring("<table id=\"\(id)\""))
                pieces.append(rest[open.upperBound..<close.upperBound])
            }
            pieces.append(Substring(links(id, context: c).markup))
            rest = rest[close.upperBound...]
        }
        pieces.append(rest)
        return HTML(trusted: pieces.joined())
    }

    static func links(_ id: String, context c: PageContext) -> HTML {
        let kept = c.query.split(separator: "&").filter { !$0.hasPrefix("download=") && !$0.hasPrefix("table=") }.joined(separator: "&")
        func href(_ format: String) -> String { "?" + (kept.isEmpty ? "" : kept + "&") + "download=\(format)&table=\(Route.encode(id))" }
        return "<p class=\"small downloads\">\(c.t("page_download")) <a href=\"\(href("csv"))\" download>CSV</a> · <a href=\"\(href("xlsx"))\" download>XLSX</a></p>"
    }

    /// The header and rows of the table with an id in a page, cells typed; nil when the page has no such table.
    static func table(_ id: String, in html: String) -> (header: [String], rows: [[ExportCell]])? {
        guard let start = html.range(of: "<table id=\"\(id)\""), let end = html[start.upperBound...].range(of: "</table>") else { return nil }
        let inner = html[start.upperBound..<end.lowerBound]
        var header: [String] = []
        var rows: [[ExportCell]] = []
        for piece in inner.components(separatedBy: "<tr").dropFirst() {
            var cells: [String] = []
            var isHeader = false
            for part in piece.components(separatedBy: "<t").dropFirst() {
                guard let kind = part.first, kind == "d" || kind == "h", let open = part.firstIndex(of: ">") else { continue }
                if kind == "h" { isHeader = true }
                let content = part[part.index(after: open)...]
                let upTo = content.range(of: "</t\(kind)>").map { content[..<$0.lowerBound] } ?? content
                cells.append(text(of: upTo))
            }
            if cells.isEmpty { continue }
            if isHeader && header.isEmpty && rows.isEmpty { header = cells } else { rows.append(cells.map(cell)) }
        }
        if header.isEmpty, let first = rows.first { header = first.map(\.text); rows.removeFirst() }
        return (header, rows)
    }

    /// A cell's text without its markup, entities decoded, space folded.
    static func text(of html: Substring) -> String {
        var out = ""
        var inTag = false
        for ch in html {
            if ch == "<" { inTag = true } else if ch == ">" { inTag = false } else if !inTag { out.append(ch) }
        }
        for (entity, ch) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            out = out.replacingOccurrences(of: entity, with: ch)
        }
        return out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A number as a number, a day as a date, anything else as text.
    /// A code such as `0571` or `1,2` stays text: only plain numbers (with thousands grouped by
    /// commas, as the pages write them) become numbers.
    static func cell(_ s: String) -> ExportCell {
        let digits = s.hasPrefix("-") ? String(s.dropFirst()) : s
        let leadingZero = digits.count > 1 && digits.hasPrefix("0") && !digits.hasPrefix("0.")
        let grouped = s.contains(",") ? s.range(of: #"^-?\d{1,3}(,\d{3})+$"#, options: .regularExpression) != nil : true
        if !leadingZero, grouped, digits.count <= 15, let n = Int(s.replacingOccurrences(of: ",", with: "")), !s.hasPrefix("+") { return .int(n) }
        if !leadingZero, s.contains("."), !s.contains(","), let d = Double(s), d.isFinite, !s.hasPrefix("+") { return .decimal(d) }
        if s.count == 10, ShanghaiCalendar.parseDay(s) != nil { return .date(s) }
        return .text(s)
    }
}

/// Answers a page asked with `download=csv|xlsx&table=ID` with that table as a file.
struct TableDownloadMiddleware: RouterMiddleware {
    typealias Context = RolloutContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, let asked = request.query("download"), let id = request.query("table"),
              !Route.isAPI(request.uri.path) else { return try await next(request, context) }
        let format = try ExportFormat(checking: asked)
        let response = try await next(request, context)
        guard response.status == .ok, response.headers[.contentType]?.hasPrefix("text/html") == true else { return response }
        let collector = Collector()
        try await response.body.write(CollectingWriter(into: collector))
        guard let table = TableDownloads.table(id, in: String(buffer: collector.buffer)) else {
            throw RolloutError("not_found", kind: .notFound, ["value": id])
        }
        let work = try PrivateTemporaryDirectory()
        defer { work.remove() }
        let file = work.url.appendingPathComponent("table.\(format.rawValue)")
        try Exporter.writeTable(header: table.header, rows: table.rows, format: format, sheet: String(id.prefix(30)), to: file)
        let data = try Data(contentsOf: file)
        let day = request.query("as_of") ?? "now"
        let name = "rollout-\(id)-\(day).\(format.rawValue)".filter { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        return Response(status: .ok, headers: [.contentType: format.contentType, .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    final class Collector: @unchecked Sendable { var buffer = ByteBuffer() }

    struct CollectingWriter: ResponseBodyWriter {
        let into: Collector
        mutating func write(_ buffer: ByteBuffer) async throws {
            var b = buffer
            into.buffer.writeBuffer(&b)
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
