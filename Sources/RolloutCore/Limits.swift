/// The bounds Rollout puts on what it is sent, in one place: request bodies, the structure of
/// bulk files, event streams per account and how far back a field date may lie.
///
/// Every limit has a documented default and an environment variable (`rollout serve` also takes
/// each as an option); ``Limits/settings`` lists them for the help text, the README and the tests.
public struct Limits: Sendable, Equatable {
    /// The largest body of `POST /api/v1/imports/{kind}` (bytes).
    public var importBodyBytes = 512 << 20
    /// The largest body of a form or a JSON request (bytes).
    public var formBodyBytes = 64 << 10
    /// The largest photo sent as evidence (bytes).
    public var photoBytes = 15 << 20
    /// The most photos one upload form of a site's page takes at once.
    public static let photosPerForm = 5
    /// The largest body of a site page's upload form: its photos at most, and the form's fields.
    public var photoFormBytes: Int { photoBytes * Self.photosPerForm + (64 << 10) }
    /// The longest cell of a bulk file, CSV or XLSX (bytes of UTF-8).
    public var fieldBytes = 32 << 10
    /// The most cells in one record of a CSV file (an XLSX sheet has at most 16,384 columns anyway).
    public var fieldsPerRecord = 16_384
    /// The largest part of an XLSX workbook once uncompressed (the sheet; counted while it is extracted).
    public var xlsxPartBytes = 512 << 20
    /// The largest shared-strings part of an XLSX workbook once uncompressed (it is held in memory).
    public var xlsxSharedStringsBytes = 64 << 20
    /// The most event streams (live pages) one account may hold open at once.
    public var eventStreamsPerAccount = 32
    /// How many years before the campaign's start a field date may lie (sites existed before it).
    public var historyYears = 10

    /// Every limit at its default.
    public init() {}

    /// The defaults.
    public static let standard = Limits()

    /// One limit: its environment variable, its option of `rollout serve`, what it bounds.
    public struct Setting: Sendable {
        /// The environment variable that sets it.
        public let environment: String
        /// The option of `rollout serve` that sets it, without the leading dashes.
        public let option: String
        /// What it bounds, in a sentence for the help text.
        public let help: String
        /// The limit it sets.
        public let keyPath: WritableKeyPath<Limits, Int> & Sendable
        /// The smallest value that still lets Rollout work.
        public let minimum: Int
        /// The largest value accepted.
        public var maximum = Int.max / 4
    }

    /// Every limit, in the order the documentation lists them.
    public static let settings: [Setting] = [
        Setting(environment: "ROLLOUT_MAX_IMPORT_BYTES", option: "max-import-bytes", help: "Largest import request body in bytes.",
                keyPath: \.importBodyBytes, minimum: 1024),
        Setting(environment: "ROLLOUT_MAX_FORM_BYTES", option: "max-form-bytes", help: "Largest form or JSON request body in bytes.",
                keyPath: \.formBodyBytes, minimum: 1024),
        Setting(environment: "ROLLOUT_MAX_PHOTO_BYTES", option: "max-photo-bytes", help: "Largest evidence photo in bytes.",
                keyPath: \.photoBytes, minimum: 1 << 16),
        Setting(environment: "ROLLOUT_MAX_FIELD_BYTES", option: "max-field-bytes", help: "Longest cell of a bulk file in bytes.",
                keyPath: \.fieldBytes, minimum: 256),
        Setting(environment: "ROLLOUT_MAX_FIELDS", option: "max-fields", help: "Most cells in one CSV record.",
                keyPath: \.fieldsPerRecord, minimum: 32),
        Setting(environment: "ROLLOUT_MAX_XLSX_PART_BYTES", option: "max-xlsx-part-bytes",
                help: "Largest uncompressed part (sheet) of an XLSX workbook in bytes.", keyPath: \.xlsxPartBytes, minimum: 1 << 16),
        Setting(environment: "ROLLOUT_MAX_XLSX_STRINGS_BYTES", option: "max-xlsx-strings-bytes",
                help: "Largest uncompressed shared-strings part of an XLSX workbook in bytes.", keyPath: \.xlsxSharedStringsBytes,
                minimum: 1 << 16),
        Setting(environment: "ROLLOUT_MAX_STREAMS_PER_ACCOUNT", option: "max-streams-per-account",
                help: "Most live event streams one account may hold open (at least 16).", keyPath: \.eventStreamsPerAccount, minimum: 16),
        Setting(environment: "ROLLOUT_HISTORY_YEARS", option: "history-years",
                help: "How many years before the campaign's start a field date may lie.", keyPath: \.historyYears, minimum: 1, maximum: 100),
    ]

    /// The defaults with the environment's values over them; a value that is not a whole number at
    /// least the setting's minimum is an error naming the variable.
    public static func from(environment: [String: String]) throws -> Limits {
        var limits = Limits()
        for s in settings {
            guard let text = environment[s.environment] else { continue }
            limits[keyPath: s.keyPath] = try s.parse(text, name: s.environment)
        }
        return limits
    }
}

extension Limits.Setting {
    /// A value of this setting as written by a user.
    public func parse(_ text: String, name: String) throws -> Int {
        guard let v = Int(text.trimmedSpaces), v >= minimum, v <= maximum else {
            throw RolloutError("bad_limit", ["name": name, "value": text, "minimum": "\(minimum)"])
        }
        return v
    }
}
