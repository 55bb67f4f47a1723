import Foundation
import Testing
@testable import RolloutCore
@testable import RolloutSQLStorage

/// The fast reader of stored event payloads reads what the writers write, leaves every other kind
/// to `JSONDecoder`, and on any other text either gives way or reads exactly what `JSONDecoder` reads.
@Suite struct EventBodyReaderTests {
    static func slow(_ text: String) -> EventBody? { try? JSONDecoder().decode(EventBody.self, from: Data(text.utf8)) }

    static func bodies(_ i: Int, using rng: inout SeededRandom) -> [EventBody] {
        let state = FastJSONTests.state(i, using: &rng)
        let text = FastJSONTests.strings[i % FastJSONTests.strings.count]
        let site = state.registration.site
        return [.siteRegistered(state.registration), .stageReported(site: site, stage: Stage.allCases[i % 9], note: i % 2 == 0 ? nil : text),
                .stageRolledBack(site: site, stage: Stage.allCases[(i + 3) % 9], reason: text)]
    }

    @Test func readsWhatTheWritersWrite() throws {
        var rng = SeededRandom(seed: 31)
        let encoder = EventRow.encoder()
        var fastReads = 0
        for i in 0..<1_500 {
            for body in Self.bodies(i, using: &rng) {
                let text = try FastJSON.payload(body, encoder: encoder)
                if let fast = EventBodyReader.read(text) {
                    #expect(fast == body, "\(i): \(text)")
                    fastReads += 1
                } else {
                    #expect(text.contains("\\"), "\(i): \(text)")
                }
            }
        }
        #expect(fastReads > 3_000)
        // Other kinds are the slow path's.
        let opening = ObstacleOpening(org: "cmcc", ref: "O1", site: nil, regionCode: "500101", operator: .cmcc, category: .power,
                                      responsible: nil, description: "停电")
        #expect(EventBodyReader.read(try FastJSON.payload(.obstacleOpened(opening), encoder: encoder)) == nil)
        #expect(EventBodyReader.read(try FastJSON.payload(.obstacleResolved(org: "cmcc", ref: "O1"), encoder: encoder)) == nil)
    }

    /// Grammar-aware mutations of every kind's payload (and two members in one event): whatever the
    /// fast reader accepts, `JSONDecoder` reads the same.
    @Test func grammarAwareMutationsNeverReadDifferently() throws {
        var rng = SeededRandom(seed: 37)
        let encoder = EventRow.encoder()
        let replacements = ["null", "1", "\"\"", "{}", "[]", "\"nowhere\"", "\"on_air\"", "{\"code\":\"A\",\"operator\":\"cmcc\"}", "1.5e2", "01", "true"]
        var accepted = 0
        for i in 0..<3_000 {
            let bodies = Self.bodies(i % 200, using: &rng)
            var text = try FastJSON.payload(bodies[i % 3], encoder: encoder)
            if i % 50 == 0 {
                // Two events in one object: JSONDecoder refuses it, and so must the fast path.
                text = String(text.dropLast()) + "," + String(try FastJSON.payload(bodies[(i + 1) % 3], encoder: encoder).dropFirst())
            }
            for _ in 0..<Int.random(in: 1...3, using: &rng) { text = SiteStateReaderTests.mutate(text, replacements: replacements, using: &rng) }
            if let fast = EventBodyReader.read(text) {
                accepted += 1
                #expect(fast == Self.slow(text), "\(i): \(text)")
            }
        }
        #expect(accepted > 100)
    }
}
