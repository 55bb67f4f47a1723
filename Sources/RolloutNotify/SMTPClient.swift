import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import RolloutCore
import RolloutStorage
import RolloutTexts

/// A small SMTP client on SwiftNIO and NIOSSL (no SMTP package is among this machine's): EHLO,
/// STARTTLS (or TLS from the start), AUTH PLAIN, one message to one recipient, QUIT. 30 s at most
/// for the whole conversation. Never sends a password over a connection without TLS.
public struct SMTPClient: Sendable {
    /// The relay.
    public let settings: SMTPSettings

    /// A client of a relay.
    public init(settings: SMTPSettings) { self.settings = settings }

    /// Sends one message; what the try came to. A 5xx answer is final (the relay refuses it for good).
    public func send(to address: String, subject: String, text: String, messageId: String, date: Instant) async -> DeliveryOutcome {
        do {
            try await withTimeout(seconds: 30) { try await self.conversation(to: address, subject: subject, text: text, messageId: messageId, date: date) }
            return .delivered
        } catch let refusal as SMTPRefusal {
            return .failed(reason: Catalogue.text("delivery_smtp_refused", .en, ["value": refusal.text]), final: refusal.code >= 500)
        } catch {
            return .failed(reason: Catalogue.text("delivery_unreachable", .en, ["value": String("\(error)".prefix(300))]), final: false)
        }
    }

    struct SMTPRefusal: Error { var code: Int; var text: String }

    private func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let ca = settings.caFile { configuration.trustRoots = .file(ca) }
        return try NIOSSLContext(configuration: configuration)
    }

    /// The name the certificate is checked against (none for an address: NIOSSL checks the address).
    private var serverName: String? {
        settings.host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } ? nil : settings.host
    }

    private func conversation(to address: String, subject: String, text: String, messageId: String, date: Instant) async throws {
        let settings = self.settings
        let context = try tlsContext()
        let name = serverName
        let tlsFirst = settings.security == .tls
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if tlsFirst { try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: name)) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let raw = channel.channel
        let upgrade: (@Sendable () async throws -> Void) = {
            try await raw.eventLoop.submit {
                try raw.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: name), position: .first)
            }.get()
        }
        try await channel.executeThenClose { inbound, outbound in
            var replies = ReplyReader(inbound.makeAsyncIterator())
            func expect(_ codes: ClosedRange<Int>) async throws -> [String] {
                let (code, lines) = try await replies.next()
                guard codes.contains(code) else { throw SMTPRefusal(code: code, text: "\(code) \(lines.joined(separator: " "))".prefix(300).description) }
                return lines
            }
            func command(_ line: String, _ codes: ClosedRange<Int>) async throws -> [String] {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                return try await expect(codes)
            }
            _ = try await expect(220...220)
            var features = try await command("EHLO rollout", 250...250)
            var secure = settings.security == .tls
            if settings.security == .starttls {
                guard features.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw SMTPRefusal(code: 530, text: "the relay offers no STARTTLS")
                }
                _ = try await command("STARTTLS", 220...220)
                try await upgrade()
                secure = true
                features = try await command("EHLO rollout", 250...250)
            }
            if let user = settings.username, let password = settings.password {
                guard secure else { throw SMTPRefusal(code: 530, text: "no password is sent without TLS") }
                let token = Data("\0\(user)\0\(password)".utf8).base64EncodedString()
                _ = try await command("AUTH PLAIN \(token)", 235...235)
            }
            _ = try await command("MAIL FROM:<\(settings.from)>", 250...250)
            _ = try await command("RCPT TO:<\(address)>", 250...251)
            _ = try await command("DATA", 354...354)
            let data = MailMessage.data(from: settings.from, to: address, subject: subject, text: text, messageId: messageId, date: date)
            _ = try await command(data + ".", 250...250)
            _ = try? await command("QUIT", 221...221)
        }
    }
}

/// Reads SMTP replies (`250-…` lines until `250 …`) from a stream of buffers.
struct ReplyReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending = ""

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

    mutating func line() async throws -> String {
        while true {
            if let r = pending.range(of: "\r\n") {
                let line = String(pending[..<r.lowerBound])
                pending = String(pending[r.upperBound...])
                return line
            }
            guard pending.utf8.count < 64 * 1024, var buffer = try await iterator.next() else {
                throw SMTPClient.SMTPRefusal(code: 421, text: "the relay closed the connection")
            }
            pending += buffer.readString(length: buffer.readableBytes) ?? ""
        }
    }

    mutating func next() async throws -> (Int, [String]) {
        var lines: [String] = []
        while true {
            let l = try await line()
            guard l.count >= 3, let code = Int(l.prefix(3)) else { throw SMTPClient.SMTPRefusal(code: 421, text: "unreadable reply: \(l.prefix(80))") }
            lines.append(String(l.dropFirst(4)))
            if l.count == 3 || l[l.index(l.startIndex, offsetBy: 3)] != "-" { return (code, lines) }
        }
    }
}

/// Runs `body`, throwing a timeout after `seconds`.
func withTimeout<T: Sendable>(seconds: Int64, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw SMTPClient.SMTPRefusal(code: 421, text: "no answer within \(seconds) s")
        }
        let first = try await group.next()!
        group.cancelAll()
        return first
    }
}
