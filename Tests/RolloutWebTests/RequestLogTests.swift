import Foundation
import NIOConcurrencyHelpers
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
import RolloutTestSupport
import Testing
@testable import RolloutWeb

/// The request log: one JSON line per request, the request's id returned in a header and shown
/// on error answers, the account that asked.
@Suite struct RequestLogTests {
    final class Lines: Sendable {
        private let lines = NIOLockedValueBox<[String]>([])
        func append(_ s: String) { lines.withLockedValue { $0.append(s) } }
        var all: [String] { lines.withLockedValue { $0 } }
        /// The lines read back as JSON objects (a line that is not one fails the test).
        func objects() throws -> [[String: Any]] {
            try all.map { line in
                #expect(!line.contains("\n"))
                return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            }
        }
    }

    @Test func everyRequestIsOneJSONLineWithItsIdRouteStatusAndAccount() async throws {
        let service = try await DemoFixture.shared.service()
        let lines = Lines()
        let app = Application(router: buildRouter(service: service, accessLog: AccessLog { lines.append($0) }))
        try await app.test(.router) { base in
            let client = try await TestAccess.client(base, service.store)
            var ids: [String] = []
            try await client.execute(uri: "/api/v1/summary?as_of=2020-06-10", method: .get) { response in
                #expect(response.status == .ok)
                let id = try #require(response.headers[RequestLogMiddleware.header])
                #expect(id.count == 16 && id.allSatisfy(\.isHexDigit))
                ids.append(id)
            }
            // A balancer's id is kept; one that could break a log line is replaced.
            try await base.execute(uri: "/healthz", method: .get, headers: [RequestLogMiddleware.header: "lb-7f.3:1"]) { response in
                #expect(response.headers[RequestLogMiddleware.header] == "lb-7f.3:1")
                ids.append("lb-7f.3:1")
            }
            try await base.execute(uri: "/healthz", method: .get, headers: [RequestLogMiddleware.header: "x\"}\n{\"status\":1"]) { response in
                let id = try #require(response.headers[RequestLogMiddleware.header])
                #expect(id.count == 16 && id.allSatisfy(\.isHexDigit))
                ids.append(id)
            }
            // An error answer carries the id: in the API's JSON, and on the page.
            try await client.execute(uri: "/api/v1/regions/999999?as_of=2020-06-10", method: .get, headers: [.acceptLanguage: "en"]) { response in
                let id = try #require(response.headers[RequestLogMiddleware.header])
                let body = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                let error = try #require(body["error"] as? [String: Any])
                #expect(error["code"] as? String == "not_found" && error["request_id"] as? String == id, "\(body)")
                ids.append(id)
            }
            try await client.execute(uri: "/regions/999999?lang=zh", method: .get, headers: [RequestLogMiddleware.header: "page-err-1"]) { response in
                #expect(String(buffer: response.body).contains("请求编号：page-err-1"), "\(String(buffer: response.body))")
                ids.append("page-err-1")
            }
            // A path with a quote and a line break (sent encoded, logged as sent) stays one line.
            try await base.execute(uri: "/api/v1/x%22%0A%7B", method: .get) { _ in ids.append("") }

            let logged = try lines.objects()
            try #require(logged.count == ids.count, "\(lines.all)")
            #expect(logged.map { $0["request_id"] as? String }.dropLast() == ids.dropLast().map { Optional($0) })
            #expect(logged[0]["route"] as? String == "/api/v1/summary" && logged[0]["status"] as? Int == 200)
            #expect(logged[0]["account"] as? String == client.account && logged[0]["method"] as? String == "GET")
            #expect(logged[1]["account"] is NSNull && logged[1]["route"] as? String == "/healthz")
            #expect(logged[3]["status"] as? Int == 404 && logged[3]["account"] as? String == client.account)
            #expect(logged[4]["route"] as? String == "/regions/{code}" && logged[4]["status"] as? Int == 404)
            #expect(logged[5]["path"] as? String == "/api/v1/x%22%0A%7B" && logged[5]["status"] as? Int == 401, "\(logged[5])")
            for line in logged {
                let ms = try #require(line["duration_ms"] as? Double)
                #expect(ms >= 0 && ms.isFinite)
                #expect((line["ts"] as? String)?.hasSuffix("Z") == true)
            }
        }
    }
}

@Suite struct ForwardedForTests {
    @Test func theClientIsTheRightmostAddressNoTrustedProxyWrote() {
        let trusted: Set<String> = ["127.0.0.1", "10.0.0.2"]
        #expect(RequestLogMiddleware.client(forwardedFor: "203.0.113.7", trusted: trusted) == "203.0.113.7")
        // What the client wrote itself lies to the left of what the proxies added.
        #expect(RequestLogMiddleware.client(forwardedFor: "1.2.3.4, 203.0.113.7, 10.0.0.2", trusted: trusted) == "203.0.113.7")
        #expect(RequestLogMiddleware.client(forwardedFor: "2001:db8::1", trusted: trusted) == "2001:db8::1")
        // Nothing usable: the peer stays the address.
        #expect(RequestLogMiddleware.client(forwardedFor: "127.0.0.1", trusted: trusted) == nil)
        #expect(RequestLogMiddleware.client(forwardedFor: "<script>, 10.0.0.2", trusted: trusted) == nil)
        #expect(RequestLogMiddleware.client(forwardedFor: "", trusted: trusted) == nil)
    }
}

@Suite struct MetricsTests {
    /// The value of the first sample of `/metrics` whose line starts with `prefix`.
    static func sample(_ text: String, _ prefix: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }

    @Test func metricsShowTheLogTheDatabaseItsWaitsAndImportDurations() async throws {
        let service = try await DemoFixture.shared.service()
        let app = Application(router: buildRouter(service: service))
        try await app.test(.router) { base in
            let client = try await TestAccess.client(base, service.store)
            let csv = "site_code,operator,stage,occurred_at\nNO-SUCH,cmcc,on_air,2020-05-01\n"
            try await client.execute(uri: "/api/v1/imports/progress", method: .post, headers: [.contentType: "text/csv"],
                                     body: ByteBuffer(string: csv)) { response in #expect(response.status == .unprocessableContent) }
            let before = try await service.store.lastSeq()
            let text = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            let after = try await service.store.lastSeq()
            let seq = try #require(Self.sample(text, "rollout_event_log_last_seq"), "\(text.prefix(2000))")
            #expect(seq >= Double(before) && seq <= Double(after))
            #expect((Self.sample(text, "rollout_database_bytes") ?? 0) > 1_000_000)
            #expect((Self.sample(text, #"rollout_import_duration_seconds_count{kind="progress",outcome="rejected"}"#) ?? 0) >= 1, "\(text.prefix(3000))")
            #expect((Self.sample(text, #"rollout_db_wait_seconds_count{engine="sqlite",kind="read"}"#) ?? 0) >= 1)
            #expect(text.contains(#"rollout_db_wait_seconds_bucket{engine="sqlite",kind="read",le="#))
        }
    }
}
