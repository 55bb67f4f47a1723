import Hummingbird
import RolloutCore

/// Caps the body of every request that may carry one: an import's at ``Limits/importBodyBytes``,
/// a photo's at ``Limits/photoBytes`` (a page's form of photos at ``Limits/photoFormBytes``), any other's (forms, JSON) at ``Limits/formBodyBytes``. A declared length over the cap is
/// refused before anything is read; a body sent without a length is counted as it streams and
/// cut off at the cap. Either way the answer is 413 with the error in the caller's language.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limits: Limits

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method) else { return try await next(request, context) }
        let path = request.uri.path
        let limit = path.hasPrefix("/api/v1/imports/") ? limits.importBodyBytes
            : !path.hasSuffix("/evidence") ? limits.formBodyBytes
            : path.hasPrefix("/api/") ? limits.photoBytes : limits.photoFormBytes
        let tooLarge = RolloutError("request_too_large", kind: .tooLarge, ["value": "\(limit)"])
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw tooLarge }
        var request = request
        request.body = RequestBody(asyncSequence: CappedBody(base: request.body, limit: limit, error: tooLarge))
        return try await next(request, context)
    }
}

/// A request body that throws once more than `limit` bytes have come.
struct CappedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let limit: Int
    let error: RolloutError

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        let error: RolloutError
        var seen = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            seen += buffer.readableBytes
            if seen > limit { throw error }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), limit: limit, error: error) }
}
