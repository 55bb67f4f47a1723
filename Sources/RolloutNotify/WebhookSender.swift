import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import RolloutCore
import RolloutStorage
import RolloutTexts

/// Sends webhook messages over HTTP(S) with AsyncHTTPClient: no redirects followed, 20 s at most a
/// try, every request carrying the message's stable id (`X-Rollout-Message-Id`).
public struct WebhookSender: Sendable {
    let client: HTTPClient
    /// How long a try may take before it counts as failed (20 s; the tests' in-process receiver, on
    /// a starved machine, is given longer).
    let timeout: TimeAmount

    /// A sender on a client of its own.
    public init(client: HTTPClient, timeout: TimeAmount = .seconds(20)) { self.client = client; self.timeout = timeout }

    /// A client for webhooks: no redirects, a 3 s connect timeout, `read` to wait for an answer.
    public static func makeClient(read: TimeAmount = .seconds(20)) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(3), read: read))
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Posts a payload; what the try came to, with the reason in the recording language (English)
    /// when it failed. A 4xx other than 408 and 429 is final (the address or the robot is wrong).
    public func send(_ payload: WebhookPayload, messageId: String, format: Subscription.Format) async -> DeliveryOutcome {
        do {
            var request = HTTPClientRequest(url: payload.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.headers.add(name: "User-Agent", value: "Rollout")
            request.headers.add(name: "X-Rollout-Message-Id", value: messageId)
            request.body = .bytes(ByteBuffer(data: payload.body))
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                let final = (400..<500).contains(status) && status != 408 && status != 429
                return .failed(reason: Catalogue.text("delivery_http_status", .en, ["value": String(status)]), final: final)
            }
            if format != .json {
                // The robots answer 200 with an error code of their own (errcode 0: taken).
                let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
                let code = (object?["errcode"] as? NSNumber)?.intValue
                if code != 0 {
                    let text = "\(code.map(String.init) ?? "?") \((object?["errmsg"] as? String) ?? "")"
                    return .failed(reason: Catalogue.text("delivery_robot_error", .en, ["value": String(text.prefix(200))]), final: false)
                }
            }
            return .delivered
        } catch {
            return .failed(reason: Catalogue.text("delivery_unreachable", .en, ["value": String("\(error)".prefix(300))]), final: false)
        }
    }
}
