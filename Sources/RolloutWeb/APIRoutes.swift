import Hummingbird
import RolloutCore
import RolloutStorage

/// The read API under `/api/v1`: every read takes `as_of` and `known_at`.
enum APIRoutes {
    static func add<Context: RequestContext>(to router: Router<Context>, service: CampaignService) {
        router.get("/healthz") { _, _ in
            try JSONResponse.ok(["status": "ok"])
        }
        let api = router.group("/api/v1")
        api.get("/summary") { request, _ in
            try JSONResponse.ok(try await service.summary(asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
        api.get("/regions") { request, _ in
            try JSONResponse.ok(try await service.regions(asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
        api.get("/sites") { request, _ in
            let query = try siteQuery(request)
            return try JSONResponse.ok(try await service.sites(query, asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
        api.get("/sites/:operator/:code") { request, context in
            let opText = try context.parameters.require("operator")
            guard let op = Operator(codeOrName: opText) else { throw RolloutError("unknown_operator", ["value": opText]) }
            let key = SiteKey(operator: op, code: try context.parameters.require("code"))
            return try JSONResponse.ok(try await service.site(key, asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
    }

    /// The filters and paging of a site list, checked.
    static func siteQuery(_ request: Request) throws -> SiteQuery {
        var q = SiteQuery()
        q.region = request.query("region")
        if let o = request.query("operator") {
            guard let op = Operator(codeOrName: o) else { throw RolloutError("unknown_operator", ["value": o]) }
            q.operator = op
        }
        if let s = request.query("stage") {
            guard let stage = Stage(codeOrName: s) else { throw RolloutError("unknown_stage", ["value": s]) }
            q.stage = stage
        }
        if let p = request.query("page") {
            guard let n = Int(p), n >= 1, n <= 1_000_000 else { throw RolloutError("bad_page", ["value": p]) }
            q.page = n
        }
        if let p = request.query("per_page") {
            guard let n = Int(p), (1...1000).contains(n) else { throw RolloutError("bad_page", ["value": p]) }
            q.perPage = n
        }
        return q
    }
}
