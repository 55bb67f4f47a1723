import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOConcurrencyHelpers
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutNotify
@testable import RolloutStorage
@testable import RolloutSQLStorage

/// Delivery to real receivers on loopback: an HTTP receiver that fails the first tries, two
/// deliverers on one database, a mail relay with STARTTLS and AUTH (aiosmtpd), and the failures a
/// wrong address or a refusing relay give.
@Suite(.serialized) struct NotificationDeliveryTests {
    static let day0 = ShanghaiCalendar.parseInstant("2020-05-01")!

    /// A clock the test moves.
    final class MovingClock: Sendable {
        let now: NIOLockedValueBox<Instant>
        init(_ start: Instant) { now = NIOLockedValueBox(start) }
        var clock: WallClock { WallClock { self.now.withLockedValue { $0 } } }
        func advance(_ seconds: Int64) { now.withLockedValue { $0 = $0.adding(seconds: seconds) } }
    }

    /// What an HTTP receiver saw.
    struct Hit: Sendable { var id: String; var path: String; var query: String; var body: Data }

    /// An HTTP receiver on loopback that answers 500 to its first `failFirst` requests, then as a
    /// robot that took the message; `body` runs with its port.
    static func withReceiver<T: Sendable>(failFirst: Int = 0, _ body: @escaping @Sendable (Int, NIOLockedValueBox<[Hit]>) async throws -> T) async throws -> T {
        let hits = NIOLockedValueBox<[Hit]>([])
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let data = try await request.body.collect(upTo: 1 << 20)
            let n = hits.withLockedValue {
                $0.append(Hit(id: request.headers[HTTPField.Name("X-Rollout-Message-Id")!] ?? "", path: request.uri.path,
                              query: request.uri.query ?? "", body: Data(buffer: data)))
                return $0.count
            }
            if n <= failFirst { return Response(status: .internalServerError) }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"errcode":0,"errmsg":"ok"}"#)))
        }
        router.post("/robot-error") { _, _ -> Response in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"errcode":310000,"errmsg":"keywords not in content"}"#)))
        }
        router.post("/gone") { _, _ -> Response in Response(status: .notFound) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let box = NIOLockedValueBox<T?>(nil)
        try await app.test(.live) { client in
            let result = try await body(try #require(client.port), hits)
            box.withLockedValue { $0 = result }
        }
        return box.withLockedValue { $0! }
    }

    static func setUp(_ store: SQLCampaignStore) async throws {
        try await store.createCampaign(Campaign(name: "c", start: day0, deadline: day0.adding(days: 60)), clock: nil,
                                       regions: ["500101", "500102"].map { Region(code: $0, nameZh: "区\($0)", nameEn: "D\($0)", kind: .district) },
                                       outlines: [:], now: day0)
    }

    static func openings(_ n: Int, from: Int = 0, at: Instant = day0) -> [NewEvent] {
        (from..<(from + n)).map { i in
            NewEvent(.obstacleOpened(ObstacleOpening(org: "cmcc", ref: "N\(i)", site: nil, regionCode: "500101", operator: .cmcc, category: .power,
                                                     responsible: nil, description: "第\(i)个 [问题](javascript:x) *粗*")),
                     occurredAt: at, recordedAt: at, actor: "t")
        }
    }

    static func subscription(_ channel: Subscription.Channel, digest: Bool = false, language: Language = .zh) -> Subscription {
        Subscription(id: 0, account: nil, scope: .city, topics: [.obstacleOpened, .bulletin], channel: channel, digest: digest, language: language,
                     createdAt: day0, createdBy: "t")
    }

    static func deliverer(_ store: SQLCampaignStore, _ clock: MovingClock, _ client: HTTPClientBox, smtp: SMTPSettings? = nil, name: String = "one") -> Deliverer {
        Deliverer(store: store, webhooks: WebhookSender(client: client.client, timeout: .seconds(120)), smtp: smtp.map(SMTPClient.init), baseURL: "https://rollout.example.cn/",
                  clock: clock.clock, claimant: name)
    }

    /// An HTTP client shut down after the test.
    /// (The receiver runs in this test process, which a loaded machine may starve for longer than
    /// production's 20 s: the tests wait two minutes for an answer.)
    final class HTTPClientBox: Sendable {
        let client = WebhookSender.makeClient(read: .seconds(120))
        func close() async { try? await client.shutdown() }
    }

    @Test func aReceiverThatFailsTwiceGetsTheMessageOnTheThirdTryWithOneId() async throws {
        try await Backend.sqlite.withStore { store, _ in
            try await Self.setUp(store)
            let http = HTTPClientBox()
            try await Self.withReceiver(failFirst: 2) { port, hits in
                _ = try await store.addSubscription(Self.subscription(.webhook(url: "http://127.0.0.1:\(port)/hook", format: .wecom, style: .markdown, secret: nil)))
                _ = try await store.append(Self.openings(1))
                let clock = MovingClock(Self.day0.adding(days: 1))
                let d = Self.deliverer(store, clock, http)
                #expect(try await d.deliverDue() == .init(claimed: 1, delivered: 0, failed: 1))
                // Not due again before its wait is over.
                clock.advance(29)
                #expect(try await d.deliverDue().claimed == 0)
                clock.advance(1)
                #expect(try await d.deliverDue() == .init(claimed: 1, delivered: 0, failed: 1))
                clock.advance(60)
                #expect(try await d.deliverDue() == .init(claimed: 1, delivered: 1, failed: 0))
                clock.advance(3_600)
                #expect(try await d.deliverDue().claimed == 0)
                let seen = hits.withLockedValue { $0 }
                #expect(seen.count == 3 && Set(seen.map(\.id)) == ["rollout-1"])
                let messages = try await store.outbox(subscription: nil, status: nil, limit: 10)
                #expect(messages.count == 1 && messages[0].status == .delivered && messages[0].attempts == 3 && messages[0].lastError == nil)
                // WeChat Work's Markdown: the reporter's words cannot make a link or bold text; the link is the platform's.
                let body = try #require(try JSONSerialization.jsonObject(with: seen[2].body) as? [String: Any])
                #expect(body["msgtype"] as? String == "markdown")
                let content = try #require((body["markdown"] as? [String: Any])?["content"] as? String)
                #expect(content.contains("\\[问题\\]\\(javascript:x\\) \\*粗\\*"))
                #expect(content.contains("[查看](https://rollout.example.cn/obstacles/cmcc/N0)"))
                #expect(content.contains("rollout-1") && content.contains("区500101"))
            }
            await http.close()
        }
    }

    @Test(arguments: Backend.available)
    func twoDeliverersOnOneDatabaseSendEachMessageOnce(backend: Backend) async throws {
        try await backend.withStore { store, url in
            try await Self.setUp(store)
            let other = try await SQLCampaignStore.open(url)
            let http = HTTPClientBox()
            try await Self.withReceiver { port, hits in
                _ = try await store.addSubscription(Self.subscription(.webhook(url: "http://127.0.0.1:\(port)/hook", format: .json, style: .markdown, secret: nil)))
                _ = try await store.append(Self.openings(60))
                let clock = MovingClock(Self.day0.adding(days: 1))
                let a = Self.deliverer(store, clock, http, name: "a"), b = Self.deliverer(other, clock, http, name: "b")
                async let ra = Self.drain(a)
                async let rb = Self.drain(b)
                var (na, nb) = try await (ra, rb)
                // A try that still got no answer in time is retried after its wait, as delivery does.
                for _ in 0..<10 where try await store.outboxCounts().values.first?.pending ?? 0 > 0 {
                    clock.advance(3_600)
                    na += try await Self.drain(a)
                }
                let seen = hits.withLockedValue { $0 }
                #expect(na + nb == 60 && Set(seen.map(\.id)).count == 60)
                #expect(try await store.outboxCounts().values.first == OutboxCounts(pending: 0, delivered: 60, failed: 0))
                // Each try reached the receiver once: two deliverers never held one message at once.
                let tries = try await store.outbox(subscription: nil, status: nil, limit: 100).map { ($0.messageId, $0.attempts) }
                let received = Dictionary(grouping: seen.map(\.id), by: { $0 }).mapValues(\.count)
                for (id, attempts) in tries { #expect((1...max(1, attempts)).contains(received[id] ?? 0), "\(id): \(received[id] ?? 0) requests, \(attempts) tries") }
                // Plain JSON: the event, its id, the link to its page.
                let json = try #require(try JSONSerialization.jsonObject(with: seen[0].body) as? [String: Any])
                let items = try #require(json["items"] as? [[String: Any]])
                #expect(json["id"] as? String == seen[0].id && items.count == 1 && items[0]["topic"] as? String == "obstacle_opened")
                #expect((items[0]["link"] as? String)?.hasPrefix("https://rollout.example.cn/obstacles/cmcc/N") == true)
            }
            await http.close()
            try await other.close()
        }
    }

    static func drain(_ d: Deliverer) async throws -> Int {
        var delivered = 0
        while true {
            let r = try await d.deliverDue(limit: 7)
            if r.claimed == 0 { return delivered }
            delivered += r.delivered
        }
    }

    @Test func aDailyDigestSendsADayInOneSignedDingTalkMessage() async throws {
        try await Backend.sqlite.withStore { store, _ in
            try await Self.setUp(store)
            let http = HTTPClientBox()
            try await Self.withReceiver { port, hits in
                let secret = "SEC000example"
                _ = try await store.addSubscription(Self.subscription(.webhook(url: "http://127.0.0.1:\(port)/hook?access_token=T", format: .dingtalk,
                                                                               style: .markdown, secret: secret), digest: true, language: .en))
                let evening = ShanghaiCalendar.parseInstant("2020-05-01T20:00:00+08:00")!
                _ = try await store.append(Self.openings(3, at: evening))
                _ = try await store.append(Self.openings(2, from: 3, at: evening.adding(seconds: 3_000)))
                _ = try await store.append(Self.openings(1, from: 5, at: evening.adding(seconds: 5 * 3_600)))  // 2 May
                let clock = MovingClock(ShanghaiCalendar.parseInstant("2020-05-02T07:59:00+08:00")!)
                let d = Self.deliverer(store, clock, http)
                #expect(try await d.deliverDue().claimed == 0)
                clock.advance(60)
                #expect(try await d.deliverDue() == .init(claimed: 1, delivered: 1, failed: 0))
                let seen = hits.withLockedValue { $0 }
                #expect(seen.count == 1)
                let body = try #require(try JSONSerialization.jsonObject(with: seen[0].body) as? [String: Any])
                let markdown = try #require(body["markdown"] as? [String: Any])
                #expect(markdown["title"] as? String == "Rollout 5G build-out digest (2020-05-01)")
                let text = try #require(markdown["text"] as? String)
                #expect(text.contains("5 items on 2020-05-01") && text.contains("N4") && !text.contains("N5"))
                // DingTalk's signature of the moment sent, against the same computation by Python's hmac.
                let millis = clock.now.withLockedValue { $0 }.seconds * 1000
                #expect(seen[0].query == "access_token=T&" + WebhookPayload.dingTalkSignature(secret: secret, millis: millis))
                #expect(WebhookPayload.dingTalkSignature(secret: secret, millis: 1_577_836_800_000)
                        == "timestamp=1577836800000&sign=hS7rqieS5mNji56zK%2Fdx0dHySmf9X9F8yvvFUdp9DEE%3D")
                // The second day's digest waits for the next morning.
                clock.advance(86_400)
                #expect(try await d.deliverDue().delivered == 1)
            }
            await http.close()
        }
    }

    @Test func wrongAddressesAndRobotErrorsAreRecordedWithTheirReason() async throws {
        try await Backend.sqlite.withStore { store, _ in
            try await Self.setUp(store)
            let http = HTTPClientBox()
            try await Self.withReceiver { port, _ in
                let closed = PlainHTTP.freePort()
                let gone = try await store.addSubscription(Self.subscription(.webhook(url: "http://127.0.0.1:\(port)/gone", format: .json, style: .markdown, secret: nil)))
                let robot = try await store.addSubscription(Self.subscription(.webhook(url: "http://127.0.0.1:\(port)/robot-error", format: .wecom, style: .text, secret: nil)))
                let nobody = try await store.addSubscription(Self.subscription(.webhook(url: "http://127.0.0.1:\(closed)/x", format: .json, style: .markdown, secret: nil)))
                let mail = try await store.addSubscription(Self.subscription(.email(address: "ops@example.cn")))
                _ = try await store.append(Self.openings(1))
                let clock = MovingClock(Self.day0.adding(days: 1))
                let round = try await Self.deliverer(store, clock, http).deliverDue()
                #expect(round == .init(claimed: 4, delivered: 0, failed: 4))
                let byId = Dictionary(uniqueKeysWithValues: try await store.outbox(subscription: nil, status: nil, limit: 10).map { ($0.subscription, $0) })
                #expect(byId[gone.id]?.status == .failed && byId[gone.id]?.lastError == "the receiver answered HTTP 404")
                #expect(byId[robot.id]?.status == .pending && byId[robot.id]?.lastError?.contains("310000") == true)
                #expect(byId[nobody.id]?.status == .pending && byId[nobody.id]?.lastError?.hasPrefix("cannot reach the receiver") == true)
                #expect(byId[mail.id]?.status == .pending && byId[mail.id]?.lastError == "no mail relay is configured (rollout serve --smtp)")
                // A subscription removed meanwhile: its message is given up on, not sent.
                _ = try await store.removeSubscription(robot.id, at: clock.now.withLockedValue { $0 })
                clock.advance(60)
                _ = try await Self.deliverer(store, clock, http).deliverDue()
                #expect(try await store.outbox(subscription: robot.id, status: nil, limit: 1).first?.status == .failed)
            }
            await http.close()
        }
    }

    @Test func aDigestTooLongForTheRobotSaysHowManyItLeftOut() throws {
        let facts = (0..<400).map { i in
            NotificationFact(topic: .obstacleOpened, seq: Int64(i + 1), occurredAt: Self.day0, actor: "t", region: "500101", operator: .cmcc,
                             org: "cmcc", ref: "R\(i)", category: .power, detail: String(repeating: "很长的描述", count: 20))
        }
        let message = OutboxMessage(id: 9, subscription: 1, digestDay: ShanghaiCalendar.day(of: Self.day0), status: .pending, attempts: 0,
                                    nextAttemptAt: Self.day0, createdAt: Self.day0, deliveredAt: nil, lastError: nil, facts: facts)
        let text = MessageText(message, language: .zh, regions: [:], baseURL: "https://x.cn")
        for (format, style, limit) in [(Subscription.Format.wecom, Subscription.Style.markdown, 4_096), (.wecom, .text, 2_048), (.dingtalk, .markdown, 20_000)] {
            let payload = try WebhookPayload(text, url: "https://x.cn/h", format: format, style: style, secret: nil, subscription: 1,
                                             digestDay: message.digestDay, nowMillis: 0)
            let body = try #require(try JSONSerialization.jsonObject(with: payload.body) as? [String: Any])
            let inner = try #require((body["markdown"] ?? body["text"]) as? [String: Any])
            let content = try #require((inner["content"] ?? inner["text"]) as? String)
            #expect(content.utf8.count <= limit, "\(format) \(style)")
            #expect(content.contains("条未列出") && content.contains("rollout-9"))
        }
    }

    /// A certificate for localhost made with openssl, in a folder of its own.
    static func certificate() async throws -> (cert: String, key: String)? {
        guard let openssl = ["/usr/bin/openssl", "/bin/openssl"].first(where: FileManager.default.isExecutableFile(atPath:)) else { return nil }
        let dir = NSTemporaryDirectory() + "rollout-smtp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let end = try await ChildProcess.run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem",
                                                 "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"])
        return end.status == 0 ? (dir + "/cert.pem", dir + "/key.pem") : nil
    }

    static let smtpPython = ProcessInfo.processInfo.environment["ROLLOUT_TEST_SMTP_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }

    @Test(.enabled(if: smtpPython != nil, "needs aiosmtpd (scripts/mail-sink, run by scripts/test)"))
    func eMailGoesThroughARelayWithSTARTTLSAndAUTHAndARefusalIsFinal() async throws {
        let python = try #require(Self.smtpPython)
        let (cert, key) = try #require(try await Self.certificate(), "openssl makes the relay's certificate")
        let port = PlainHTTP.freePort()
        let output = NSTemporaryDirectory() + "rollout-smtp-\(UUID().uuidString).jsonl"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [DeploymentTests.repository.appendingPathComponent("scripts/smtp-sink.py").path, String(port), output, cert, key, "rollout", "p@ss word"]
        let input = Pipe(), out = Pipe()
        process.standardInput = input
        process.standardOutput = out
        try process.run()
        defer { try? input.fileHandleForWriting.close(); process.waitUntilExit() }
        #expect(String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("ready"))
        try await Backend.sqlite.withStore { store, _ in
            try await Self.setUp(store)
            let http = HTTPClientBox()
            let ok = try await store.addSubscription(Self.subscription(.email(address: "ops@district.example.cn")))
            let refused = try await store.addSubscription(Self.subscription(.email(address: "refuse@district.example.cn")))
            _ = try await store.append(Self.openings(1))
            let clock = MovingClock(Self.day0.adding(days: 1))
            let settings = try SMTPSettings.parse("smtp://rollout:p%40ss%20word@localhost:\(port)?from=rollout@city.example.cn&ca=\(cert)")
            #expect(settings.security == .starttls && settings.password == "p@ss word")
            let round = try await Self.deliverer(store, clock, http, smtp: settings).deliverDue()
            #expect(round == .init(claimed: 2, delivered: 1, failed: 1))
            let byId = Dictionary(uniqueKeysWithValues: try await store.outbox(subscription: nil, status: nil, limit: 10).map { ($0.subscription, $0) })
            #expect(byId[ok.id]?.status == .delivered)
            #expect(byId[refused.id]?.status == .failed && byId[refused.id]?.lastError?.contains("550") == true)
            let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 1)
            let mail = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            #expect(mail["subject"] as? String == "Rollout 5G 建设提醒" && mail["tls"] as? Bool == true && mail["authenticated"] as? Bool == true)
            #expect(mail["id"] as? String == byId[ok.id]?.messageId && (mail["to"] as? [String]) == ["ops@district.example.cn"])
            #expect((mail["text"] as? String)?.contains("https://rollout.example.cn/obstacles/cmcc/N0") == true)
            // A wrong password is the relay's refusal, recorded; no password goes without TLS.
            let wrong = try SMTPSettings.parse("smtp://rollout:nope@localhost:\(port)?from=rollout@city.example.cn&ca=\(cert)")
            let failed = await SMTPClient(settings: wrong).send(to: "ops@district.example.cn", subject: "s", text: "t", messageId: "m", date: Self.day0)
            #expect(failed == .failed(reason: failed.reason, final: true) && failed.reason.contains("535"), "\(failed)")
            let clear = try SMTPSettings.parse("smtp://rollout:p@localhost:\(port)?from=rollout@city.example.cn&starttls=off")
            let refusedClear = await SMTPClient(settings: clear).send(to: "ops@district.example.cn", subject: "s", text: "t", messageId: "m", date: Self.day0)
            #expect(refusedClear.reason.contains("no password is sent without TLS"))
            // An untrusted certificate is refused (no CA given: the system's roots do not know it).
            let untrusted = try SMTPSettings.parse("smtp://rollout:p%40ss%20word@localhost:\(port)?from=rollout@city.example.cn")
            let tlsFailure = await SMTPClient(settings: untrusted).send(to: "ops@district.example.cn", subject: "s", text: "t", messageId: "m", date: Self.day0)
            #expect(tlsFailure != .delivered && !tlsFailure.reason.contains("no answer"), "\(tlsFailure)")
            await http.close()
        }
        for bad in ["smtp://host", "http://h?from=a@b.cn", "smtp://h?from=nobody", "smtp://u@h?from=a@b.cn", "smtp://h?from=a@b.cn&starttls=maybe"] {
            #expect(throws: RolloutError.self, "\(bad)") { try SMTPSettings.parse(bad) }
        }
    }
}

extension DeliveryOutcome {
    /// The reason of a failure ("" when delivered).
    var reason: String { if case .failed(let r, _) = self { r } else { "" } }
}
