import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore

/// Every route the server answers, in one table: its method, its pattern, what an account needs to
/// use it, and whether it answers machines (the API: JSON, 401) or people (pages: a redirect to
/// sign in). The router registers routes by these cases, the links are built from their patterns,
/// the access middleware looks requests up here, and the tests hold the router and `openapi.json`
/// to it. A route without a case cannot be registered; a case without a handler fails a test.
enum Route: String, CaseIterable, Sendable {
    // Open: health, metrics, sign-in, assets, the API's description.
    case healthz, readyz, metrics, signInPage, signIn, signOut, liveScript, liveWorker, openAPI
    // Pages.
    case overview, region, operatorPage, site, escalation, escalate, obstacle, obstacleAction
    case dispatch, dispatchRule, unit, accounts, account, quota, quotaMove, bulletins, bulletinIssue
    case supervision, supervisionStep, sharing, sharingAction, forecast, reporting, reportingChange
    case reconciliation, reconciliationAction, notifications, notificationsAction, scorecard, scorecardAction, adoption, adoptionAction
    case safety, safetyAction, contractor, siteContractor, verification, verificationAction, siteEvidence, plan, planAction, planMove
    // The API.
    case apiSummary, apiRegions, apiProgress, apiEventStream, apiSites, apiSite, apiSiteMatches, apiObstacles, apiLateSites
    case apiEscalate, apiObstacle, apiObstacleActions, apiDispatchRules, apiDispatchRule, apiUnits, apiUnitObstacles
    case apiImport, apiMe, apiAccounts, apiQuotaProposals, apiQuotaMove, apiBulletins, apiBulletinIssue, apiBulletin
    case apiBulletinCSV, apiSupervision, apiSupervisionRule, apiSupervisionStep, apiSharingRequests, apiSharingRequest
    case apiSharingAnswer, apiTrackRecord, apiForecastObstacles, apiReporting, apiReportingRule, apiReportingCalendar
    case apiReconciliation, apiReconciliationResolve, apiReconciliationThresholds
    case apiSubscriptions, apiSubscribe, apiUnsubscribe, apiSubscriptionAddress, apiNotifications, apiScorecard, apiScorecardWeights
    case apiAdoption, apiApplications, apiApplicationsRecord, apiSafety, apiSafetyFindings, apiSafetyStep, apiSiteContractor
    case apiSiteEvidence, apiEvidenceBlob, apiVerification, apiSiteVerification, apiEvidenceRule, apiVerificationBulk
    case apiInvestments, apiInvestmentsRecord, apiMilestoneMove

    /// The method, the pattern (parameters as `{name}`) and the need.
    private var entry: (method: HTTPRequest.Method, pattern: String, need: Need) {
        switch self {
        case .healthz: (.get, "/healthz", .open)
        case .readyz: (.get, "/readyz", .open)
        case .metrics: (.get, "/metrics", .metrics)
        case .signInPage: (.get, "/signin", .open)
        case .signIn: (.post, "/signin", .open)
        case .signOut: (.post, "/signout", .signedIn)
        case .liveScript: (.get, "/assets/live.js", .open)
        case .liveWorker: (.get, "/assets/live-worker.js", .open)
        case .openAPI: (.get, "/api/v1/openapi.json", .open)
        case .overview: (.get, "/", .readFigures)
        case .region: (.get, "/regions/{code}", .readFigures)
        case .operatorPage: (.get, "/operators/{operator}", .readRecords)
        case .site: (.get, "/sites/{operator}/{code}", .readRecords)
        case .escalation: (.get, "/obstacles/{org}/{ref}/escalate", .escalate)
        case .escalate: (.post, "/obstacles/{org}/{ref}/escalate", .escalate)
        case .obstacle: (.get, "/obstacles/{org}/{ref}", .readRecords)
        case .obstacleAction: (.post, "/obstacles/{org}/{ref}/action", .handleObstacles)
        case .dispatch: (.get, "/dispatch", .readRecords)
        case .dispatchRule: (.post, "/dispatch", .editRouting)
        case .unit: (.get, "/units/{unit}", .readRecords)
        case .accounts: (.get, "/accounts", .manageAccounts)
        case .account: (.get, "/accounts/{name}", .signedIn)
        case .quota: (.get, "/quota", .moveQuota)
        case .quotaMove: (.post, "/quota", .moveQuota)
        case .bulletins: (.get, "/bulletins", .readFigures)
        case .bulletinIssue: (.post, "/bulletins", .issueBulletin)
        case .supervision: (.get, "/supervision", .readFigures)
        case .supervisionStep: (.post, "/supervision", .supervise)
        case .sharing: (.get, "/sharing", .signedIn)
        case .sharingAction: (.post, "/sharing", .shareResources)
        case .forecast: (.get, "/forecast", .readFigures)
        case .reporting: (.get, "/reporting", .readFigures)
        case .reportingChange: (.post, "/reporting", .setReporting)
        case .reconciliation: (.get, "/reconciliation", .readRecords)
        case .reconciliationAction: (.post, "/reconciliation", .reconcile)
        case .notifications: (.get, "/notifications", .signedIn)
        case .notificationsAction: (.post, "/notifications", .signedIn)
        case .scorecard: (.get, "/scorecard", .readFigures)
        case .scorecardAction: (.post, "/scorecard", .setReporting)
        case .adoption: (.get, "/adoption", .readFigures)
        case .plan: (.get, "/plan", .readFigures)
        case .planAction: (.post, "/plan", .recordInvestment)
        case .planMove: (.post, "/plan/milestones", .moveQuota)
        case .apiMilestoneMove: (.post, "/api/v1/plan/milestones", .moveQuota)
        case .apiInvestments: (.get, "/api/v1/investments", .readFigures)
        case .apiInvestmentsRecord: (.post, "/api/v1/investments", .recordInvestment)
        case .adoptionAction: (.post, "/adoption", .recordAdoption)
        case .safety: (.get, "/safety", .readFigures)
        case .safetyAction: (.post, "/safety", .handleSafety)
        case .contractor: (.get, "/contractors/{name}", .readRecords)
        case .siteContractor: (.post, "/sites/{operator}/{code}/contractor", .nameContractor)
        case .apiSummary: (.get, "/api/v1/summary", .readFigures)
        case .apiRegions: (.get, "/api/v1/regions", .readFigures)
        case .apiProgress: (.get, "/api/v1/progress", .readFigures)
        case .apiEventStream: (.get, "/api/v1/events/stream", .readFigures)
        case .apiSites: (.get, "/api/v1/sites", .readRecords)
        case .apiSite: (.get, "/api/v1/sites/{operator}/{code}", .readRecords)
        case .apiSiteMatches: (.get, "/api/v1/sites/{operator}/{code}/matches", .readRecords)
        case .apiObstacles: (.get, "/api/v1/obstacles", .readRecords)
        case .apiLateSites: (.get, "/api/v1/late_sites", .readRecords)
        case .apiEscalate: (.post, "/api/v1/obstacles/{org}/{ref}/escalate", .escalate)
        case .apiObstacle: (.get, "/api/v1/obstacles/{org}/{ref}", .readRecords)
        case .apiObstacleActions: (.post, "/api/v1/obstacles/{org}/{ref}/actions", .handleObstacles)
        case .apiDispatchRules: (.get, "/api/v1/dispatch/rules", .readRecords)
        case .apiDispatchRule: (.post, "/api/v1/dispatch/rules", .editRouting)
        case .apiUnits: (.get, "/api/v1/units", .readRecords)
        case .apiUnitObstacles: (.get, "/api/v1/units/{unit}/obstacles", .readRecords)
        case .apiImport: (.post, "/api/v1/imports/{kind}", .importFiles)
        case .apiMe: (.get, "/api/v1/me", .signedIn)
        case .apiAccounts: (.get, "/api/v1/accounts", .manageAccounts)
        case .apiQuotaProposals: (.get, "/api/v1/quota/proposals", .moveQuota)
        case .apiQuotaMove: (.post, "/api/v1/quota/moves", .moveQuota)
        case .apiBulletins: (.get, "/api/v1/bulletins", .readFigures)
        case .apiBulletinIssue: (.post, "/api/v1/bulletins", .issueBulletin)
        // A bulletin's stored HTML names the obstacles whose clocks ran out (site-level records,
        // kept as issued, so not trimmed per reader); its CSV holds the figures only.
        case .apiBulletin: (.get, "/api/v1/bulletins/{id}", .readRecords)
        case .apiBulletinCSV: (.get, "/api/v1/bulletins/{id}/csv", .readFigures)
        case .apiSupervision: (.get, "/api/v1/supervision", .readFigures)
        case .apiSupervisionRule: (.post, "/api/v1/supervision/rule", .supervise)
        case .apiSupervisionStep: (.post, "/api/v1/supervision/{region}", .supervise)
        case .apiSharingRequests: (.get, "/api/v1/sharing/requests", .signedIn)
        case .apiSharingRequest: (.post, "/api/v1/sharing/requests", .shareResources)
        case .apiSharingAnswer: (.post, "/api/v1/sharing/requests/{id}/answer", .shareResources)
        case .apiTrackRecord: (.get, "/api/v1/forecast/track-record", .readFigures)
        case .apiForecastObstacles: (.get, "/api/v1/forecast/obstacles", .readFigures)
        case .apiReporting: (.get, "/api/v1/reporting", .readFigures)
        case .apiReportingRule: (.post, "/api/v1/reporting/rule", .setReporting)
        case .apiReportingCalendar: (.post, "/api/v1/reporting/calendar/{year}", .setReporting)
        case .apiReconciliation: (.get, "/api/v1/reconciliation", .readRecords)
        case .apiReconciliationResolve: (.post, "/api/v1/reconciliation/resolutions", .reconcile)
        case .apiReconciliationThresholds: (.post, "/api/v1/reconciliation/thresholds", .reconcile)
        case .apiSubscriptions: (.get, "/api/v1/subscriptions", .signedIn)
        case .apiSubscribe: (.post, "/api/v1/subscriptions", .signedIn)
        case .apiUnsubscribe: (.post, "/api/v1/subscriptions/{id}/remove", .signedIn)
        case .apiSubscriptionAddress: (.post, "/api/v1/subscriptions/{id}/address", .signedIn)
        case .apiNotifications: (.get, "/api/v1/notifications", .signedIn)
        case .apiScorecard: (.get, "/api/v1/scorecard", .readFigures)
        case .apiScorecardWeights: (.post, "/api/v1/scorecard/weights", .setReporting)
        case .apiAdoption: (.get, "/api/v1/adoption", .readFigures)
        case .apiApplications: (.get, "/api/v1/applications", .readFigures)
        case .apiApplicationsRecord: (.post, "/api/v1/applications", .recordAdoption)
        case .apiSafety: (.get, "/api/v1/safety", .readFigures)
        case .apiSafetyFindings: (.post, "/api/v1/safety/findings", .handleSafety)
        case .apiSafetyStep: (.post, "/api/v1/safety/findings/{ref}/steps", .handleSafety)
        case .apiSiteContractor: (.post, "/api/v1/sites/{operator}/{code}/contractor", .nameContractor)
        case .verification: (.get, "/verification", .readRecords)
        case .verificationAction: (.post, "/verification", .verify)
        case .siteEvidence: (.post, "/sites/{operator}/{code}/evidence", .attachEvidence)
        case .apiSiteEvidence: (.post, "/api/v1/sites/{operator}/{code}/evidence", .attachEvidence)
        case .apiEvidenceBlob: (.get, "/api/v1/evidence/{sha256}", .readRecords)
        case .apiVerification: (.get, "/api/v1/verification", .readFigures)
        case .apiSiteVerification: (.post, "/api/v1/sites/{operator}/{code}/verification", .verify)
        case .apiEvidenceRule: (.post, "/api/v1/evidence/rule", .setEvidence)
        case .apiVerificationBulk: (.post, "/api/v1/verification/bulk", .verify)
        }
    }

    var method: HTTPRequest.Method { entry.method }
    /// The pattern as the router and `openapi.json` write it: `/regions/{code}`.
    var pattern: String { entry.pattern }
    var need: Need { entry.need }
    /// Whether machines use it: JSON answers, and 401 instead of a redirect to the sign-in page.
    var isAPI: Bool { Self.isAPI(pattern) }

    /// The address of the route with its parameters filled in, in the pattern's order, each
    /// percent-encoded (`Route.site.path("cmcc", "A 1")` is `/sites/cmcc/A%201`).
    func path(_ parameters: String...) -> String {
        var out = ""
        var rest = pattern[...]
        var values = parameters.makeIterator()
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            guard let value = values.next() else { preconditionFailure("\(self) needs more parameters") }
            out += Self.encode(value)
            rest = rest[rest.index(after: close)...]
        }
        precondition(values.next() == nil, "\(self) takes fewer parameters")
        return out + rest
    }

    private static let byEndpoint: [String: Route] = Dictionary(uniqueKeysWithValues: allCases.map { ("\($0.method) \($0.pattern)", $0) })

    /// The route of a request as the router names it (`endpointPath`); nil when there is none.
    static func find(method: HTTPRequest.Method, endpoint: String) -> Route? { byEndpoint["\(method) \(endpoint)"] }

    /// Whether an address belongs to the machine-facing side.
    static func isAPI(_ path: String) -> Bool { path.hasPrefix("/api/") || path == "/healthz" || path == "/readyz" || path == "/metrics" }

    /// Percent-encodes a path segment or a query value.
    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }

    private static let unreserved: CharacterSet = {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return allowed
    }()
}

extension Router where Context == RolloutContext {
    /// Registers the handler of a route of the table.
    @discardableResult
    func on(_ route: Route, use handler: @escaping @Sendable (Request, RolloutContext) async throws -> some ResponseGenerator) -> Self {
        on(RouterPath(route.pattern), method: route.method, use: handler)
    }
}
