import Foundation
import NIOConcurrencyHelpers
import RolloutCore
import RolloutStorage
@testable import RolloutSQLStorage
import RolloutTestSupport
import Testing

/// Two `rollout serve` processes on one PostgreSQL, each with its delivery service: what an import
/// from a third process raises reaches the receiver once per message, and again only for a try
/// whose answer did not come back (same id: delivery is at least once), never twice for one try.
@Suite(.serialized) struct NotificationInstancesTests {
    @Test(.enabled(if: Backend.available.contains(.postgres), "needs the test PostgreSQL (scripts/test starts it)"))
    func twoInstancesDeliverEachNotificationOnce() async throws {
        let rollout = try #require(RolloutExecutable.url).path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Backend.postgres.withEmptyDatabase { url in
            let database = url.description(withPassword: true)
            let initialised = try DeploymentTests.Child(rollout, ["init", "--database", database, "--name", "通知测试", "--start", "2020-01-01",
                                                                  "--deadline", "2020-06-30"], log: folder.appendingPathComponent("init.log"))
            await Program.exit(of: initialised.process)
            try #require(initialised.process.terminationStatus == 0, "\(initialised.output)")
            let account = try DeploymentTests.Child(rollout, ["account", "add", "yz", "--role", "district", "--region", "500103", "--database", database],
                                                    log: folder.appendingPathComponent("account.log"))
            await Program.exit(of: account.process)
            try await NotificationDeliveryTests.withReceiver { port, hits in
                let store = try await SQLCampaignStore.open(url)
                _ = try await store.addSubscription(Subscription(id: 0, account: nil, scope: .region("500103"), topics: [.obstacleOpened],
                                                                 channel: .webhook(url: "http://127.0.0.1:\(port)/hook", format: .json, style: .markdown, secret: nil),
                                                                 digest: false, language: .zh, createdAt: Instant(Date()), createdBy: "t"))
                try await store.close()
                let (a, b) = (PlainHTTP.freePort(), PlainHTTP.freePort())
                let instanceA = try DeploymentTests.Child(rollout, ["serve", "--database", database, "--port", "\(a)"], log: folder.appendingPathComponent("a.log"))
                let instanceB = try DeploymentTests.Child(rollout, ["serve", "--database", database, "--port", "\(b)"], log: folder.appendingPathComponent("b.log"))
                defer { instanceA.stop(); instanceB.stop() }
                #expect(try await instanceA.waitFor("http://127.0.0.1:\(a)"), "\(instanceA.output)")
                #expect(try await instanceB.waitFor("http://127.0.0.1:\(b)"), "\(instanceB.output)")
                // Three imports of 20 obstacles each, from a third process, while both instances deliver.
                for batch in 0..<3 {
                    let file = folder.appendingPathComponent("o\(batch).csv").path
                    let rows = (0..<20).map { "500103,power,无法接电 \(batch)-\($0),2020-05-01,B\(batch)-\($0)" }
                    try (["region_code,category,description,opened_at,ref"] + rows).joined(separator: "\r\n").write(toFile: file, atomically: true, encoding: .utf8)
                    let imported = try DeploymentTests.Child(rollout, ["import", "obstacles", file, "--as", "yz", "--database", database],
                                                             log: folder.appendingPathComponent("import\(batch).log"))
                    await Program.exit(of: imported.process)
                    #expect(imported.process.terminationStatus == 0, "\(imported.output)")
                }
                // Until the outbox says every message was delivered (a loaded machine is slow, not wrong) …
                let check = try await SQLCampaignStore.open(url)
                let asked = Date()
                while try await check.outboxCounts().values.first?.delivered != 60 && Date().timeIntervalSince(asked) < 300 {
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(try await check.outboxCounts().values.first == OutboxCounts(pending: 0, delivered: 60, failed: 0))
                // … then two more rounds of both services: a message sent twice would show now.
                try await Task.sleep(for: .seconds(5))
                let ids = hits.withLockedValue { $0 }.map(\.id)
                #expect(Set(ids).count == 60, "\(ids.count) requests, \(Set(ids).count) distinct")
                // A message reaches the receiver once per try and no more: a repeat only where a try's
                // answer did not come back in time (a starved machine), with the same id, so the
                // receiver drops it. Two instances holding one try would show as more requests than tries.
                let tries = try await check.read { db in
                    try await db.raw("SELECT id, attempts FROM notifications").all()
                        .map { ("rollout-\(try $0.int("id"))", Int(try $0.int("attempts"))) }
                }
                let received = Dictionary(grouping: ids, by: { $0 }).mapValues(\.count)
                for (id, attempts) in tries {
                    #expect((1...attempts).contains(received[id] ?? 0), "\(id): \(received[id] ?? 0) requests, \(attempts) tries")
                }
                let repeats = received.values.reduce(0) { $0 + $1 - 1 }
                if repeats > 0 { print("notifications: \(repeats) repeat(s), each after a try that got no answer in time") }
                // Both instances took part (each claims up to 50 a round, every two seconds).
                let claimants = try await check.read { db in
                    try await db.raw("SELECT COUNT(DISTINCT claimed_by) AS n FROM notifications").first()!.int("n")
                }
                print("notifications: 60 delivered by \(claimants) instance(s)")
                try await check.close()
            }
        }
    }
}
