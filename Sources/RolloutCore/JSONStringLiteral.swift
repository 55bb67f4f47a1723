/// A string written as a JSON string literal, escaped as `JSONEncoder` escapes it (quotes,
/// backslashes and control characters; slashes are not escaped): for JSON written by hand where
/// the encoder is too slow (an import's rows, the request log's lines).
public enum JSONStringLiteral {
    /// Appends `s` to `o`, quoted and escaped.
    public static func write(_ s: String, into o: inout String) {
        o += "\""
        var plain = true
        for u in s.utf8 where u < 0x20 || u == 0x22 || u == 0x5C { plain = false; break }
        if plain { o += s; o += "\""; return }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": o += "\\\""
            case "\\": o += "\\\\"
            case "\n": o += "\\n"
            case "\r": o += "\\r"
            case "\t": o += "\\t"
            case "\u{08}": o += "\\b"
            case "\u{0C}": o += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    o += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    o.unicodeScalars.append(scalar)
                }
            }
        }
        o += "\""
    }
}
