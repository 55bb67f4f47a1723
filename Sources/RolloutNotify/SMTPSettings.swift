import Foundation
import RolloutCore

/// The city's mail relay, as `rollout serve --smtp` gives it:
/// `smtp://[USER:PASSWORD@]HOST[:PORT]?from=ADDRESS[&starttls=required|off][&ca=PEM]` (STARTTLS on
/// port 587 by default; required unless `off`), or `smtps://…` (TLS from the start, port 465).
public struct SMTPSettings: Sendable, Equatable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Equatable { case starttls, tls, none }

    /// The relay's host.
    public var host: String
    /// Its port.
    public var port: Int
    /// STARTTLS, TLS from the start, or none (loopback relays only).
    public var security: Security
    /// The user and password to AUTH with, if any (never sent without TLS).
    public var username: String?
    /// The password.
    public var password: String?
    /// The sender address.
    public var from: String
    /// A PEM file of the certificate authority to trust instead of the system's (a city's own CA).
    public var caFile: String?

    /// A relay's settings.
    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, from: String, caFile: String? = nil) {
        self.host = host; self.port = port; self.security = security; self.username = username; self.password = password
        self.from = from; self.caFile = caFile
    }

    /// Parses the `--smtp` address; throws `bad_smtp_url`.
    public static func parse(_ text: String) throws -> SMTPSettings {
        func bad() -> RolloutError { RolloutError("bad_smtp_url", ["value": String(text.prefix(120)).replacingOccurrences(of: "@", with: " @ ")]) }
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
              let host = c.host, !host.isEmpty else { throw bad() }
        let query = Dictionary((c.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
        guard let rawFrom = query["from"], let from = try? Subscription.checkedEmail(rawFrom) else { throw bad() }
        let security: Security
        if scheme == "smtps" {
            security = .tls
        } else {
            switch query["starttls"] ?? "required" {
            case "required": security = .starttls
            case "off": security = .none
            default: throw bad()
            }
        }
        let user = c.user?.removingPercentEncoding, password = c.password?.removingPercentEncoding
        if (user == nil) != (password == nil) { throw bad() }
        return SMTPSettings(host: host, port: c.port ?? (security == .tls ? 465 : security == .starttls ? 587 : 25), security: security,
                            username: user, password: password, from: from, caFile: query["ca"].flatMap { $0.isEmpty ? nil : $0 })
    }
}
