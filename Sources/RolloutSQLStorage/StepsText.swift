import RolloutCore

/// A site's timeline read from the JSON text of its stored steps (`[{"at":…,"stage":"…"},…]`, as
/// this program writes it, or as PostgreSQL's jsonb prints it, with spaces). Reconciliation reads
/// the timelines of every site on a tower each time the log grows: decoding their whole states with
/// `JSONDecoder` took 1.1 s for the demo's 41,000 (release build); the columns it needs come out of
/// SQL, and the steps are read here.
enum StepsText {
    /// The steps, or nil for text of another shape (the caller decodes the state instead).
    static func parse(_ text: String) -> [TimelineStep]? {
        var steps: [TimelineStep] = []
        var at: Int64? = nil, stage: Stage? = nil
        var bytes = text.utf8[...]
        func skipSpaces() { while let b = bytes.first, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { bytes.removeFirst() } }
        func string() -> Substring.UTF8View.SubSequence? {
            guard bytes.first == 0x22 else { return nil }
            bytes.removeFirst()
            guard let end = bytes.firstIndex(of: 0x22) else { return nil }
            let s = bytes[..<end]
            bytes = bytes[bytes.index(after: end)...]
            return s
        }
        skipSpaces()
        guard bytes.first == 0x5B else { return nil }  // [
        bytes.removeFirst()
        while true {
            skipSpaces()
            guard let b = bytes.first else { return nil }
            switch b {
            case 0x5D: return steps  // ]
            case 0x2C, 0x7B: bytes.removeFirst()  // , {
            case 0x7D:  // }
                guard let a = at, let s = stage else { return nil }
                steps.append(TimelineStep(at: Instant(seconds: a), stage: s))
                at = nil; stage = nil
                bytes.removeFirst()
            case 0x22:
                guard let key = string() else { return nil }
                skipSpaces()
                guard bytes.first == 0x3A else { return nil }  // :
                bytes.removeFirst()
                skipSpaces()
                if key.elementsEqual("at".utf8) {
                    var n: Int64 = 0, negative = false, digits = 0
                    if bytes.first == 0x2D { negative = true; bytes.removeFirst() }
                    while let d = bytes.first, d >= 0x30, d <= 0x39 {
                        n = n &* 10 &+ Int64(d - 0x30); digits += 1; bytes.removeFirst()
                    }
                    guard digits > 0, digits < 19 else { return nil }
                    at = negative ? -n : n
                } else if key.elementsEqual("stage".utf8) {
                    guard let v = string(), let s = Stage(rawValue: String(decoding: v, as: UTF8.self)) else { return nil }
                    stage = s
                } else {
                    return nil
                }
            default: return nil
            }
        }
    }
}
