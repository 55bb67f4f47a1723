import RolloutCore

/// One cell of an exported table, typed so that a spreadsheet gets numbers as numbers and dates
/// as dates, and a CSV the same text as the API.
public enum ExportCell: Sendable, Equatable {
    case text(String)
    case int(Int)
    case decimal(Double)
    /// A calendar day, `YYYY-MM-DD`.
    case date(String)
    /// An instant, written in ISO-8601 with the Asia/Shanghai offset.
    case instant(Instant)
    case flag(Bool)
    case empty

    /// A text cell, or empty when nil.
    public static func optional(_ s: String?) -> ExportCell { s.map(ExportCell.text) ?? .empty }
    /// A whole number, or empty when nil.
    public static func optional(_ n: Int?) -> ExportCell { n.map(ExportCell.int) ?? .empty }
    /// A decimal, or empty when nil.
    public static func optional(_ d: Double?) -> ExportCell { d.map(ExportCell.decimal) ?? .empty }
    /// A day, or empty when nil.
    public static func day(_ s: String?) -> ExportCell { s.map(ExportCell.date) ?? .empty }

    /// The cell as CSV shows it (before quoting and neutralising).
    public var text: String {
        switch self {
        case .text(let s), .date(let s): s
        case .int(let n): "\(n)"
        case .decimal(let d): String(d)
        case .instant(let t): ShanghaiCalendar.iso8601(t)
        case .flag(let b): b ? "true" : "false"
        case .empty: ""
        }
    }
}

/// One row: its cells for CSV and XLSX, and the object a JSON export holds for it (the API's).
public struct ExportRow: Sendable {
    /// The row's cells for CSV and XLSX, in the header's order.
    public var cells: [ExportCell]
    /// What a JSON export holds for the row: the object the API answers.
    public var object: any Encodable & Sendable

    /// A row with its cells and its JSON object.
    public init(cells: [ExportCell], object: any Encodable & Sendable) { self.cells = cells; self.object = object }
}
