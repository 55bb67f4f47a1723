import Crypto
import Foundation
import RolloutCore

/// The body (and address) of a webhook message in each format: a WeChat Work group robot's
/// (企业微信群机器人), a DingTalk robot's (钉钉自定义机器人, signed when it has a secret), or plain JSON.
public struct WebhookPayload: Sendable, Equatable {
    /// The address to POST to (a DingTalk robot's with its timestamp and signature).
    public var url: String
    /// The JSON body.
    public var body: Data

    /// The largest content the robots take, in UTF-8 bytes: WeChat Work's Markdown 4,096 and text
    /// 2,048; DingTalk's 20,000.
    static func limit(_ format: Subscription.Format, _ style: Subscription.Style) -> Int {
        switch (format, style) {
        case (.wecom, .markdown): 4_096
        case (.wecom, .text): 2_048
        default: 20_000
        }
    }

    /// The payload of a message for a webhook; `nowMillis` dates a DingTalk signature.
    public init(_ text: MessageText, url: String, format: Subscription.Format, style: Subscription.Style, secret: String?,
                subscription: Int64, digestDay: DayNumber?, nowMillis: Int64) throws {
        switch format {
        case .json:
            self.url = url
            body = try WebhookPayload.json(text, subscription: subscription, digestDay: digestDay)
        case .wecom, .dingtalk:
            let content = WebhookPayload.fitted(text, style: style, limit: WebhookPayload.limit(format, style))
            let object: [String: Any]
            switch (format, style) {
            case (.dingtalk, .markdown): object = ["msgtype": "markdown", "markdown": ["title": text.title, "text": content]]
            case (_, .markdown): object = ["msgtype": "markdown", "markdown": ["content": content]]
            case (_, .text): object = ["msgtype": "text", "text": ["content": content]]
            }
            body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            if format == .dingtalk, let secret {
                self.url = url + (url.contains("?") ? "&" : "?") + WebhookPayload.dingTalkSignature(secret: secret, millis: nowMillis)
            } else {
                self.url = url
            }
        }
    }

    /// `timestamp=…&sign=…` of DingTalk's signed robots: HMAC-SHA256 of "timestamp\nsecret" keyed
    /// by the secret, in Base64, percent-encoded.
    public static func dingTalkSignature(secret: String, millis: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(millis)\n\(secret)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        let base64 = Data(mac).base64EncodedString()
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "timestamp=\(millis)&sign=\(base64.addingPercentEncoding(withAllowedCharacters: allowed) ?? base64)"
    }

    /// The content cut to whole lines within the robot's limit, saying how many were left out.
    static func fitted(_ text: MessageText, style: Subscription.Style, limit: Int) -> String {
        func render(_ t: MessageText) -> String { style == .markdown ? t.markdown : t.plain }
        let full = render(text)
        guard full.utf8.count > limit else { return full }
        // The most lines that fit, found by halving (a digest can hold thousands).
        func cut(_ kept: Int) -> String {
            var t = text
            t.lines = Array(text.lines.prefix(kept))
            let more = text.lines.count - kept
            t.intro = [text.intro, text.language == .zh ? "（另有 \(more) 条未列出，请在平台查看）" : "(\(more) more not listed here: see the platform)"]
                .filter { !$0.isEmpty }.joined(separator: " ")
            return render(t)
        }
        var low = 0, high = text.lines.count - 1
        guard cut(0).utf8.count <= limit else { return String(decoding: Array(full.utf8.prefix(limit - 3)), as: UTF8.self) + "…" }
        while low < high {
            let mid = (low + high + 1) / 2
            if cut(mid).utf8.count <= limit { low = mid } else { high = mid - 1 }
        }
        return cut(low)
    }

    private struct JSONMessage: Encodable {
        struct Item: Encodable {
            var seq: Int64
            var topic: String
            var text: String
            var link: String
        }
        var id: String
        var subscription: Int64
        var digest_day: String?
        var language: String
        var title: String
        var items: [Item]
    }

    static func json(_ text: MessageText, subscription: Int64, digestDay: DayNumber?) throws -> Data {
        let message = JSONMessage(id: text.messageId, subscription: subscription, digest_day: digestDay.map(ShanghaiCalendar.dateString),
                                  language: text.language.rawValue, title: text.title,
                                  items: text.lines.map { JSONMessage.Item(seq: $0.seq, topic: $0.topic, text: $0.text, link: $0.link) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(message)
    }
}
