import RolloutCore

/// What each route needs, in one table: the access middleware looks every request up here and
/// refuses a route that is not listed (a route added without a line here is closed to everyone,
/// and a test fails).
enum RoutePolicy {
    static let needs: [String: Need] = [
        "GET /healthz": .open,
        "GET /metrics": .metrics,
        "GET /signin": .open,
        "POST /signin": .open,
        "POST /signout": .signedIn,
        "GET /assets/live.js": .open,
        "GET /assets/live-worker.js": .open,
        "GET /api/v1/openapi.json": .open,
        // Pages
        "GET /": .readFigures,
        "GET /regions/{code}": .readFigures,
        "GET /operators/{operator}": .readRecords,
        "GET /sites/{operator}/{code}": .readRecords,
        "GET /obstacles/{org}/{ref}/escalate": .escalate,
        "POST /obstacles/{org}/{ref}/escalate": .escalate,
        "GET /obstacles/{org}/{ref}": .readRecords,
        "POST /obstacles/{org}/{ref}/action": .handleObstacles,
        "GET /dispatch": .readRecords,
        "POST /dispatch": .editRouting,
        "GET /units/{unit}": .readRecords,
        "GET /accounts": .manageAccounts,
        "GET /accounts/{name}": .signedIn,
        "GET /quota": .moveQuota,
        "POST /quota": .moveQuota,
        "GET /bulletins": .readFigures,
        "POST /bulletins": .issueBulletin,
        "GET /supervision": .readFigures,
        "POST /supervision": .supervise,
        "GET /sharing": .signedIn,
        "POST /sharing": .shareResources,
        // API
        "GET /api/v1/summary": .readFigures,
        "GET /api/v1/regions": .readFigures,
        "GET /api/v1/progress": .readFigures,
        "GET /api/v1/events/stream": .readFigures,
        "GET /api/v1/sites": .readRecords,
        "GET /api/v1/sites/{operator}/{code}": .readRecords,
        "GET /api/v1/sites/{operator}/{code}/matches": .readRecords,
        "GET /api/v1/obstacles": .readRecords,
        "GET /api/v1/late_sites": .readRecords,
        "POST /api/v1/obstacles/{org}/{ref}/escalate": .escalate,
        "GET /api/v1/obstacles/{org}/{ref}": .readRecords,
        "POST /api/v1/obstacles/{org}/{ref}/actions": .handleObstacles,
        "GET /api/v1/dispatch/rules": .readRecords,
        "POST /api/v1/dispatch/rules": .editRouting,
        "GET /api/v1/units": .readRecords,
        "GET /api/v1/units/{unit}/obstacles": .readRecords,
        "POST /api/v1/imports/{kind}": .importFiles,
        "GET /api/v1/me": .signedIn,
        "GET /api/v1/accounts": .manageAccounts,
        "GET /api/v1/quota/proposals": .moveQuota,
        "POST /api/v1/quota/moves": .moveQuota,
        "GET /api/v1/bulletins": .readFigures,
        "POST /api/v1/bulletins": .issueBulletin,
        // A bulletin's stored HTML names the obstacles whose clocks ran out (site-level records,
        // kept as issued, so not trimmed per reader); its CSV holds the figures only.
        "GET /api/v1/bulletins/{id}": .readRecords,
        "GET /api/v1/bulletins/{id}/csv": .readFigures,
        "GET /api/v1/supervision": .readFigures,
        "POST /api/v1/supervision/rule": .supervise,
        "POST /api/v1/supervision/{region}": .supervise,
        "GET /api/v1/sharing/requests": .signedIn,
        "POST /api/v1/sharing/requests": .shareResources,
        "POST /api/v1/sharing/requests/{id}/answer": .shareResources,
    ]

    /// The need of a request's route (`endpointPath` as the router names it); nil when unlisted.
    static func need(method: String, endpoint: String) -> Need? { needs["\(method) \(endpoint)"] }

    /// Whether an address belongs to the machine-facing side (JSON answers, 401 instead of a redirect).
    static func isAPI(_ path: String) -> Bool { path.hasPrefix("/api/") || path == "/healthz" || path == "/metrics" }
}
