import Foundation
import NIOConcurrencyHelpers
import Hummingbird
import HummingbirdTesting
import RolloutAccess
import RolloutCore
import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
import RolloutTestSupport
import Testing

/// `rollout serve --otlp-endpoint`: a request's trace (the request, the service's read, its SQL
/// transactions) reaches an OTLP/HTTP collector, here a route of a test server on loopback.
@Suite struct TracingTests {
    final class Received: Sendable {
        private let bodies = NIOLockedValueBox<[Data]>([])
        func append(_ d: Data) { bodies.withLockedValue { $0.append(d) } }
        /// Every span received, as the OTLP/JSON encoding writes it.
        var spans: [[String: Any]] {
            var out: [[String: Any]] = []
            for body in bodies.withLockedValue({ $0 }) {
                guard let root = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { continue }
                for resource in root["resourceSpans"] as? [[String: Any]] ?? [] {
                    for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] { out += scope["spans"] as? [[String: Any]] ?? [] }
                }
            }
            return out
        }
    }

    @Test func aRequestsTraceCoversTheRequestTheServiceAndItsSQL() async throws {
        let rollout = try #require(RolloutExecutable.url).path
        let received = Received()
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            received.append(Data(buffer: try await request.body.collect(upTo: 16 << 20)))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let collector = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await collector.test(.live) { client in
            let port = try #require(client.port)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-trace-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let db = "sqlite:\(folder.path)/r.sqlite"
            let initialised = try DeploymentTests.Child(rollout, ["init", "--database", db, "--name", "追踪", "--start", "2020-01-01", "--deadline", "2020-06-30"],
                                                        log: folder.appendingPathComponent("init.log"))
            await Program.exit(of: initialised.process)
            let store = try await SQLCampaignStore.open(try DatabaseURL(parsing: db))
            let accounts = AccountService(store: store, cost: 4, clock: .system)
            try await accounts.createAccount(Account(name: "office", role: .cityOffice, createdAt: Instant(Date())), password: "correct horse battery")
            let token = try await accounts.createToken(account: "office", label: "trace").token
            try await store.close()

            let serverPort = PlainHTTP.freePort()
            var environment = ProcessInfo.processInfo.environment
            environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json"
            environment["OTEL_BSP_SCHEDULE_DELAY"] = "100"
            let server = Process()
            server.executableURL = URL(fileURLWithPath: rollout)
            server.arguments = ["serve", "--database", db, "--port", "\(serverPort)", "--access-log", "off",
                                "--otlp-endpoint", "http://127.0.0.1:\(port)/v1/traces"]
            server.environment = environment
            let log = folder.appendingPathComponent("serve.log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            server.standardOutput = try FileHandle(forWritingTo: log)
            server.standardError = try FileHandle(forWritingTo: log)
            try server.run()
            defer { if server.isRunning { server.terminate(); server.waitUntilExit() } }
            let answered = try await DeploymentTests.blocking {
                let c = PlainHTTP(port: serverPort)
                for _ in 0..<1_200 {
                    if let r = try? c.send("GET", "/api/v1/summary?as_of=2020-03-01", headers: ["Authorization": "Bearer \(token)"]) { return r.status }
                    Thread.sleep(forTimeInterval: 0.05)
                }
                return 0
            }
            #expect(answered == 200, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            // The spans arrive in batches, a parent often in the batch after its children (it ends
            // last; the server's own background work adds spans too): wait for the service's read
            // and the request's span above it.
            let deadline = Date().addingTimeInterval(60)
            func arrived() -> Bool {
                let spans = received.spans
                guard let f = spans.first(where: { $0["name"] as? String == "service.figures" }), let up = f["parentSpanId"] as? String else { return false }
                return spans.contains { $0["spanId"] as? String == up }
            }
            while Date() < deadline && !arrived() { try await Task.sleep(for: .milliseconds(100)) }
            let spans = received.spans
            let byID = Dictionary(spans.map { ($0["spanId"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            let figures = try #require(spans.first { $0["name"] as? String == "service.figures" }, "\(spans.map { $0["name"] ?? "" })")
            // service.figures sits under the request's span, and SQL reads under it, in one trace.
            let parent = try #require(byID[figures["parentSpanId"] as? String ?? ""], "the service's span has no parent among \(spans.count) spans")
            #expect((parent["name"] as? String)?.contains("/api/v1/summary") == true, "\(parent["name"] ?? "")")
            let sql = spans.filter { $0["name"] as? String == "sql.read" && $0["parentSpanId"] as? String == figures["spanId"] as? String }
            #expect(!sql.isEmpty, "no SQL read under the service's span")
            #expect(sql.allSatisfy { $0["traceId"] as? String == parent["traceId"] as? String })
        }
    }
}
