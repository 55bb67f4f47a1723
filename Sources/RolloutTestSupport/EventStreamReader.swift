import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A raw HTTP/1.1 reader of a server-sent event stream, for tests: it opens the stream on
/// loopback and reads what arrives until a text appears or time runs out.
public final class EventStreamReader: @unchecked Sendable {
    private let fd: Int32
    private var received = Data()

    /// Connects to `127.0.0.1:port` and asks for `path`.
    public init(port: Int, path: String = "/api/v1/events/stream", authorization: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        let auth = authorization.map { "Authorization: \($0)\r\n" } ?? ""
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\(auth)\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
    }

    /// Reads until `text` has arrived (true) or `seconds` have passed (false).
    ///
    /// It never blocks its thread: the server under test may be in the same process, needing the
    /// same few threads to answer.
    public func waitFor(_ text: String, seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !String(decoding: received, as: UTF8.self).contains(text) {
            if deadline.timeIntervalSinceNow <= 0 { return false }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 0) > 0 else {
                try? await Task.sleep(for: .milliseconds(10))
                continue
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return false }
            received.append(contentsOf: buffer[0..<n])
        }
        return true
    }

    /// Everything read so far.
    public var text: String { String(decoding: received, as: UTF8.self) }

    deinit { close(fd) }
}
