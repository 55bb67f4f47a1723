import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutAccess
import RolloutCore
import RolloutDemo
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// Who may do what, through the server: every route × every role (from the router, so a new
/// route cannot be forgotten), the web sign-in with its session, form tokens and limits, tokens,
/// and records that belong to someone else.
@Suite struct AccessTests {
    static let password = "correct horse battery"

    /// What a test of one route sends, and who may use it.
    struct RouteCase {
        var uri: String
        var body: String? = nil
        var contentType: String? = nil
        /// nil: open to anyone, signed in or not.
        var allowed: Set<Role>?
    }

    /// The expectations, written out by hand (not derived from the route table ``Route``): a route the router
    /// has and this table lacks fails the test.
    static func cases(region: String, obstacle: ObstacleRow, otherObstacle: ObstacleRow, site: SiteRow, districtAccount: String) -> [String: RouteCase] {
        let readers: Set<Role> = [.cityOffice, .leader, .district, .operator, .resourceOwner, .inspector, .verifier]
        let recordReaders: Set<Role> = [.cityOffice, .leader, .district, .operator, .inspector, .verifier]
        let everyone = Set(Role.allCases)
        let esc = "/obstacles/\(Route.encode(obstacle.org))/\(Route.encode(obstacle.ref))/escalate"
        let apiEsc = "/api/v1/obstacles/\(Route.encode(otherObstacle.org))/\(Route.encode(otherObstacle.ref))/escalate"
        let page = "/obstacles/\(Route.encode(obstacle.org))/\(Route.encode(obstacle.ref))"
        let csv = "site_code,operator,stage,occurred_at\r\n\(site.siteCode),\(site.operator),designed,2020-06-01\r\n"
        return [
            "GET /healthz": RouteCase(uri: "/healthz", allowed: nil),
            "GET /readyz": RouteCase(uri: "/readyz", allowed: nil),
            "GET /metrics": RouteCase(uri: "/metrics", allowed: [.admin, .cityOffice]),
            "GET /signin": RouteCase(uri: "/signin", allowed: nil),
            "POST /signin": RouteCase(uri: "/signin", body: "name=x&password=y", contentType: "application/x-www-form-urlencoded", allowed: nil),
            "POST /signout": RouteCase(uri: "/signout", body: "", contentType: "application/x-www-form-urlencoded", allowed: everyone),
            "GET /assets/live.js": RouteCase(uri: "/assets/live.js", allowed: nil),
            "GET /assets/live-worker.js": RouteCase(uri: "/assets/live-worker.js", allowed: nil),
            "GET /api/v1/openapi.json": RouteCase(uri: "/api/v1/openapi.json", allowed: nil),
            "GET /": RouteCase(uri: "/?as_of=2020-06-01", allowed: readers),
            "GET /regions/{code}": RouteCase(uri: "/regions/\(region)", allowed: readers),
            "GET /operators/{operator}": RouteCase(uri: "/operators/cmcc", allowed: recordReaders),
            "GET /sites/{operator}/{code}": RouteCase(uri: "/sites/\(site.operator)/\(site.siteCode)", allowed: recordReaders),
            "GET /obstacles/{org}/{ref}/escalate": RouteCase(uri: esc, allowed: [.cityOffice, .district]),
            "POST /obstacles/{org}/{ref}/escalate": RouteCase(uri: esc, body: "reason=x", contentType: "application/x-www-form-urlencoded",
                                                              allowed: [.cityOffice, .district]),
            "GET /obstacles/{org}/{ref}": RouteCase(uri: page, allowed: recordReaders),
            // An unknown action: refused (400) after the route's check, so nothing is recorded.
            "POST /obstacles/{org}/{ref}/action": RouteCase(uri: page + "/action", body: "action=nope", contentType: "application/x-www-form-urlencoded",
                                                            allowed: [.cityOffice, .district, .operator]),
            "GET /dispatch": RouteCase(uri: "/dispatch", allowed: recordReaders),
            "POST /dispatch": RouteCase(uri: "/dispatch", body: "category=power&unit=grid&sla_days=0", contentType: "application/x-www-form-urlencoded",
                                        allowed: [.cityOffice]),
            "GET /units/{unit}": RouteCase(uri: "/units/grid", allowed: recordReaders),
            "GET /api/v1/obstacles/{org}/{ref}": RouteCase(uri: "/api/v1" + page, allowed: recordReaders),
            "POST /api/v1/obstacles/{org}/{ref}/actions": RouteCase(uri: "/api/v1" + page + "/actions", body: #"{"action":"nope"}"#, contentType: "application/json",
                                                                    allowed: [.cityOffice, .district, .operator]),
            "GET /api/v1/dispatch/rules": RouteCase(uri: "/api/v1/dispatch/rules", allowed: recordReaders),
            "POST /api/v1/dispatch/rules": RouteCase(uri: "/api/v1/dispatch/rules", body: #"{"category":"power","unit":"grid","sla_days":0}"#,
                                                     contentType: "application/json", allowed: [.cityOffice]),
            "GET /api/v1/units": RouteCase(uri: "/api/v1/units", allowed: recordReaders),
            "GET /api/v1/units/{unit}/obstacles": RouteCase(uri: "/api/v1/units/grid/obstacles", allowed: recordReaders),
            "GET /accounts": RouteCase(uri: "/accounts", allowed: [.admin]),
            "GET /accounts/{name}": RouteCase(uri: "/accounts/\(districtAccount)", allowed: [.admin, .cityOffice, .district]),
            "GET /api/v1/summary": RouteCase(uri: "/api/v1/summary", allowed: readers),
            "GET /api/v1/regions": RouteCase(uri: "/api/v1/regions", allowed: readers),
            "GET /api/v1/progress": RouteCase(uri: "/api/v1/progress", allowed: readers),
            "GET /api/v1/events/stream": RouteCase(uri: "/api/v1/events/stream", allowed: readers),
            "GET /api/v1/sites": RouteCase(uri: "/api/v1/sites?per_page=2", allowed: recordReaders),
            "GET /api/v1/sites/{operator}/{code}": RouteCase(uri: "/api/v1/sites/\(site.operator)/\(site.siteCode)", allowed: recordReaders),
            "GET /api/v1/sites/{operator}/{code}/matches": RouteCase(uri: "/api/v1/sites/\(site.operator)/\(site.siteCode)/matches", allowed: recordReaders),
            "GET /api/v1/obstacles": RouteCase(uri: "/api/v1/obstacles?per_page=2", allowed: recordReaders),
            "GET /api/v1/late_sites": RouteCase(uri: "/api/v1/late_sites?limit=2", allowed: recordReaders),
            "POST /api/v1/obstacles/{org}/{ref}/escalate": RouteCase(uri: apiEsc, body: "{}", contentType: "application/json",
                                                                     allowed: [.cityOffice, .district]),
            "POST /api/v1/imports/{kind}": RouteCase(uri: "/api/v1/imports/progress?dry_run=true", body: csv, contentType: "text/csv",
                                                     allowed: [.cityOffice, .operator]),
            "GET /api/v1/me": RouteCase(uri: "/api/v1/me", allowed: everyone),
            "GET /api/v1/accounts": RouteCase(uri: "/api/v1/accounts", allowed: [.admin]),
            "GET /quota": RouteCase(uri: "/quota", allowed: [.cityOffice]),
            "POST /quota": RouteCase(uri: "/quota", body: "from=\(region)&to=\(site.regionCode == region ? "500101" : site.regionCode)&sites=1&reason=test",
                                     contentType: "application/x-www-form-urlencoded", allowed: [.cityOffice]),
            "GET /bulletins": RouteCase(uri: "/bulletins", allowed: readers),
            "POST /bulletins": RouteCase(uri: "/bulletins", body: "as_of=2020-06-01", contentType: "application/x-www-form-urlencoded", allowed: [.cityOffice]),
            "GET /api/v1/bulletins": RouteCase(uri: "/api/v1/bulletins", allowed: readers),
            "POST /api/v1/bulletins": RouteCase(uri: "/api/v1/bulletins?as_of=2020-06-02", allowed: [.cityOffice]),
            // The stored HTML lists overdue obstacles (site-level records); the CSV holds figures only.
            "GET /api/v1/bulletins/{id}": RouteCase(uri: "/api/v1/bulletins/1", allowed: recordReaders),
            "GET /api/v1/bulletins/{id}/csv": RouteCase(uri: "/api/v1/bulletins/1/csv", allowed: readers),
            "GET /supervision": RouteCase(uri: "/supervision", allowed: readers),
            "POST /supervision": RouteCase(uri: "/supervision", body: "action=delist&region=\(region)&reason=x", contentType: "application/x-www-form-urlencoded",
                                           allowed: [.cityOffice]),
            "GET /api/v1/supervision": RouteCase(uri: "/api/v1/supervision", allowed: readers),
            "GET /reporting": RouteCase(uri: "/reporting", allowed: readers),
            "POST /reporting": RouteCase(uri: "/reporting", body: "action=rule&operators=working_day&tower=working_day&districts=week&escalate_after=3",
                                         contentType: "application/x-www-form-urlencoded", allowed: [.cityOffice]),
            "GET /api/v1/reporting": RouteCase(uri: "/api/v1/reporting", allowed: readers),
            "POST /api/v1/reporting/rule": RouteCase(uri: "/api/v1/reporting/rule", body: #"{"operators":"working_day","tower":"working_day","districts":"week","escalate_after":3}"#,
                                                     contentType: "application/json", allowed: [.cityOffice]),
            "POST /api/v1/reporting/calendar/{year}": RouteCase(uri: "/api/v1/reporting/calendar/2020", body: "2020-10-01,holiday",
                                                                contentType: "text/csv", allowed: [.cityOffice]),
            "GET /reconciliation": RouteCase(uri: "/reconciliation?status=all", allowed: recordReaders),
            // A bad kind: refused (400) after the route's check, so nothing is recorded.
            "POST /reconciliation": RouteCase(uri: "/reconciliation", body: "action=resolve&kind=nope&right=tower&note=x",
                                              contentType: "application/x-www-form-urlencoded", allowed: [.cityOffice, .district]),
            "GET /api/v1/reconciliation": RouteCase(uri: "/api/v1/reconciliation", allowed: recordReaders),
            "POST /api/v1/reconciliation/resolutions": RouteCase(uri: "/api/v1/reconciliation/resolutions",
                                                                 body: #"{"kind":"nope","right":"tower","note":"x"}"#, contentType: "application/json",
                                                                 allowed: [.cityOffice, .district]),
            // Out of range: refused after the route's check; a district passes the route and is refused by the service.
            "POST /api/v1/reconciliation/thresholds": RouteCase(uri: "/api/v1/reconciliation/thresholds",
                                                                body: #"{"pair_metres":0,"gap_days":30,"apart_metres":100}"#, contentType: "application/json",
                                                                allowed: [.cityOffice]),
            "GET /scorecard": RouteCase(uri: "/scorecard?as_of=2020-06-01", allowed: readers),
            // Weights summing to zero: refused (400) after the route's check, so nothing is recorded.
            "POST /scorecard": RouteCase(uri: "/scorecard", body: "build=0", contentType: "application/x-www-form-urlencoded", allowed: [.cityOffice]),
            "GET /api/v1/scorecard": RouteCase(uri: "/api/v1/scorecard?as_of=2020-06-01", allowed: readers),
            "POST /api/v1/scorecard/weights": RouteCase(uri: "/api/v1/scorecard/weights", body: #"{"build":0}"#, contentType: "application/json",
                                                        allowed: [.cityOffice]),
            "GET /adoption": RouteCase(uri: "/adoption?as_of=2020-06-01", allowed: readers),
            "GET /plan": RouteCase(uri: "/plan?as_of=2020-06-01", allowed: readers),
            "GET /api/v1/investments": RouteCase(uri: "/api/v1/investments?as_of=2020-06-01", allowed: readers),
            // A year outside the plan: refused (400) after the route's check, so nothing is recorded.
            "POST /plan": RouteCase(uri: "/plan", body: "region_code=500103&operator=cmcc&year=1999&actual_cny=1", contentType: "application/x-www-form-urlencoded",
                                    allowed: [.cityOffice, .operator]),
            // A date outside the plan: refused (400) after the route's check, so nothing is recorded.
            "POST /plan/milestones": RouteCase(uri: "/plan/milestones", body: "from=2020-06-30&to=2031-01-01&reason=x", contentType: "application/x-www-form-urlencoded",
                                              allowed: [.cityOffice]),
            "POST /api/v1/plan/milestones": RouteCase(uri: "/api/v1/plan/milestones", body: #"{"from":"2020-06-30","to":"2031-01-01","reason":"x"}"#,
                                                      contentType: "application/json", allowed: [.cityOffice]),
            "POST /api/v1/investments": RouteCase(uri: "/api/v1/investments", body: #"{"region_code":"500103","operator":"cmcc","year":"1999","actual_cny":"1"}"#,
                                                  contentType: "application/json", allowed: [.cityOffice, .operator]),
            // An unknown domain: refused (400) after the route's check, so nothing is recorded.
            "POST /adoption": RouteCase(uri: "/adoption", body: "project_ref=X&name=x&domain=space&region_code=500103&lead_org=x&status=building",
                                        contentType: "application/x-www-form-urlencoded", allowed: [.cityOffice, .district, .operator]),
            "GET /api/v1/adoption": RouteCase(uri: "/api/v1/adoption?as_of=2020-06-01", allowed: readers),
            "GET /api/v1/applications": RouteCase(uri: "/api/v1/applications?as_of=2020-06-01", allowed: readers),
            "POST /api/v1/applications": RouteCase(uri: "/api/v1/applications", body: #"{"project_ref":"X","domain":"space","status":"building"}"#,
                                                   contentType: "application/json", allowed: [.cityOffice, .district, .operator]),
            "GET /safety": RouteCase(uri: "/safety?as_of=2020-06-01", allowed: readers),
            // An unknown step: refused (400) after the route's check, so nothing is recorded.
            "POST /safety": RouteCase(uri: "/safety", body: "action=nope&ref=x&note=x", contentType: "application/x-www-form-urlencoded",
                                      allowed: [.cityOffice, .district, .operator, .inspector]),
            "GET /api/v1/safety": RouteCase(uri: "/api/v1/safety?as_of=2020-06-01", allowed: readers),
            // An empty name: refused (400) after the route's check, so nothing is recorded.
            "POST /sites/{operator}/{code}/contractor": RouteCase(uri: "/sites/\(site.operator)/\(site.siteCode)/contractor", body: "contractor=",
                                                                  contentType: "application/x-www-form-urlencoded", allowed: [.cityOffice, .operator]),
            "POST /api/v1/sites/{operator}/{code}/contractor": RouteCase(uri: "/api/v1/sites/\(site.operator)/\(site.siteCode)/contractor",
                                                                         body: #"{"contractor":""}"#, contentType: "application/json", allowed: [.cityOffice, .operator]),
            "GET /contractors/{name}": RouteCase(uri: Route.contractor.path(DemoCampaign.contractors[0]), allowed: recordReaders),
            // An empty finding: refused (422) after the checks; an operator passes the route and may not send inspections.
            "POST /api/v1/safety/findings": RouteCase(uri: "/api/v1/safety/findings", body: #"{"inspection_ref":""}"#, contentType: "application/json",
                                                      allowed: [.cityOffice, .district, .inspector]),
            "POST /api/v1/safety/findings/{ref}/steps": RouteCase(uri: "/api/v1/safety/findings/x/steps", body: #"{"step":"nope","note":"x"}"#,
                                                                  contentType: "application/json", allowed: [.cityOffice, .district, .operator, .inspector]),
            "GET /notifications": RouteCase(uri: "/notifications", allowed: everyone),
            // No topic ticked: refused (400) after the route's check, so nothing is stored.
            "POST /notifications": RouteCase(uri: "/notifications", body: "action=subscribe&webhook=", contentType: "application/x-www-form-urlencoded",
                                             allowed: everyone),
            "GET /api/v1/subscriptions": RouteCase(uri: "/api/v1/subscriptions", allowed: everyone),
            "POST /api/v1/subscriptions": RouteCase(uri: "/api/v1/subscriptions", body: #"{"topics":["nope"],"webhook":""}"#, contentType: "application/json",
                                                    allowed: everyone),
            "POST /api/v1/subscriptions/{id}/remove": RouteCase(uri: "/api/v1/subscriptions/999999/remove", body: "", contentType: "application/json",
                                                                allowed: everyone),
            "POST /api/v1/subscriptions/{id}/address": RouteCase(uri: "/api/v1/subscriptions/999999/address", body: #"{"address":""}"#,
                                                                 contentType: "application/json", allowed: everyone),
            "GET /api/v1/notifications": RouteCase(uri: "/api/v1/notifications", allowed: everyone),
            "GET /forecast": RouteCase(uri: "/forecast?as_of=2020-06-01", allowed: readers),
            "GET /api/v1/forecast/track-record": RouteCase(uri: "/api/v1/forecast/track-record?as_of=2020-06-01", allowed: readers),
            "GET /api/v1/forecast/obstacles": RouteCase(uri: "/api/v1/forecast/obstacles?as_of=2020-06-01", allowed: readers),
            "POST /api/v1/supervision/rule": RouteCase(uri: "/api/v1/supervision/rule", body: #"{"share":0.6,"consecutive":2}"#, contentType: "application/json",
                                                       allowed: [.cityOffice]),
            "POST /api/v1/supervision/{region}": RouteCase(uri: "/api/v1/supervision/\(region)", body: #"{"action":"delist","reason":"x"}"#,
                                                           contentType: "application/json", allowed: [.cityOffice]),
            "GET /sharing": RouteCase(uri: "/sharing", allowed: everyone),
            "POST /sharing": RouteCase(uri: "/sharing", body: "action=decline&id=nope&reason=x", contentType: "application/x-www-form-urlencoded",
                                       allowed: [.cityOffice, .operator, .resourceOwner]),
            "GET /api/v1/sharing/requests": RouteCase(uri: "/api/v1/sharing/requests", allowed: everyone),
            "POST /api/v1/sharing/requests": RouteCase(uri: "/api/v1/sharing/requests",
                                                       body: #"{"operator":"\#(site.operator)","site_code":"\#(site.siteCode)","owner":"x","resource_id":"y"}"#,
                                                       contentType: "application/json", allowed: [.cityOffice, .operator]),
            "POST /api/v1/sharing/requests/{id}/answer": RouteCase(uri: "/api/v1/sharing/requests/nope/answer", body: #"{"accepted":true}"#,
                                                                   contentType: "application/json", allowed: [.cityOffice, .operator, .resourceOwner]),
            // Evidence: a stage that takes no photo (400), an unknown photo (404), a decision that is none (400), a rule out of bounds (400).
            "POST /api/v1/sites/{operator}/{code}/evidence": RouteCase(uri: "/api/v1/sites/cmcc/\(site.siteCode)/evidence?stage=nope", body: "x",
                                                                       contentType: "image/jpeg", allowed: [.cityOffice, .operator]),
            "GET /api/v1/evidence/{sha256}": RouteCase(uri: "/api/v1/evidence/\(String(repeating: "0", count: 64))", allowed: recordReaders),
            "GET /api/v1/verification": RouteCase(uri: "/api/v1/verification", allowed: readers),
            "POST /api/v1/sites/{operator}/{code}/verification": RouteCase(uri: "/api/v1/sites/cmcc/\(site.siteCode)/verification",
                                                                           body: #"{"decision":"nope"}"#, contentType: "application/json",
                                                                           allowed: [.cityOffice, .district, .verifier]),
            "POST /api/v1/verification/bulk": RouteCase(uri: "/api/v1/verification/bulk", body: #"{"reporter":"x","from":"2020-06-01","until":"2020-05-01","decision":"verified"}"#,
                                                        contentType: "application/json", allowed: [.cityOffice, .district, .verifier]),
            "POST /api/v1/evidence/rule": RouteCase(uri: "/api/v1/evidence/rule", body: #"{"max_distance_m":1}"#, contentType: "application/json",
                                                    allowed: [.cityOffice]),
            // The site page's upload form without a photo (400).
            "POST /sites/{operator}/{code}/evidence": RouteCase(uri: "/sites/cmcc/\(site.siteCode)/evidence",
                                                                body: "--B\r\nContent-Disposition: form-data; name=\"stage\"\r\n\r\non_air\r\n--B--\r\n",
                                                                contentType: "multipart/form-data; boundary=B", allowed: [.cityOffice, .operator]),
            "GET /verification": RouteCase(uri: "/verification", allowed: recordReaders),
            "POST /verification": RouteCase(uri: "/verification", body: "action=nope", contentType: "application/x-www-form-urlencoded",
                                            allowed: [.cityOffice, .district, .verifier]),
            "GET /api/v1/quota/proposals": RouteCase(uri: "/api/v1/quota/proposals", allowed: [.cityOffice]),
            "POST /api/v1/quota/moves": RouteCase(uri: "/api/v1/quota/moves", body: #"{"from":"500101","to":"500102","sites":1,"reason":"test"}"#,
                                                  contentType: "application/json", allowed: [.cityOffice]),
        ]
    }

    @Test(arguments: Backend.available)
    func everyRouteAnswersEveryRoleAsTheTableSays(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let router = buildRouter(service: service, security: .init(bcryptCost: 4))
            let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
            // Two open obstacles of one region: one for the page's escalation, one for the API's.
            let all = try await service.obstacles(ObstacleQuery(status: .open, perPage: 1000)).obstacles.filter { $0.escalatedAt == nil }
            let byRegion = Dictionary(grouping: all, by: \.regionCode).first { $0.value.count >= 2 }
            let (region, obstacles) = try #require(byRegion)
            let site = try #require(try await service.sites(SiteQuery(operator: .cmcc, stage: .planned, perPage: 1)).sites.first)
            var tokens: [Role: String] = [:]
            var districtAccount = ""
            for role in Role.allCases {
                let made = try await TestAccess.token(service.store, role: role, region: role == .district ? region : nil,
                                                      operator: role == .operator ? .cmcc : nil, owner: role == .resourceOwner ? "某产权单位" : nil)
                tokens[role] = made.token
                if role == .district { districtAccount = made.account }
            }
            let tokensByRole = tokens
            let table = Self.cases(region: region, obstacle: obstacles[0], otherObstacle: obstacles[1], site: site, districtAccount: districtAccount)
            #expect(routes.subtracting(table.keys).isEmpty, "routes with no line in the test's table: \(routes.subtracting(table.keys).sorted())")
            #expect(Set(table.keys).subtracting(routes).isEmpty, "lines for routes the router lacks: \(Set(table.keys).subtracting(routes).sorted())")
            try await TestAccess.withServer(service) { port, client in
                for route in routes.sorted() {
                    let c = try #require(table[route])
                    let method = HTTPRequest.Method(rawValue: String(route.prefix { $0 != " " }))!
                    let isAPI = c.uri.hasPrefix("/api/") || c.uri == "/metrics" || c.uri == "/healthz" || c.uri == "/readyz"
                    func send(_ token: String?) async throws -> TestResponse {
                        var headers = HTTPFields()
                        if let token { headers[.authorization] = "Bearer \(token)" }
                        if let type = c.contentType { headers[.contentType] = type }
                        return try await client.executeRequest(uri: c.uri, method: method, headers: headers, body: c.body.map { ByteBuffer(string: $0) })
                    }
                    // Nobody signed in.
                    if route.hasSuffix("/events/stream") {
                        let stream = try EventStreamReader(port: try #require(port), path: c.uri)
                        #expect(await stream.waitFor("401", seconds: 60), "anonymous \(route)")
                    } else {
                        let anonymous = try await send(nil)
                        if c.allowed == nil {
                            #expect(anonymous.status != .unauthorized && anonymous.headers[.location]?.hasPrefix("/signin?next=") != true, "\(route)")
                        } else if isAPI {
                            #expect(anonymous.status == .unauthorized, "anonymous \(route): \(anonymous.status)")
                        } else {
                            #expect(anonymous.status == .seeOther && anonymous.headers[.location]?.hasPrefix("/signin?next=") == true,
                                    "anonymous \(route): \(anonymous.status)")
                        }
                    }
                    guard let allowed = c.allowed else { continue }
                    for role in Role.allCases {
                        if route.hasSuffix("/events/stream") && allowed.contains(role) {
                            let stream = try EventStreamReader(port: try #require(port), path: c.uri, authorization: "Bearer \(tokensByRole[role]!)")
                            #expect(await stream.waitFor("event: hello", seconds: 60), "\(role) \(route): \(stream.text.prefix(300))")
                            continue
                        }
                        let r = try await send(tokensByRole[role])
                        if allowed.contains(role) {
                            #expect(r.status != .unauthorized && r.status != .forbidden, "\(role) may use \(route): \(r.status) \(String(buffer: r.body).prefix(200))")
                        } else {
                            #expect(r.status == .forbidden, "\(role) may not use \(route): \(r.status)")
                        }
                    }
                }
                // An address nobody serves: a sign-in first, then "not found".
                let unknown = try await client.executeRequest(uri: "/no/such/page", method: .get, headers: [:], body: nil)
                #expect(unknown.status == .seeOther)
                let known = try await client.executeRequest(uri: "/no/such/page", method: .get,
                                                            headers: [.authorization: "Bearer \(tokensByRole[.leader]!)"], body: nil)
                #expect(known.status == .notFound)
            }
            // Only the district of the region and the city office escalated: the log says who.
            let escalations = try await service.store.events(after: 0, limit: 1_000_000).filter {
                $0.event.body.kind == "obstacle.escalated" && $0.event.actor != CampaignService.systemActor
            }
            #expect(escalations.count == 2)
            #expect(escalations.allSatisfy { $0.event.via != nil })
        }
    }

    @Test(arguments: Backend.available)
    func theRouterServesExactlyTheRouteTable(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let served = buildRouter(service: service).routes.map { "\($0.method.rawValue) \($0.path)" }
            let table = Route.allCases.map { "\($0.method.rawValue) \($0.pattern)" }
            #expect(served.sorted() == table.sorted())
            // Each route found again by the name the router gives a request's endpoint.
            for route in Route.allCases { #expect(Route.find(method: route.method, endpoint: route.pattern) == route) }
        }
    }

    @Test func linksAreBuiltFromTheRoutesPatterns() {
        #expect(Route.site.path("cmcc", "A 1/2") == "/sites/cmcc/A%201%2F2")
        #expect(Route.obstacle.path("org", "R<1>") == "/obstacles/org/R%3C1%3E")
        #expect(Route.overview.path() == "/")
        #expect(Route.apiBulletinCSV.path("7") == "/api/v1/bulletins/7/csv")
        #expect(Route.allCases.filter(\.isAPI).allSatisfy { $0.pattern.hasPrefix("/api/") || $0 == .healthz || $0 == .readyz || $0 == .metrics })
    }

    @Test(arguments: Backend.available)
    func theOpenAPIDocumentDescribesExactlyTheAPIRoutes(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let router = buildRouter(service: service)
            let served = Set(Route.allCases.filter(\.isAPI).map { "\($0.method.rawValue) \($0.pattern)" })
            let app = Application(router: router)
            try await app.test(.router) { client in
                try await client.execute(uri: "/api/v1/openapi.json", method: .get) { r in
                    #expect(r.status == .ok)
                    let doc = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
                    #expect((doc["openapi"] as? String)?.hasPrefix("3.") == true)
                    let paths = try #require(doc["paths"] as? [String: [String: Any]])
                    var documented = Set<String>()
                    for (path, operations) in paths {
                        for (method, operation) in operations {
                            documented.insert("\(method.uppercased()) \(path)")
                            // Every path parameter of the route is described.
                            let parameters = ((operation as? [String: Any])?["parameters"] as? [[String: Any]]) ?? []
                            for name in path.split(separator: "/").filter({ $0.hasPrefix("{") }).map({ String($0.dropFirst().dropLast()) }) {
                                #expect(parameters.contains { $0["name"] as? String == name && $0["in"] as? String == "path" }, "\(path) \(name)")
                            }
                        }
                    }
                    #expect(documented == served, "documented but not served: \(documented.subtracting(served).sorted()); served but not documented: \(served.subtracting(documented).sorted())")
                }
            }
        }
    }
}
