/// Text for XML (a workbook's parts): `& < > "` escaped, and the characters XML 1.0 cannot hold
/// at all (controls other than tab and line ends, U+FFFE, U+FFFF) left out, unless `keepingInvalid`
/// (the fuzzer writes them on purpose).
public enum XMLText {
    /// The text escaped for XML content or a double-quoted attribute.
    public static func escape(_ s: String, keepingInvalid: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default: if keepingInvalid || (u.value >= 0x20 && u.value != 0xFFFE && u.value != 0xFFFF) { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}
