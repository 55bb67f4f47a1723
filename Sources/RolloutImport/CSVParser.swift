import RolloutCore

/// A streaming RFC 4180 parser over UTF-8 bytes: quoted fields may hold commas, quotes (doubled)
/// and line breaks; records end with LF or CRLF.
///
/// It is strict where a lenient parser would guess: a quote inside an unquoted field, text after
/// a closing quote, an unterminated quote and a NUL byte are errors with the record's number.
/// So are a field longer than `maxFieldBytes` and a record of more than `maxFields` fields: they
/// are refused as they grow, before memory is spent on them.
struct CSVParser {
    /// The longest field, in bytes.
    var maxFieldBytes = Limits.standard.fieldBytes
    /// The most fields in one record.
    var maxFields = Limits.standard.fieldsPerRecord
    private var field: [UInt8] = []
    private var record: [String] = []
    private var inQuotes = false
    private var afterQuote = false
    private var fieldStarted = false
    private var pendingCR = false
    /// The number of the record being read (1 = the header), as a spreadsheet numbers rows.
    private(set) var recordNumber = 1

    /// Feeds bytes; complete records go to `emit` with their number.
    mutating func feed(_ bytes: [UInt8], emit: (Int, [String]) throws -> Void) throws {
        for b in bytes {
            if pendingCR {
                pendingCR = false
                if b == 0x0A { continue }
            }
            if b == 0 { throw RolloutError("nul_byte", ["row": "\(recordNumber)"]) }
            if inQuotes {
                if b == 0x22 { inQuotes = false; afterQuote = true } else { try append(b) }
                continue
            }
            switch b {
            case 0x22:  // "
                if afterQuote { try append(0x22); inQuotes = true; afterQuote = false }
                else if field.isEmpty && !fieldStarted { inQuotes = true; fieldStarted = true }
                else { throw RolloutError("bad_quoting", ["row": "\(recordNumber)"]) }
            case 0x2C:  // ,
                try endField()
            case 0x0A, 0x0D:
                try endField()
                if b == 0x0D { pendingCR = true }
                try endRecord(emit)
            default:
                if afterQuote { throw RolloutError("bad_quoting", ["row": "\(recordNumber)"]) }
                try append(b)
                fieldStarted = true
            }
        }
    }

    /// Ends the input: a last record without a line end is emitted; an open quote is an error.
    mutating func finish(emit: (Int, [String]) throws -> Void) throws {
        if inQuotes { throw RolloutError("bad_quoting", ["row": "\(recordNumber)"]) }
        if fieldStarted || !field.isEmpty || !record.isEmpty || afterQuote {
            try endField()
            try endRecord(emit)
        }
    }

    private mutating func append(_ b: UInt8) throws {
        guard field.count < maxFieldBytes else {
            throw RolloutError("field_too_long", ["row": "\(recordNumber)", "value": "\(maxFieldBytes)"])
        }
        field.append(b)
    }

    private mutating func endField() throws {
        guard record.count < maxFields else {
            throw RolloutError("too_many_fields", ["row": "\(recordNumber)", "value": "\(maxFields)"])
        }
        record.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        afterQuote = false
        fieldStarted = false
    }

    private mutating func endRecord(_ emit: (Int, [String]) throws -> Void) throws {
        let r = record
        record.removeAll(keepingCapacity: true)
        // A line with nothing on it is skipped, but still counts as a spreadsheet row.
        if !(r.count == 1 && r[0].isEmpty) { try emit(recordNumber, r) }
        recordNumber += 1
    }
}
