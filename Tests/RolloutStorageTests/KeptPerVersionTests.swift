import NIOConcurrencyHelpers
import Testing
@testable import RolloutApplication

/// A value made once per version: callers asking at once share one making, a failed making is not
/// kept, an older version's making does not replace a newer value, and a new version is made from
/// the one kept before.
@Suite struct KeptPerVersionTests {
    struct Boom: Error {}

    @Test func callersAtOnceShareOneMakingAndAFailureIsNotKept() async throws {
        let kept = KeptPerVersion<Int, String>()
        let makings = NIOLockedValueBox(0)
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await kept.value(at: 1) { _ in
                        makings.withLockedValue { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(50))
                        return "v1"
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values == Array(repeating: "v1", count: 20))
        #expect(makings.withLockedValue { $0 } == 1)
        // Kept: asked again, not made again.
        #expect(try await kept.value(at: 1) { _ in "again" } == "v1")
        // A newer version is made from the one kept; a failure leaves it unmade.
        await #expect(throws: Boom.self) { try await kept.value(at: 2) { _ in throw Boom() } }
        #expect(try await kept.value(at: 2) { previous in "\(previous?.value ?? "-")+v2" } == "v1+v2")
        // An older version's value is given to its caller but does not replace the newer one kept.
        #expect(try await kept.value(at: 1) { _ in "old" } == "old")
        #expect(try await kept.value(at: 2) { _ in "made again" } == "v1+v2")
    }
}
