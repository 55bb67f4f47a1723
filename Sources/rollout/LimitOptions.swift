import ArgumentParser
import Foundation
import RolloutCore
import RolloutTexts

/// The limits of ``Limits`` as options (`rollout serve`, `rollout import`): an option wins over
/// its environment variable, which wins over the default.
struct LimitOptions: ParsableArguments {
    @Option(help: "Largest import request body in bytes (ROLLOUT_MAX_IMPORT_BYTES; default 512 MiB).") var maxImportBytes: Int?
    @Option(help: "Largest form or JSON request body in bytes (ROLLOUT_MAX_FORM_BYTES; default 64 KiB).") var maxFormBytes: Int?
    @Option(help: "Longest cell of a bulk file in bytes (ROLLOUT_MAX_FIELD_BYTES; default 32 KiB).") var maxFieldBytes: Int?
    @Option(help: "Most cells in one CSV record (ROLLOUT_MAX_FIELDS; default 16384).") var maxFields: Int?
    @Option(help: "Largest uncompressed XLSX part in bytes (ROLLOUT_MAX_XLSX_PART_BYTES; default 512 MiB).") var maxXlsxPartBytes: Int?
    @Option(help: "Largest uncompressed XLSX shared strings in bytes (ROLLOUT_MAX_XLSX_STRINGS_BYTES; default 64 MiB).")
    var maxXlsxStringsBytes: Int?
    @Option(help: "Most live event streams per account, at least 16 (ROLLOUT_MAX_STREAMS_PER_ACCOUNT; default 32).")
    var maxStreamsPerAccount: Int?
    @Option(help: "How many years before the campaign's start a field date may lie (ROLLOUT_HISTORY_YEARS; default 10).")
    var historyYears: Int?

    /// The options by the name of their setting.
    var given: [String: Int?] {
        ["max-import-bytes": maxImportBytes, "max-form-bytes": maxFormBytes, "max-field-bytes": maxFieldBytes, "max-fields": maxFields,
         "max-xlsx-part-bytes": maxXlsxPartBytes, "max-xlsx-strings-bytes": maxXlsxStringsBytes,
         "max-streams-per-account": maxStreamsPerAccount, "history-years": historyYears]
    }

    /// A limit below its minimum is a usage error (exit 2).
    func validate() throws {
        for s in Limits.settings {
            guard let v = given[s.option] ?? nil else { continue }
            if v < s.minimum || v > s.maximum { throw ValidationError(Catalogue.text("bad_limit", .en, ["name": "--" + s.option, "value": "\(v)", "minimum": "\(s.minimum)"])) }
        }
    }

    /// The limits in force: defaults, then the environment, then these options.
    func limits(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Limits {
        var limits = try Limits.from(environment: environment)
        for s in Limits.settings {
            guard let v = given[s.option] ?? nil else { continue }
            limits[keyPath: s.keyPath] = try s.parse("\(v)", name: "--" + s.option)
        }
        return limits
    }
}
