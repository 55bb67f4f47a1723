/// Checks, chunk by chunk, that a stream of bytes is valid UTF-8 (a character may be cut between
/// chunks): what every workbook part must be before an XML parser sees it. Foundation's parser on
/// Linux recovers from bad bytes by reading them as Latin-1 and then force-unwraps the names it
/// cannot decode, which stops the process; Excel, LibreOffice and openpyxl all write UTF-8.
struct UTF8Check {
    private var pending: [UInt8] = []
    private(set) var valid = true

    /// Feeds the next chunk; false once any byte so far is not UTF-8.
    @discardableResult
    mutating func feed<C: Collection<UInt8>>(_ chunk: C) -> Bool {
        guard valid else { return false }
        var bytes = pending
        bytes.append(contentsOf: chunk)
        // Keep a character cut at the end for the next chunk (at most 3 bytes of it).
        var cut = bytes.endIndex
        var back = 0
        while cut > 0, back < 3, bytes[cut - 1] & 0xC0 == 0x80 { cut -= 1; back += 1 }
        if cut > 0, bytes[cut - 1] >= 0xC0 { cut -= 1 } else { cut = bytes.endIndex }
        pending = Array(bytes[cut...])
        valid = String(validating: bytes[..<cut], as: UTF8.self) != nil
        return valid
    }

    /// Ends the stream: a character left cut at the end is not valid.
    mutating func finish() -> Bool {
        if !pending.isEmpty { valid = valid && String(validating: pending, as: UTF8.self) != nil }
        pending = []
        return valid
    }

    /// Whether the start of a part (its first kilobyte) has an XML declaration naming an encoding
    /// other than UTF-8, or one that does not end within it.
    static func declaresOtherEncoding<C: Collection<UInt8>>(_ head: C) -> Bool {
        var text = String(decoding: head, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        guard text.hasPrefix("<?xml") else { return false }
        guard let end = text.range(of: "?>") else { return true }
        let declaration = text[..<end.lowerBound].lowercased()
        guard let at = declaration.range(of: "encoding") else { return false }
        let rest = declaration[at.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return !(rest.hasPrefix("utf-8") || rest.hasPrefix("utf8"))
    }
}
