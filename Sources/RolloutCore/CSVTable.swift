import Foundation

/// Writes a table as CSV (RFC 4180), with the cells a spreadsheet would run as a formula
/// (beginning with `=`, `+`, `-`, `@`, tab or carriage return) made inert with a leading `'`.
public enum CSVTable {
    /// The CSV text of a header and rows, CRLF line ends as spreadsheets expect.
    public static func render(header: [String], rows: [[String]]) -> String {
        var out = header.map(cell).joined(separator: ",") + "\r\n"
        for row in rows { out += row.map(cell).joined(separator: ",") + "\r\n" }
        return out
    }

    /// One cell, neutralised and quoted when needed. Numbers (including negative ones) stay as they are.
    public static func cell(_ raw: String) -> String {
        var s = raw
        if let first = s.first, "=+-@\t\r".contains(first), Double(s) == nil { s = "'" + s }
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            s = "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}
