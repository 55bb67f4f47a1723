import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// What the pages' handlers share: the context of a request (its language, its moment, who asks)
/// and the cached answer of a read-only page.
enum PageHandler {
    /// The context of a page read at the moment its address asks for (`as_of`, `known_at`), or
    /// now when `moment` is false (the pages whose forms change the present).
    static func context(_ request: Request, _ context: RolloutContext, service: CampaignService, moment asked: Bool = true) async throws -> PageContext {
        let (stored, moment) = try await service.moment(asOf: asked ? request.query("as_of") : nil, knownAt: asked ? request.query("known_at") : nil)
        return PageContext(request: request, context: context, stored: stored, moment: moment)
    }

    /// A read-only page, kept by the cache while the log does not change.
    static func cached(_ request: Request, _ context: RolloutContext, service: CampaignService, cache: ResponseCache,
                       render: @escaping @Sendable (PageContext) async throws -> HTML) async throws -> Response {
        let c = try await Self.context(request, context, service: service)
        return try await cache.respond(request, service: service, contentType: ResponseCache.html, variant: c.cacheVariant) {
            ByteBuffer(string: try await render(c).markup)
        }
    }
}
