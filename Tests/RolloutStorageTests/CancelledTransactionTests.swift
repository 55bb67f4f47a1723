import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutSQLStorage

/// Reads cancelled half-way (a request whose client went away) end their transaction: the
/// connections they held answer every later read and write.
@Suite struct CancelledTransactionTests {
    @Test(arguments: Backend.available)
    func aCancelledReadLeavesNoConnectionInsideATransaction(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            for round in 0..<40 {
                let reading = Task { for _ in 0..<200 { _ = try await store.lastSeq() } }
                try? await Task.sleep(for: .microseconds(200 * (round % 5 + 1)))
                reading.cancel()
                _ = try? await reading.value
            }
            // Every connection of the pool, many times over, and a write.
            for _ in 0..<64 { _ = try await store.lastSeq() }
            try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<16 { group.addTask { try await store.lastSeq() } }
                for try await _ in group {}
            }
            let day = DashboardReadsTests.at(1)
            #expect(try await store.append([NewEvent(.evidenceRuleSet(EvidenceRule()), occurredAt: day, recordedAt: day, actor: "o")]).applied == 1)
        }
    }
}
