import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// The read API under `/api/v1`: every read takes `as_of` and `known_at`.
enum APIRoutes {
    static func add(to router: Router<RolloutContext>, service: CampaignService, cache: ResponseCache) {
        router.on(.healthz) { _, _ in
            try JSONResponse.ok(["status": "ok"])
        }
        // Readiness, for a balancer: 200 while the database answers a read, else 503 (`database_not_ready`).
        router.on(.readyz) { _, _ in
            try await service.checkReady()
            return try JSONResponse.ok(["status": "ready"])
        }
        router.on(.apiSummary) { request, _ in
            try await cache.respond(request, service: service, contentType: ResponseCache.json) {
                try JSONResponse.bytes(try await service.summary(asOf: request.query("as_of"), knownAt: request.query("known_at")))
            }
        }
        router.on(.apiRegions) { request, _ in
            try await cache.respond(request, service: service, contentType: ResponseCache.json) {
                try JSONResponse.bytes(try await service.regions(asOf: request.query("as_of"), knownAt: request.query("known_at")))
            }
        }
        router.on(.apiSites) { request, _ in
            let query = try siteQuery(request)
            return try JSONResponse.ok(try await service.sites(query, asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
        router.on(.apiObstacles) { request, _ in
            let query = try obstacleQuery(request)
            return try await cache.respond(request, service: service, contentType: ResponseCache.json) {
                try JSONResponse.bytes(try await service.obstacles(query, asOf: request.query("as_of"), knownAt: request.query("known_at")))
            }
        }
        router.on(.apiLateSites) { request, _ in
            let op = try request.query("operator").map(checkedOperator)
            let limit = try request.query("limit").map { try bounded($0, 1...1000) } ?? 100
            return try await cache.respond(request, service: service, contentType: ResponseCache.json) {
                try JSONResponse.bytes(try await service.lateSites(region: request.query("region"), operator: op, limit: limit,
                                                                   asOf: request.query("as_of"), knownAt: request.query("known_at")))
            }
        }
        router.on(.apiProgress) { request, _ in
            let op = try request.query("operator").map(checkedOperator)
            let (stored, moment) = try await service.moment(asOf: request.query("as_of"), knownAt: request.query("known_at"))
            return try await cache.respond(request, service: service, contentType: ResponseCache.json) {
                try JSONResponse.bytes(try await service.progressByDay(region: request.query("region"), operator: op, stored.campaign, at: moment))
            }
        }
        router.on(.apiSite) { request, context in
            let opText = try context.parameters.require("operator")
            guard let op = Operator(codeOrName: opText) else { throw RolloutError("unknown_operator", ["value": opText]) }
            let key = SiteKey(operator: op, code: try context.parameters.require("code"))
            return try JSONResponse.ok(try await service.site(key, asOf: request.query("as_of"), knownAt: request.query("known_at")))
        }
    }

    /// `GET /api/v1/sites/{operator}/{code}/matches?radius_m=&limit=`: resources a planned site could share.
    static func addMatches(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.apiSiteMatches) { request, context in
            let op = try checkedOperator(try context.parameters.require("operator"))
            let key = SiteKey(operator: op, code: try context.parameters.require("code"))
            let radius = try request.query("radius_m").map { text -> Double in
                guard let r = Double(text) else { throw RolloutError("bad_radius", ["value": text]) }
                return r
            } ?? SitePage.matchRadius
            let limit = try request.query("limit").map { try bounded($0, 1...100) } ?? 10
            return try JSONResponse.ok(try await service.matches(for: key, radius: radius, limit: limit, asOf: request.query("as_of")))
        }
    }

    static func checkedOperator(_ text: String) throws -> Operator {
        guard let op = Operator(codeOrName: text) else { throw RolloutError("unknown_operator", ["value": text]) }
        return op
    }

    static func bounded(_ text: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let n = Int(text), range.contains(n) else { throw RolloutError("bad_page", ["value": text]) }
        return n
    }

    /// The filters and paging of an obstacle list, checked.
    static func obstacleQuery(_ request: Request) throws -> ObstacleQuery {
        var q = ObstacleQuery()
        q.region = request.query("region")
        q.operator = try request.query("operator").map(checkedOperator)
        if let c = request.query("category") {
            guard let category = ObstacleCategory(codeOrName: c) else { throw RolloutError("unknown_category", ["value": c]) }
            q.category = category
        }
        if let s = request.query("status") {
            guard let status = ObstacleQuery.Status(rawValue: s) else { throw RolloutError("bad_status", ["value": s]) }
            q.status = status
        }
        q.minAgeDays = try request.query("min_age_days").map { try bounded($0, 0...100_000) }
        if let u = request.query("unit") {
            guard Dispatch.isUnit(u) else { throw RolloutError("unknown_unit", ["value": u]) }
            q.unit = u
        }
        if let o = request.query("overdue") {
            guard let b = Bool(o) else { throw RolloutError("bad_overdue", ["value": o]) }
            q.overdue = b
        }
        q.page = try request.query("page").map { try bounded($0, 1...1_000_000) } ?? 1
        q.perPage = try request.query("per_page").map { try bounded($0, 1...1000) } ?? 50
        return q
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
