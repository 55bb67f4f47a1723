import Foundation
import Testing
@testable import RolloutCore
@testable import RolloutSQLStorage

/// The fast reader of stored obstacle states reads what the writer writes, and on any other text
/// either gives way to `JSONDecoder` or reads exactly what `JSONDecoder` reads: never a second,
/// looser grammar, and never a crash.
@Suite struct ObstacleStateReaderTests {
    static func slow(_ text: String) -> ObstacleState? { try? JSONDecoder().decode(ObstacleState.self, from: Data(text.utf8)) }

    /// A random state as the projections store it, some texts with characters JSON escapes.
    static func state(_ i: Int, using rng: inout SeededRandom) -> ObstacleState {
        let texts = ["", "等材料", "业主阻挠，要求补偿", "a \"quoted\" word", "line\nbreak", "<b>&"]
        let opening = ObstacleOpening(org: ["cmcc", "500101"].randomElement(using: &rng)!, ref: "OB-\(i)",
                                      site: Bool.random(using: &rng) ? SiteKey(operator: .ctcc, code: "CTCC-\(i)") : nil,
                                      regionCode: "500101", operator: [Operator.cmcc, .tower, nil].randomElement(using: &rng)!,
                                      category: ObstacleCategory.allCases.randomElement(using: &rng)!,
                                      responsible: ["物业", nil, ""].randomElement(using: &rng)!, description: texts.randomElement(using: &rng)!)
        let opened = Int64.random(in: 1_500_000_000...1_600_000_000, using: &rng)
        let marks = (0..<Int.random(in: 0...5, using: &rng)).map { k -> ObstacleMark in
            let what: ObstacleMark.What = switch Int.random(in: 0..<6, using: &rng) {
            case 0: .resolved
            case 1: .escalated(reason: texts.randomElement(using: &rng)!)
            case 2: .step(.dispatched(unit: Dispatch.units.randomElement(using: &rng)!, note: texts.randomElement(using: &rng)!))
            case 3: .step(.paused(reason: texts.randomElement(using: &rng)!))
            case 4: .step(.resumed(note: texts.randomElement(using: &rng)!))
            default: .step(.reopened(reason: texts.randomElement(using: &rng)!))
            }
            let at = Instant(seconds: opened + Int64(k) * 86_400)
            return ObstacleMark(what, at: at, recordedAt: at.adding(seconds: Int64.random(in: 0...9_000, using: &rng)), actor: ["system", "office", ""].randomElement(using: &rng)!)
        }
        return ObstacleState(opening: opening, openedAt: Instant(seconds: opened), openedRecordedAt: Instant(seconds: opened + 60), marks: marks)
    }

    @Test func readsWhatTheWriterWrites() throws {
        var rng = SeededRandom(seed: 19)
        var fastReads = 0
        for i in 0..<2_000 {
            let state = Self.state(i, using: &rng)
            let text = try StoredJSON.encode(state)
            if let fast = ObstacleStateReader.read(text) {
                #expect(fast == state, "\(i): \(text)")
                fastReads += 1
            } else {
                // Only a string with an escape sends a state to the slow path.
                #expect(text.contains("\\"), "\(i): \(text)")
            }
            #expect(try StoredJSON.obstacleState(text) == state)
        }
        #expect(fastReads > 500)
    }

    /// Texts a writer never makes, by the grammar (``SiteStateReaderTests/mutate(_:replacements:using:)``):
    /// whatever the fast reader accepts, `JSONDecoder` reads the same.
    @Test func grammarAwareMutationsNeverReadDifferently() throws {
        var rng = SeededRandom(seed: 27)
        let replacements = ["1.0", "01", "-", "-0", "1e3", "null", "true", "\"1\"", "[]", "{}", "{\"resolved\":{}}", "{\"x\":{}}",
                            "{\"step\":{\"_0\":{\"paused\":{\"reason\":\"r\"}}}}", "{\"resolved\":{},\"escalated\":{\"reason\":\"\"}}",
                            "\"cmcc\"", "\"power\"", "\"nowhere\"", "9223372036854775807", "123456789012345678901", "+1"]
        var accepted = 0
        for i in 0..<4_000 {
            let state = Self.state(i % 300, using: &rng)
            var text = try StoredJSON.encode(state)
            for _ in 0..<Int.random(in: 1...3, using: &rng) { text = SiteStateReaderTests.mutate(text, replacements: replacements, using: &rng) }
            if let fast = ObstacleStateReader.read(text) {
                accepted += 1
                #expect(fast == Self.slow(text), "\(i): \(text)")
            }
            #expect((try? StoredJSON.obstacleState(text)) == Self.slow(text), "\(i): \(text)")
        }
        #expect(accepted > 100)
    }
}
