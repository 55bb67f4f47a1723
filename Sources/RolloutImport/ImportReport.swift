import Foundation
import RolloutCore
import RolloutTexts

/// A problem with one cell, row or the whole file: where, a stable code, and the message's arguments.
public struct ImportError: Codable, Sendable, Equatable {
    /// The row as a spreadsheet shows it (the header is 1; 0 for the file as a whole).
    public var row: Int
    /// The header as written in the file (empty for the file as a whole).
    public var column: String
    public var code: String
    public var arguments: [String: String]

    public init(row: Int, column: String, code: String, arguments: [String: String] = [:]) {
        self.row = row; self.column = column; self.code = code; self.arguments = arguments
    }

    /// The message in a language (the catalogue key is `import.<code>`).
    public func message(_ language: Language) -> String {
        Catalogue.text("import.\(code)", language, arguments)
    }
}

/// What an import answers: the CLI's `--json`, and the body of `POST /api/v1/imports/{kind}`.
public struct ImportReport: Sendable, Equatable {
    public var kind: ImportKind
    public var committed: Bool
    public var dryRun: Bool
    public var rows: Int
    public var applied: Int
    public var unchanged: Int
    public var errors: [ImportError]

    /// The JSON answer, messages in a language.
    public func json(_ language: Language) throws -> Data {
        struct Row: Encodable { var row: Int; var column: String; var code: String; var message: String }
        struct Body: Encodable {
            var kind: String; var committed: Bool; var dry_run: Bool; var rows: Int; var applied: Int; var unchanged: Int
            var errors: [Row]
        }
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(Body(kind: kind.rawValue, committed: committed, dry_run: dryRun, rows: rows, applied: applied,
                                 unchanged: unchanged,
                                 errors: errors.map { Row(row: $0.row, column: $0.column, code: $0.code, message: $0.message(language)) }))
    }
}

/// Thrown when a file cannot be read as a table at all; the import then reports this one error.
struct FileProblem: Error { var error: ImportError }
