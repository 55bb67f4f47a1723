import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutAccess
import RolloutCore
import RolloutDemo
import RolloutTestSupport
import RolloutTexts
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// A browser's sign-in, as HTTP: the form and its token, the session cookie, form tokens on
/// changes, sign-out, limits on failures, and what tokens and disabled accounts get.
@Suite struct SignInTests {
    static let password = "correct horse battery"

    /// A browser without a browser: keeps the cookies it is given.
    final class Browser: @unchecked Sendable {
        let client: any TestClientProtocol
        var cookies: [String: String] = [:]
        init(_ client: any TestClientProtocol) { self.client = client }

        func send(_ uri: String, _ method: HTTPRequest.Method = .get, form: [String: String]? = nil, lang: String = "zh") async throws -> TestResponse {
            var headers: HTTPFields = [.acceptLanguage: lang]
            if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            var body: ByteBuffer? = nil
            if let form {
                headers[.contentType] = "application/x-www-form-urlencoded"
                body = ByteBuffer(string: form.map { "\($0.key)=\(Route.encode($0.value))" }.joined(separator: "&"))
            }
            let r = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
            for header in r.headers[values: .setCookie] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                if header.contains("Max-Age=0") || pair.count < 2 || pair[1].isEmpty { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
            }
            return r
        }

        /// The sign-in form's token.
        func formToken() async throws -> String {
            let page = String(buffer: try await send("/signin").body)
            let marker = "name=\"csrf\" value=\""
            let start = try #require(page.range(of: marker)).upperBound
            return String(page[start...].prefix { $0 != "\"" })
        }

        func signIn(_ name: String, _ password: String, next: String = "") async throws -> TestResponse {
            let token = try await formToken()
            return try await send("/signin", .post, form: ["name": name, "password": password, "csrf": token, "next": next])
        }
    }

    static func make(_ store: any CampaignStore, role: Role = .cityOffice, region: String? = nil, name: String? = nil) async throws -> String {
        let n = name ?? "u" + AccountService.random(bytes: 4, hex: true)
        try await TestAccess.accounts(store).createAccount(Account(name: n, role: role, region: region, displayName: "<b>\"显示名\"</b>",
                                                                   createdAt: Instant(Date())), password: password)
        return n
    }

    @Test(arguments: Backend.available)
    func aPersonSignsInChangesWithTheFormTokenAndSignsOut(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let o = try #require(try await service.obstacles(ObstacleQuery(status: .open, perPage: 1000)).obstacles.first { $0.escalatedAt == nil })
            let name = try await Self.make(service.store, role: .district, region: o.regionCode)
            try await app.test(.router) { client in
                let browser = Browser(client)
                // Not signed in: the page sends the browser to the form, remembering where it was going.
                let first = try await browser.send("/regions/\(o.regionCode)?as_of=2020-06-01")
                #expect(first.status == .seeOther)
                #expect(first.headers[.location] == "/signin?next=%2Fregions%2F\(o.regionCode)%3Fas_of%3D2020-06-01&lang=zh")
                // A form token that is not the cookie's: refused before the password is looked at.
                _ = try await browser.formToken()
                let forged = try await browser.send("/signin", .post, form: ["name": name, "password": Self.password, "csrf": "forged"])
                #expect(forged.status == .forbidden)
                #expect(browser.cookies["rollout_session"] == nil)
                // A session id planted before signing in is not the one that comes out (no fixation).
                browser.cookies["rollout_session"] = "planted-by-someone-else"
                let signedIn = try await browser.signIn(name, Self.password, next: "/regions/\(o.regionCode)?as_of=2020-06-01")
                #expect(signedIn.status == .seeOther)
                #expect(signedIn.headers[.location] == "/regions/\(o.regionCode)?as_of=2020-06-01&lang=zh")
                let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("rollout_session=") })
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
                #expect(!cookie.contains("Secure"), "not behind TLS")
                let session = try #require(browser.cookies["rollout_session"])
                #expect(session != "planted-by-someone-else" && session.count >= 20)
                // The session id is not what the database keeps.
                #expect(try await service.store.persistGet(keyHash: "session." + session, now: Instant(Date())) == nil)
                // Signed in: the page, with the account's name; the escalation form carries the session's token.
                let page = String(buffer: try await browser.send("/regions/\(o.regionCode)").body)
                #expect(page.contains("id=\"who\">\(name)<"))
                let link = "/obstacles/\(Route.encode(o.org))/\(Route.encode(o.ref))/escalate"
                let confirm = String(buffer: try await browser.send(link).body)
                let marker = "name=\"csrf\" value=\""
                let token = String(confirm[try #require(confirm.range(of: marker)).upperBound...].prefix { $0 != "\"" })
                #expect(token.count >= 20)
                // Without the token, or with another: refused, nothing recorded.
                for form in [["reason": "x"], ["reason": "x", "csrf": "nope"]] {
                    let r = try await browser.send(link, .post, form: form)
                    #expect(r.status == .forbidden)
                    #expect(String(buffer: r.body).contains("表单已过期"))
                }
                #expect(try await service.obstacle(org: o.org, ref: o.ref).escalatedAt == nil)
                // With it: recorded, under the account, with no token.
                let done = try await browser.send(link, .post, form: ["reason": "需协调", "csrf": token, "back": "/regions/\(o.regionCode)"])
                #expect(done.status == .seeOther)
                let log = try await service.store.events(after: 0, limit: 1_000_000).filter {
                    $0.event.body.kind == "obstacle.escalated" && $0.event.actor != CampaignService.systemActor
                }
                #expect(log.count == 1 && log[0].event.actor == name && log[0].event.via == nil)
                // The account's page lists what it did.
                let mine = String(buffer: try await browser.send("/accounts/\(name)").body)
                #expect(mine.contains("obstacle.escalated"))
                #expect(mine.contains("&lt;b&gt;&quot;显示名&quot;&lt;/b&gt;") && !mine.contains("<b>\"显示名\"</b>"))
                // Signing out ends the session, here and in the database.
                let out = try await browser.send("/signout", .post, form: ["csrf": token])
                #expect(out.status == .seeOther)
                browser.cookies["rollout_session"] = session
                let after = try await browser.send("/regions/\(o.regionCode)")
                #expect(after.status == .seeOther && after.headers[.location]?.hasPrefix("/signin") == true)
            }
        }
    }

    @Test(arguments: Backend.available)
    func wrongPasswordsUnknownNamesAndTooManyTriesGetTheSameClearAnswer(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let name = try await Self.make(service.store)
            try await app.test(.router) { client in
                let browser = Browser(client)
                let wrong = try await browser.signIn(name, "not the password")
                let unknown = try await browser.signIn("nobody-here", Self.password)
                let injected = try await browser.signIn("' OR '1'='1' --", "' OR '1'='1' --")
                let hostile = try await browser.signIn("\"><script>alert(1)</script>", "x")
                #expect(!String(buffer: hostile.body).contains("<script>alert(1)") && String(buffer: hostile.body).contains("&lt;script&gt;"))
                for r in [wrong, unknown, injected, hostile] {
                    #expect(r.status == .unauthorized)
                    #expect(String(buffer: r.body).contains("账号或密码不正确"))
                    #expect(browser.cookies["rollout_session"] == nil)
                }
                let english = try await browser.send("/signin", .post, form: ["name": name, "password": "x", "csrf": try await browser.formToken(), "lang": "en"])
                #expect(String(buffer: english.body).contains("the account name or the password is wrong"))
                // Five failures for one name within the window: the next try is refused, even with the right password.
                for attempt in 3...AccountService.perAccount { _ = try await browser.signIn(name, "still wrong \(attempt)") }
                let limited = try await browser.signIn(name, Self.password)
                #expect(limited.status == .tooManyRequests)
                #expect(String(buffer: limited.body).contains("登录失败次数过多"))
                #expect(browser.cookies["rollout_session"] == nil)
                // The metrics count them (read by the city office).
                let office = try await TestAccess.token(service.store, role: .cityOffice)
                let metrics = try await client.executeRequest(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(office.token)"], body: nil)
                let text = String(buffer: metrics.body)
                #expect(text.contains("rollout_signin_failures_total"))
                #expect(text.contains("hb_requests"))
                // Per route and status, timed: the refused sign-in is among them.
                let lines = text.split(separator: "\n")
                #expect(lines.contains { $0.hasPrefix("hb_request") && $0.contains("http_route=\"/signin\"") && $0.contains("\"429\"") })
                #expect(lines.contains { $0.hasPrefix("http_server_request_duration") && $0.contains("http_route=\"/signin\"") })
                #expect(text.contains("rollout_signin_failures_total{reason=\"bad_credentials\"}"))
            }
        }
    }

    @Test(arguments: Backend.available)
    func tokensAreRefusedWhenMalformedRevokedOrTheirAccountDisabled(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let (name, token) = try await TestAccess.token(service.store, role: .leader)
            let (other, otherToken) = try await TestAccess.token(service.store, role: .leader)
            try await app.test(.router) { client in
                func status(_ authorization: String?) async throws -> (HTTPResponse.Status, String) {
                    var h: HTTPFields = [.acceptLanguage: "en"]
                    if let authorization { h[.authorization] = authorization }
                    let r = try await client.executeRequest(uri: "/api/v1/summary", method: .get, headers: h, body: nil)
                    return (r.status, String(buffer: r.body))
                }
                #expect(try await status("Bearer \(token)").0 == .ok)
                for bad in ["Bearer nonsense", "Bearer \(token)x", "Bearer rlt_000000000000_" + String(repeating: "a", count: 43), "Basic abc", "Bearer "] {
                    let (s, body) = try await status(bad)
                    #expect(s == .unauthorized, "\(bad)")
                    #expect(body.contains("bad_token") && body.contains("not valid"), "\(bad)")
                }
                #expect(try await status(nil).1.contains("signin_required"))
                // Revoked: refused at once.
                let id = String(token.split(separator: "_")[1])
                try await service.store.revokeToken(id: id, at: Instant(Date()))
                #expect(try await status("Bearer \(token)").0 == .unauthorized)
                // A disabled account: its other tokens stop too.
                #expect(try await status("Bearer \(otherToken)").0 == .ok)
                try await service.store.disableAccount(other, at: Instant(Date()))
                #expect(try await status("Bearer \(otherToken)").0 == .unauthorized)
                // Only the hash of a secret is stored.
                let stored = try #require(try await service.store.token(id: id))
                #expect(!token.contains(stored.secretHash) && stored.secretHash.count == 64)
                _ = name
            }
        }
    }

    @Test(arguments: Backend.available)
    func nobodyChangesWhatIsNotTheirs(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let open = try await service.obstacles(ObstacleQuery(status: .open, perPage: 1000)).obstacles
            let o = try #require(open.first { $0.escalatedAt == nil })
            let elsewhere = try #require(try await service.store.regions().first { $0.code != o.regionCode })
            let ctcc = try #require(try await service.sites(SiteQuery(operator: .ctcc, stage: .planned, perPage: 1)).sites.first)
            let cmcc = try #require(try await service.sites(SiteQuery(operator: .cmcc, stage: .planned, perPage: 1)).sites.first)
            let before = try await service.store.lastSeq()
            try await app.test(.router) { client in
                // A district escalating another district's obstacle.
                let district = try await TestAccess.client(client, service.store, role: .district, region: elsewhere.code)
                try await district.execute(uri: "/api/v1/obstacles/\(Route.encode(o.org))/\(Route.encode(o.ref))/escalate", method: .post) { r in
                    #expect(r.status == .forbidden)
                    #expect(String(buffer: r.body).contains("forbidden_obstacle"))
                }
                // An operator reporting another operator's site: every such row is listed, nothing lands.
                let operatorClient = try await TestAccess.client(client, service.store, role: .operator, operator: .cmcc)
                let csv = "site_code,operator,stage,occurred_at\r\n\(cmcc.siteCode),cmcc,designed,2020-06-01\r\n\(ctcc.siteCode),ctcc,designed,2020-06-01\r\n"
                try await operatorClient.execute(uri: "/api/v1/imports/progress", method: .post, body: ByteBuffer(string: csv)) { r in
                    #expect(r.status == .unprocessableContent)
                    let report = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
                    let errors = try #require(report["errors"] as? [[String: Any]])
                    #expect(errors.count == 1 && errors[0]["code"] as? String == "not_yours" && errors[0]["row"] as? Int == 3)
                    #expect(errors[0]["column"] as? String == "operator")
                }
                // Kinds the role may not send at all.
                try await operatorClient.execute(uri: "/api/v1/imports/targets", method: .post, body: ByteBuffer(string: "x")) { r in
                    #expect(r.status == .forbidden)
                }
                let owner = try await TestAccess.client(client, service.store, role: .resourceOwner, owner: "杆塔公司")
                let offer = "resource_id,owner,kind,region_code,lat,lon\r\nR1,别人的公司,street_lamp,\(ctcc.regionCode),\(ctcc.lat),\(ctcc.lon)\r\n"
                try await owner.execute(uri: "/api/v1/imports/resources", method: .post, body: ByteBuffer(string: offer)) { r in
                    #expect(r.status == .unprocessableContent)
                    #expect(String(buffer: r.body).contains("not_yours"))
                }
                // Its own rows land, recorded under the account and its token.
                let mine = "site_code,operator,stage,occurred_at\r\n\(cmcc.siteCode),cmcc,designed,2020-06-01\r\n"
                try await operatorClient.execute(uri: "/api/v1/imports/progress", method: .post, body: ByteBuffer(string: mine)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                }
            }
            // Its row, and the receipt of its report, both under its account and token.
            let written = try await service.store.events(after: before, limit: 100)
            #expect(written.map(\.event.body.kind) == ["stage.reported", "report.received"])
            #expect(written.allSatisfy { $0.event.via != nil && $0.event.actor == written[0].event.actor })
        }
    }

    @Test(arguments: Backend.available)
    func badAccountsAreRefusedWithAClearMessage(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let accounts = TestAccess.accounts(service.store)
            let t = Instant(Date())
            let cases: [(Account, String, String)] = [
                (Account(name: "x'; DROP TABLE accounts;--", role: .leader, createdAt: t), Self.password, "bad_account_name"),
                (Account(name: "demo", role: .leader, createdAt: t), Self.password, "reserved_account_name"),
                (Account(name: "d1", role: .district, createdAt: t), Self.password, "account_needs_region"),
                (Account(name: "d2", role: .district, region: "999999", createdAt: t), Self.password, "account_needs_region"),
                (Account(name: "o1", role: .operator, createdAt: t), Self.password, "account_needs_operator"),
                (Account(name: "l1", role: .leader, region: "500103", createdAt: t), Self.password, "account_takes_no_scope"),
                (Account(name: "l2", role: .leader, createdAt: t), "short", "weak_password"),
            ]
            for (account, password, code) in cases {
                do {
                    try await accounts.createAccount(account, password: password)
                    Issue.record("accepted \(account.name)")
                } catch let e as RolloutError {
                    #expect(e.code == code, "\(account.name)")
                    #expect(!e.message(.zh).isEmpty && e.message(.zh) != Catalogue.text("internal", .zh))
                }
            }
            #expect(try await service.store.accounts().isEmpty)
            _ = try await accounts.createAccount(Account(name: "same", role: .leader, createdAt: t), password: Self.password)
            do {
                try await accounts.createAccount(Account(name: "same", role: .leader, createdAt: t), password: Self.password)
                Issue.record("a second account of one name")
            } catch let e as RolloutError { #expect(e.code == "account_exists") }
        }
    }

    @Test(.enabled(if: Backend.available.contains(.postgres)))
    func aSessionMadeOnOneInstanceIsValidOnAnother() async throws {
        try await Backend.postgres.withStore { first, url in
            let demo = try DemoInstaller.chongqing(seed: 2020, scale: 1, clockDay: DemoCampaign.defaultClockDay, fraction: 0.002)
            _ = try await DemoInstaller.install(demo, into: first, now: Instant(Date()))
            let second = try await SQLCampaignStore.open(url)
            do {
                let name = try await Self.make(first, role: .leader)
                let a = Application(router: buildRouter(service: CampaignService(store: first, clock: .system), security: .init(bcryptCost: 4)))
                let b = Application(router: buildRouter(service: CampaignService(store: second, clock: .system), security: .init(bcryptCost: 4)))
                let cookies = try await a.test(.router) { client in
                    let browser = Browser(client)
                    let r = try await browser.signIn(name, Self.password)
                    #expect(r.status == .seeOther)
                    return browser.cookies
                }
                try await b.test(.router) { client in
                    let browser = Browser(client)
                    browser.cookies = cookies
                    let page = try await browser.send("/?lang=en")
                    #expect(page.status == .ok)
                    #expect(String(buffer: page.body).contains("id=\"who\">\(name)<"))
                }
                try await second.close()
            } catch {
                try? await second.close()
                throw error
            }
        }
    }
}
