import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// The answers of the read routes, kept while the log does not change: the same address (with its
/// `as_of`, `known_at` and language) asked again gives the same bytes without reading the
/// projections. An entry lives at most ``lifetime`` (a read of "now" moves with the clock).
final class ResponseCache: Sendable {
    struct Entry { var seq: Int64; var made: Date; var contentType: String; var body: ByteBuffer }

    static let lifetime: TimeInterval = 5
    static let capacity = 512
    private let entries = Locked<[String: Entry]>([:])

    /// The cached answer to a GET, or `build`'s (kept when it succeeds).
    func respond(_ request: Request, service: CampaignService, contentType: String,
                 build: () async throws -> ByteBuffer) async throws -> Response {
        let key = "\(request.language.rawValue) \(request.uri.path)?\(request.uri.query ?? "")"
        let seq = try await service.store.currentSeq()
        let now = Date()
        if let hit = entries.withLock({ $0[key] }), hit.seq == seq, now.timeIntervalSince(hit.made) < ResponseCache.lifetime {
            return Response(status: .ok, headers: [.contentType: hit.contentType], body: .init(byteBuffer: hit.body))
        }
        let body = try await build()
        entries.withLock { e in
            if e.count >= ResponseCache.capacity { e.removeAll() }
            e[key] = Entry(seq: seq, made: now, contentType: contentType, body: body)
        }
        return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: body))
    }

    static let json = "application/json; charset=utf-8"
    static let html = "text/html; charset=utf-8"
}
