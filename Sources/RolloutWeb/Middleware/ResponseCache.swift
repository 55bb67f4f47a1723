import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage
import NIOConcurrencyHelpers

/// The answers of the read routes, kept while the log does not change: the same address (with its
/// `as_of`, `known_at` and language) asked again gives the same bytes without reading the
/// projections. An entry lives at most ``lifetime`` (a read of "now" moves with the clock).
final class ResponseCache: Sendable {
    struct Entry { var seq: Int64; var made: ContinuousClock.Instant; var contentType: String; var body: ByteBuffer }

    static let lifetime: TimeInterval = 5
    static let capacity = 512
    private struct State {
        var done: [String: Entry] = [:]
        var running: [String: (seq: Int64, task: Task<ByteBuffer, any Error>)] = [:]
    }
    private let entries = NIOLockedValueBox(State())

    /// The cached answer to a GET, or `build`'s (kept when it succeeds). Requests for the same
    /// address that arrive while it is being built wait for that one build instead of each
    /// starting their own.
    ///
    /// `variant` keeps apart answers to the same address that differ by who asks (a page's header).
    func respond(_ request: Request, service: CampaignService, contentType: String, variant: String = "",
                 build: @escaping @Sendable () async throws -> ByteBuffer) async throws -> Response {
        let key = "\(request.language.rawValue) \(request.uri.path)?\(request.uri.query ?? "") \(variant)"
        let seq = try await service.currentSeq()
        let now = ContinuousClock.now
        enum Lookup { case hit(ByteBuffer), flight(Task<ByteBuffer, any Error>) }
        let lookup: Lookup = entries.withLockedValue { state in
            if let hit = state.done[key], hit.seq == seq, hit.made.duration(to: now) < .seconds(ResponseCache.lifetime) {
                return .hit(hit.body)
            }
            if let running = state.running[key], running.seq == seq { return .flight(running.task) }
            let task = Task { try await build() }
            state.running[key] = (seq, task)
            return .flight(task)
        }
        let flight: Task<ByteBuffer, any Error>
        switch lookup {
        case .hit(let body): return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: body))
        case .flight(let task): flight = task
        }
        do {
            let body = try await flight.value
            entries.withLockedValue { state in
                if state.running[key]?.seq == seq { state.running[key] = nil }
                if state.done[key]?.seq != seq || state.done[key]!.made < now {
                    if state.done.count >= ResponseCache.capacity { state.done.removeAll() }
                    state.done[key] = Entry(seq: seq, made: now, contentType: contentType, body: body)
                }
            }
            return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: body))
        } catch {
            entries.withLockedValue { if $0.running[key]?.seq == seq { $0.running[key] = nil } }
            throw error
        }
    }

    static let json = "application/json; charset=utf-8"
    static let html = "text/html; charset=utf-8"
}
