import Foundation
import RolloutCore
import RolloutTexts

/// A problem with one cell, row or the whole file: where, a stable code, and the message's arguments.
public struct ImportError: Codable, Sendable, Equatable {
    /// The row as a spreadsheet shows it (the header is 1; 0 for the file as a whole).
    public var row: Int
    /// The header as written in the file (empty for the file as a whole).
    public var column: String
    /// The problem's stable code, e.g. `empty_file` (its message is `import.<code>`).
    public var code: String
    /// The message's arguments, by name.
    public var arguments: [String: String]

    /// A problem at a row and column, with its code and its message's arguments.
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
    /// Which bulk file was imported.
    public var kind: ImportKind
    /// Whether its events were committed: no errors, and not a dry run.
    public var committed: Bool
    /// Whether it was only checked (nothing is kept).
    public var dryRun: Bool
    /// The data rows read (the header not counted).
    public var rows: Int
    /// Rows that appended at least one new event (0 when the file has errors).
    public var applied: Int
    /// Rows whose events were all in the log already, re-sent (0 when the file has errors).
    public var unchanged: Int
    /// Every problem in the order found: at most `Importer.maxErrors`, then `too_many_errors`.
    public var errors: [ImportError]

    /// The JSON answer, messages in a language.
    public func json(_ language: Language) throws -> Data {
        try ImportAnswer(kind: kind.rawValue, committed: committed, dryRun: dryRun, rows: rows, applied: applied, unchanged: unchanged,
                         errors: errors).json(language)
    }
}

/// An import's answer for any kind of file (a bulk table's, a bundle of photos'): what the CLI's
/// `--json` prints and the API answers.
public struct ImportAnswer: Sendable, Equatable {
    /// The kind imported (`sites`, …, `evidence`).
    public var kind: String
    /// Whether it was kept: no errors, and not a dry run.
    public var committed: Bool
    /// Whether it was only checked.
    public var dryRun: Bool
    /// The rows read.
    public var rows: Int
    /// Rows that changed something (0 with errors).
    public var applied: Int
    /// Rows that were in the log already (0 with errors).
    public var unchanged: Int
    /// Every problem, in the order found.
    public var errors: [ImportError]

    /// An answer.
    public init(kind: String, committed: Bool, dryRun: Bool, rows: Int, applied: Int, unchanged: Int, errors: [ImportError]) {
        self.kind = kind; self.committed = committed; self.dryRun = dryRun; self.rows = rows; self.applied = applied
        self.unchanged = unchanged; self.errors = errors
    }

    /// The JSON answer, messages in a language.
    public func json(_ language: Language) throws -> Data {
        struct Row: Encodable { var row: Int; var column: String; var code: String; var message: String }
        struct Body: Encodable {
            var kind: String; var committed: Bool; var dry_run: Bool; var rows: Int; var applied: Int; var unchanged: Int
            var errors: [Row]
        }
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(Body(kind: kind, committed: committed, dry_run: dryRun, rows: rows, applied: applied, unchanged: unchanged,
                                 errors: errors.map { Row(row: $0.row, column: $0.column, code: $0.code, message: $0.message(language)) }))
    }
}

/// Thrown when a file cannot be read as a table at all; the import then reports this one error.
struct FileProblem: Error { var error: ImportError }
