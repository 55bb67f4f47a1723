import Foundation
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// The hand-written JSON of site states, registrations and stage events is what JSONEncoder writes, byte for byte,
/// and reads back to the same values, for random states and hostile strings.
@Suite struct FastJSONTests {
    static let strings = ["", "站点", "a\"b", "back\\slash", "line\nbreak\r\ttab", "\u{01}\u{1F}\u{08}\u{0C}", "a/b", "emoji 📡",
                          "'; DROP TABLE sites; --", "<script>alert(1)</script>", "\u{7F}\u{2028}"]

    /// A site state of every shape the writer knows, the `i`th of a series: optional fields there
    /// or not, hostile strings, whole and fractional coordinates, timelines of every length.
    static func state(_ i: Int, using rng: inout some RandomNumberGenerator) -> SiteState {
        let text = strings[i % strings.count]
        let key = SiteKey(operator: Operator.allCases[i % 5], code: i % 3 == 0 ? text : "S\(i)")
        let lat = [29.5, 30.0, -0.000012, 106.123456789, Double(Int.random(in: -90...90, using: &rng)) + Double.random(in: 0..<1, using: &rng)][i % 5]
        let registration = SiteRegistration(site: key, regionCode: i % 4 == 0 ? text : "500101", name: text + "站", lat: lat, lon: 106.5 + Double(i) / 7,
                                            kind: SiteKind.allCases[i % SiteKind.allCases.count], band: i % 2 == 0 ? nil : text,
                                            host: Host.allCases[i % Host.allCases.count], resourceId: i % 5 == 0 ? text : nil,
                                            plannedOnAir: i % 3 == 0 ? nil : Instant(seconds: Int64(1_590_000_000 + i)),
                                            towerSiteCode: i % 6 == 1 ? "T\(i)" : nil, contractor: i % 8 == 3 ? text : nil)
        let steps = (0...(i % Stage.allCases.count)).map { TimelineStep(at: Instant(seconds: Int64(1_580_000_000 + $0 * 86_400)), stage: Stage.allCases[$0]) }
        return SiteState(registration: registration, registeredAt: Instant(seconds: 1_580_000_000), registeredRecordedAt: Instant(seconds: 1_580_000_100),
                         steps: steps, lastOccurredAt: i % 7 == 0 ? Ledger.noChangeYet : Instant(seconds: 1_590_000_000))
    }

    @Test func siteStatesAndStageEventsAreWrittenAsTheEncoderWritesThem() throws {
        var rng = SystemRandomNumberGenerator()
        let encoder = EventRow.encoder()
        for i in 0..<2_000 {
            let text = Self.strings[i % Self.strings.count]
            let state = Self.state(i, using: &rng)
            let key = state.registration.site
            let fast = FastJSON.siteState(state)
            #expect(fast == String(decoding: try encoder.encode(state), as: UTF8.self), "\(i)")
            #expect(try StoredJSON.decode(SiteState.self, fast) == state)
            for body in [EventBody.siteRegistered(state.registration),
                         .stageReported(site: key, stage: .installed, note: i % 2 == 0 ? nil : text),
                         .stageRolledBack(site: key, stage: .planned, reason: text)] {
                let payload = try FastJSON.payload(body, encoder: encoder)
                #expect(payload == String(decoding: try encoder.encode(body), as: UTF8.self), "\(i) \(body.kind)")
                #expect(try StoredJSON.decode(EventBody.self, payload) == body)
            }
        }
    }
}
