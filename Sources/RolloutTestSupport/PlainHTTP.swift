import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client on one keep-alive connection to loopback, for tests of servers in
/// other processes (several instances, a balancer): it reports what came back byte for byte, with
/// no redirect followed and no cookie kept behind the test's back. Run it off the cooperative pool.
public final class PlainHTTP: @unchecked Sendable {
    /// An answer as it came back.
    public struct Response: Sendable {
        /// The status code, e.g. 200.
        public var status: Int
        /// The header fields in the order received, names as written.
        public var headers: [(String, String)]
        /// The body's bytes.
        public var body: Data
        /// The body read as UTF-8 (invalid bytes replaced).
        public var text: String { String(decoding: body, as: UTF8.self) }
        /// The first header of that name (case ignored); nil when there is none.
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        /// `name=value` of each Set-Cookie.
        public var cookies: [String: String] {
            var out: [String: String] = [:]
            for (k, v) in headers where k.lowercased() == "set-cookie" {
                let pair = v.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                if pair.count == 2 { out[String(pair[0])] = String(pair[1]) }
            }
            return out
        }
    }

    /// The connection failed, or what came back is not an HTTP answer.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed, e.g. `connection closed` or `not an HTTP answer`.
        public var description: String
        /// The connection ended before any byte of an answer.
        var nothingReceived = false
    }

    private let port: Int
    private var fd: Int32 = -1
    private var buffer = Data()

    /// A client for a server on loopback at `port`; it connects on the first request.
    public init(port: Int) { self.port = port }
    deinit { if fd >= 0 { close(fd) } }

    /// A port nobody listens on now (bound and released).
    public static func freePort() -> Int {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        return Int(UInt16(bigEndian: a.sin_port))
    }

    private func connectIfNeeded() throws {
        guard fd < 0 else { return }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { reset(); throw Failure(description: "connect to \(port): \(String(cString: strerror(errno)))") }
    }

    private func reset() { if fd >= 0 { close(fd) }; fd = -1; buffer = Data() }

    /// How many requests were sent again on a new connection (see ``send(_:_:headers:body:)``).
    public private(set) var resent = 0

    /// Sends one request and reads its whole answer; a failure closes the connection (the next
    /// request opens another). As browsers and curl do (RFC 9112, 9.3.1), a GET or HEAD sent on a
    /// kept-alive connection that the other side closed before answering a byte is sent once more
    /// on a new connection: the server closed it between two requests, and never saw this one.
    public func send(_ method: String, _ path: String, headers: [String: String] = [:], body: Data = Data()) throws -> Response {
        let reused = fd >= 0
        do {
            return try attempt(method, path, headers: headers, body: body)
        } catch let failure as Failure where reused && failure.nothingReceived && (method == "GET" || method == "HEAD") {
            resent += 1
            return try attempt(method, path, headers: headers, body: body)
        }
    }

    private func attempt(_ method: String, _ path: String, headers: [String: String], body: Data) throws -> Response {
        do {
            try connectIfNeeded()
            var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
            for (k, v) in headers { head += "\(k): \(v)\r\n" }
            if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
            let bytes = Data((head + "\r\n").utf8) + body
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    guard n > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
                    offset += n
                }
            }
            let response = try readResponse(head: method == "HEAD")
            if response.header("Connection")?.lowercased() == "close" { reset() }
            return response
        } catch {
            reset()
            throw error
        }
    }

    private func fill(answerStarted: Bool = true) throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n > 0 else {
            let closed = n == 0 || errno == ECONNRESET
            throw Failure(description: n == 0 ? "connection closed" : "recv: \(String(cString: strerror(errno)))", nothingReceived: closed && !answerStarted)
        }
        buffer.append(contentsOf: chunk[0..<n])
    }

    private func line(first: Bool = false) throws -> String {
        while true {
            if let r = buffer.firstRange(of: Data("\r\n".utf8)) {
                let s = String(decoding: buffer[buffer.startIndex..<r.lowerBound], as: UTF8.self)
                buffer = Data(buffer[r.upperBound...])
                return s
            }
            try fill(answerStarted: !(first && buffer.isEmpty))
        }
    }

    private func take(_ count: Int) throws -> Data {
        while buffer.count < count { try fill() }
        let out = Data(buffer.prefix(count))
        buffer = Data(buffer.dropFirst(count))
        return out
    }

    private func readResponse(head: Bool) throws -> Response {
        let status = try line(first: true).split(separator: " ")
        guard status.count >= 2, let code = Int(status[1]) else { throw Failure(description: "not an HTTP answer") }
        var headers: [(String, String)] = []
        while true {
            let l = try line()
            if l.isEmpty { break }
            if let colon = l.firstIndex(of: ":") {
                headers.append((String(l[..<colon]), l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        var response = Response(status: code, headers: headers, body: Data())
        if head || code == 204 || code == 304 { return response }
        if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while true {
                let size = Int(try line().split(separator: ";")[0], radix: 16) ?? 0
                if size == 0 { _ = try line(); break }
                response.body += try take(size)
                _ = try line()
            }
        } else {
            response.body = try take(Int(response.header("Content-Length") ?? "0") ?? 0)
        }
        return response
    }
}
