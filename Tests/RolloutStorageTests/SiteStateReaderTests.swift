import Foundation
import Testing
@testable import RolloutCore
@testable import RolloutSQLStorage

/// The fast reader of stored site states reads what the writer writes, and on any other text
/// either gives way to `JSONDecoder` or reads exactly what `JSONDecoder` reads: never a second,
/// looser grammar, and never a crash.
@Suite struct SiteStateReaderTests {
    static func slow(_ text: String) -> SiteState? { try? JSONDecoder().decode(SiteState.self, from: Data(text.utf8)) }

    @Test func readsWhatTheWriterWrites() throws {
        var rng = SeededRandom(seed: 17)
        var fastReads = 0
        for i in 0..<2_000 {
            let state = FastJSONTests.state(i, using: &rng)
            let text = FastJSON.siteState(state)
            if let fast = SiteStateReader.read(text) {
                #expect(fast == state, "\(i): \(text)")
                fastReads += 1
            } else {
                // Only a string with an escape sends a state to the slow path.
                #expect(text.contains("\\"), "\(i): \(text)")
            }
            #expect(try StoredJSON.siteState(text) == state)
        }
        // Most states have no escaped character: the fast path is the one taken.
        #expect(fastReads > 1_000)
    }

    /// Texts a writer never makes, by the grammar: members dropped, doubled, moved or unknown,
    /// numbers and literals JSON forbids or the types refuse, strings for numbers, nulls,
    /// whitespace, truncations. Whatever the fast reader accepts, `JSONDecoder` reads the same.
    @Test func grammarAwareMutationsNeverReadDifferently() {
        var rng = SeededRandom(seed: 25)
        let replacements = ["1.0", "01", "-", "-0", "1e3", "1E+2", "1e400", "NaN", "null", "true", "\"1\"", "[]", "{}", "0.5e-3",
                            "\"cmcc\"", "\"nowhere\"", "\"on_air\"", "9223372036854775807", "123456789012345678901", ".5", "+1", "2."]
        var accepted = 0
        for i in 0..<4_000 {
            let state = FastJSONTests.state(i % 300, using: &rng)
            var text = FastJSON.siteState(state)
            for _ in 0..<Int.random(in: 1...3, using: &rng) { text = Self.mutate(text, replacements: replacements, using: &rng) }
            let fast = SiteStateReader.read(text)
            if let fast {
                accepted += 1
                #expect(fast == Self.slow(text), "\(i): \(text)")
            }
            #expect((try? StoredJSON.siteState(text)) == Self.slow(text), "\(i): \(text)")
        }
        // The mutations keep some texts readable (whitespace, reordering, dropped optional members).
        #expect(accepted > 100)
    }

    static func mutate(_ text: String, replacements: [String], using rng: inout SeededRandom) -> String {
        let bytes = Array(text.utf8)
        // Value positions: after a colon, up to the next comma or closing bracket at the same depth.
        let colons = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") }
        guard let colon = colons.randomElement(using: &rng) else { return text }
        var end = colon + 1, depth = 0, inString = false
        while end < bytes.count {
            let b = bytes[end]
            if inString { if b == UInt8(ascii: "\\") { end += 1 } else if b == UInt8(ascii: "\"") { inString = false } }
            else if b == UInt8(ascii: "\"") { inString = true }
            else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
            else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") { if depth == 0 { break }; depth -= 1 }
            else if b == UInt8(ascii: ","), depth == 0 { break }
            end += 1
        }
        end = min(end, bytes.count)  // an escape at the very end steps past it
        // The member: back from the colon to its key's opening quote.
        var keyStart = max(0, colon - 2)
        while keyStart > 0, bytes[keyStart] != UInt8(ascii: "\"") { keyStart -= 1 }
        let member = Array(bytes[keyStart..<end])
        var out = bytes
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: out.replaceSubrange((colon + 1)..<end, with: Array(replacements.randomElement(using: &rng)!.utf8))
        case 1: // drop the member (and a comma beside it)
            if end < bytes.count, bytes[end] == UInt8(ascii: ",") { out.removeSubrange(keyStart...end) }
            else if keyStart > 0, bytes[keyStart - 1] == UInt8(ascii: ",") { out.removeSubrange((keyStart - 1)..<end) }
            else { out.removeSubrange(keyStart..<end) }
        case 2: out.insert(contentsOf: member + [UInt8(ascii: ",")], at: keyStart)  // the member twice
        case 3: out.insert(contentsOf: Array("\"unknownKey\":1,".utf8), at: keyStart)
        case 4: out.insert(contentsOf: Array(" \n\t".utf8), at: [colon, colon + 1, end].randomElement(using: &rng)!)
        case 5: out = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
        default: // the member moved to the front of its object
            var object = keyStart - 1
            while object > 0, bytes[object] != UInt8(ascii: "{") { object -= 1 }
            if object < keyStart - 1, end < bytes.count, bytes[end] == UInt8(ascii: ",") {
                out.removeSubrange(keyStart...end)
                out.insert(contentsOf: member + [UInt8(ascii: ",")], at: object + 1)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
