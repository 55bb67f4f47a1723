import RolloutCore

/// A streaming RFC 4180 parser over UTF-8 bytes: quoted fields may hold commas, quotes (doubled)
/// and line breaks; records end with LF or CRLF.
///
/// It is strict where a lenient parser would guess: a quote inside an unquoted field, text after
/// a closing quote, an unterminated quote and a NUL byte are errors with the record's number.
struct CSVParser {
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
                if b == 0x22 { inQuotes = false; afterQuote = true } else { field.append(b) }
                continue
            }
            switch b {
            case 0x22:  // "
                if afterQuote { field.append(0x22); inQuotes = true; afterQuote = false }
                else if field.isEmpty && !fieldStarted { inQuotes = true; fieldStarted = true }
                else { throw RolloutError("bad_quoting", ["row": "\(recordNumber)"]) }
            case 0x2C:  // ,
                endField()
            case 0x0A, 0x0D:
                endField()
                if b == 0x0D { pendingCR = true }
                try endRecord(emit)
            default:
                if afterQuote { throw RolloutError("bad_quoting", ["row": "\(recordNumber)"]) }
                field.append(b)
                fieldStarted = true
            }
        }
    }

    /// Ends the input: a last record without a line end is emitted; an open quote is an error.
    mutating func finish(emit: (Int, [String]) throws -> Void) throws {
        if inQuotes { throw RolloutError("bad_quoting", ["row": "\(recordNumber)"]) }
        if fieldStarted || !field.isEmpty || !record.isEmpty || afterQuote {
            endField()
            try endRecord(emit)
        }
    }

    private mutating func endField() {
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
