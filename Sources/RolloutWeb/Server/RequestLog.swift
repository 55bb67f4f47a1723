import Foundation
import HTTPTypes
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage
#if canImport(Glibc)
import Glibc
import NIOConcurrencyHelpers
#endif

/// Where the request log goes: one JSON line per request (route, status, duration, account,
/// request id), on standard output by default, for journald, a file or a log shipper to read.
public struct AccessLog: Sendable {
    let write: (@Sendable (String) -> Void)?

    /// Lines go to `write` (nil: no request log).
    public init(_ write: (@Sendable (String) -> Void)?) { self.write = write }

    /// Each line written to standard output in one `write(2)` (whole lines, even from several threads).
    /// Gathering lines and writing them in batches was measured slower (a lock every line, and a timer).
    public static let standardOutput = AccessLog { line in
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }

    /// No request log.
    public static let off = AccessLog(nil)
}

/// What the middlewares learn of one request on its way in, for the log line written on its way
/// out (a request's context is passed down by value; this box is shared).
public final class RequestFacts: Sendable {
    private let state = NIOLockedValueBox<(id: String, account: String?)>(("", nil))
    /// The request's id, as the `X-Request-Id` header returns it (empty until set).
    public var id: String { state.withLockedValue { $0.id } }
    var account: String? { state.withLockedValue { $0.account } }
    func set(id: String) { state.withLockedValue { $0.id = id } }
    func set(account: String) { state.withLockedValue { $0.account = account } }
}

/// Gives every request an id (the caller's `X-Request-Id` when it is a plain token, as a balancer
/// sets it; a new one otherwise), returns it in the `X-Request-Id` header, and writes the log line.
/// Behind a proxy it names the client as the proxy's `X-Forwarded-For` does, when the proxy is trusted.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = RolloutContext
    static let header = HTTPField.Name("X-Request-Id")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    let log: AccessLog
    var trustedProxies: Set<String> = []

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = request.headers[Self.header].flatMap(Self.accepted) ?? Self.newID()
        context.facts.set(id: id)
        if let peer = context.remoteAddress, trustedProxies.contains(peer), let forwarded = request.headers[Self.forwardedFor] {
            context.remoteAddress = Self.client(forwardedFor: forwarded, trusted: trustedProxies) ?? peer
        }
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            var response = try await next(request, context)
            response.headers[Self.header] = id
            write(request, context, status: response.status.code, start: start)
            return response
        } catch {
            write(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, start: start)
            throw error
        }
    }

    /// The client a chain of trusted proxies saw: the rightmost address of `X-Forwarded-For` that
    /// is not itself a trusted proxy (what lies left of it the client could have written).
    static func client(forwardedFor: String, trusted: Set<String>) -> String? {
        for part in forwardedFor.split(separator: ",").reversed() {
            let address = part.trimmingCharacters(in: .whitespaces)
            guard !address.isEmpty, address.count <= 45, address.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else { return nil }
            if !trusted.contains(address) { return address }
        }
        return nil
    }

    /// An incoming id is kept when it is 1–64 letters, digits, `-`, `_`, `.` or `:` (nothing a log reader could mistake).
    static func accepted(_ s: String) -> String? {
        guard (1...64).contains(s.utf8.count),
              s.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || [0x2D, 0x5F, 0x2E, 0x3A].contains($0) })
        else { return nil }
        return s
    }

    /// 16 hexadecimal digits.
    static func newID() -> String {
        let n = UInt64.random(in: 0...UInt64.max)
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    private func write(_ request: Request, _ context: Context, status: Int, start: UInt64) {
        guard let write = log.write else { return }
        let micros = (DispatchTime.now().uptimeNanoseconds - start) / 1_000
        var line = "{\"ts\":"
        JSONStringLiteral.write(Self.timestamp(), into: &line)
        line += ",\"request_id\":"
        JSONStringLiteral.write(context.facts.id, into: &line)
        line += ",\"method\":"
        JSONStringLiteral.write(request.method.rawValue, into: &line)
        line += ",\"route\":"
        JSONStringLiteral.write(context.endpointPath ?? "NotFound", into: &line)
        line += ",\"path\":"
        JSONStringLiteral.write(request.uri.path, into: &line)
        line += ",\"status\":\(status),\"duration_ms\":\(micros / 1_000)." + Self.padded(Int(micros % 1_000), 3) + ",\"account\":"
        if let account = context.facts.account { JSONStringLiteral.write(account, into: &line) } else { line += "null" }
        line += ",\"remote\":"
        if let remote = context.remoteAddress { JSONStringLiteral.write(remote, into: &line) } else { line += "null" }
        line += "}"
        write(line)
    }

    /// The wall-clock time in UTC, to the millisecond.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var t = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &t)
        // Foundation's String(format:) took a tenth of a /healthz request here.
        return padded(Int(t.tm_year) + 1900, 4) + "-" + padded(Int(t.tm_mon) + 1, 2) + "-" + padded(Int(t.tm_mday), 2) + "T"
            + padded(Int(t.tm_hour), 2) + ":" + padded(Int(t.tm_min), 2) + ":" + padded(Int(t.tm_sec), 2) + "."
            + padded(Int(now.tv_nsec / 1_000_000), 3) + "Z"
    }

    /// A whole number in at least `width` digits.
    static func padded(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

