import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutAccess
import RolloutCore
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// What a crowd, a script or a hostile page cannot do: race the sign-in limit, keep a session
/// after the password changed, send an endless body, hold endless event streams, or frame a page.
@Suite struct HardeningTests {
    static let t = Instant(seconds: 1_590_000_000)

    @Test(arguments: Backend.available)
    func fiftyConcurrentWrongPasswordsCostAtMostTheAllowedChecks(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            let accounts = AccountService(store: store, cost: 4, clock: .system)
            try await accounts.createAccount(Account(name: "target", role: .leader, createdAt: Self.t), password: "correct horse battery")
            let before = accounts.passwordChecks.withLockedValue { $0 }
            let answers = await withTaskGroup(of: String.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        do { _ = try await accounts.signIn(name: "target", password: "wrong password!", address: nil); return "ok" }
                        catch let e as RolloutError { return e.code }
                        catch { return "\(error)" }
                    }
                }
                var all: [String] = []
                for await a in group { all.append(a) }
                return all
            }
            let checks = accounts.passwordChecks.withLockedValue { $0 } - before
            #expect(checks <= AccountService.perAccount, "\(checks) bcrypt checks for 50 concurrent attempts")
            #expect(answers.filter { $0 == "bad_credentials" }.count == checks)
            #expect(answers.filter { $0 == "too_many_signins" }.count == 50 - checks)
            // Locked out now, even with the right password; the right password earlier clears the count.
            await #expect(throws: RolloutError.self) { try await accounts.signIn(name: "target", password: "correct horse battery", address: nil) }
            try await accounts.createAccount(Account(name: "other", role: .leader, createdAt: Self.t), password: "correct horse battery")
            for _ in 0..<3 { _ = try? await accounts.signIn(name: "other", password: "wrong", address: nil) }
            _ = try await accounts.signIn(name: "other", password: "correct horse battery", address: nil)
            // Three failures then a success: the count starts again, so five more wrong passwords are all checked.
            for _ in 0..<AccountService.perAccount {
                await #expect(throws: RolloutError("bad_credentials", kind: .unauthenticated)) {
                    try await accounts.signIn(name: "other", password: "wrong", address: nil)
                }
            }
        }
    }

    /// Two instances on one database: a session made on one works on the other, and a new
    /// password (or a disabled account) ends it on both.
    @Test(arguments: Backend.available)
    func aNewPasswordEndsTheSessionsOnEveryInstance(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.005) { service in
            let one = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let two = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let name = try await SignInTests.make(service.store, role: .leader)
            let disabled = try await SignInTests.make(service.store, role: .leader)
            try await one.test(.router) { a in
                try await two.test(.router) { b in
                    let first = SignInTests.Browser(a)
                    #expect(try await first.signIn(name, SignInTests.password).status == .seeOther)
                    let second = SignInTests.Browser(b)
                    second.cookies = first.cookies
                    #expect(try await second.send("/").status == .ok)
                    let third = SignInTests.Browser(a)
                    #expect(try await third.signIn(disabled, SignInTests.password).status == .seeOther)

                    try await TestAccess.accounts(service.store).setPassword(name, "a brand new password")
                    try await service.store.disableAccount(disabled, at: Instant(Date()))
                    for browser in [first, second, third] {
                        let page = try await browser.send("/")
                        #expect(page.status == .seeOther && page.headers[.location]?.hasPrefix("/signin") == true)
                    }
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func pagesCarryTheBrowsersDefencesAndNoInlineScript(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.005) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            try await app.test(.router) { client in
                let signedIn = try await TestAccess.client(client, service.store)
                for path in ["/signin", "/", "/regions/500103", "/api/v1/summary", "/nowhere"] {
                    let r = path == "/signin" ? try await client.executeRequest(uri: path, method: .get, headers: [:], body: nil)
                        : try await signedIn.executeRequest(uri: path, method: .get, headers: [:], body: nil)
                    let policy = try #require(r.headers[.contentSecurityPolicy], "\(path)")
                    let scriptSource = policy.split(separator: ";").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("script-src") }
                    #expect(scriptSource?.contains("unsafe-inline") == false && scriptSource?.contains("'self'") == true)
                    #expect(policy.contains("frame-ancestors 'none'"))
                    #expect(r.headers[.xContentTypeOptions] == "nosniff")
                    #expect(r.headers[.init("Referrer-Policy")!] != nil)
                    let body = String(buffer: r.body)
                    // Every script comes from a file: no <script> without src, no inline handlers.
                    for piece in body.components(separatedBy: "<script").dropFirst() {
                        #expect(piece.prefix(while: { $0 != ">" }).contains("src="), "\(path): inline script")
                    }
                    #expect(body.range(of: #" on[a-z]+=""#, options: .regularExpression) == nil, "\(path): inline handler")
                }
            }
        }
    }

    @Test func oversizedBodiesGet413InTheUsersLanguage() async throws {
        var limits = Limits()
        limits.formBodyBytes = 2048
        limits.importBodyBytes = 4096
        try await withFreshDemo(fraction: 0.005) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4, limits: limits)))
            try await app.test(.router) { client in
                let office = try await TestAccess.client(client, service.store)
                let file = ByteBuffer(string: "site_code,operator,stage,occurred_at\n" + String(repeating: "S,cmcc,on_air,2020-05-01\n", count: 400))
                let big = try await client.executeRequest(uri: "/api/v1/imports/progress", method: .post,
                                                          headers: [.authorization: office.authorization, .acceptLanguage: "en"], body: file)
                #expect(big.status == .contentTooLarge)
                #expect(String(buffer: big.body).contains("\"code\":\"request_too_large\""))
                #expect(String(buffer: big.body).contains("4096"))
                let form = ByteBuffer(string: "name=x&password=" + String(repeating: "p", count: 3000))
                let signIn = try await client.executeRequest(uri: "/signin", method: .post,
                                                             headers: [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: "zh"], body: form)
                #expect(signIn.status == .contentTooLarge)
                #expect(String(buffer: signIn.body).contains("请求体过大"))
            }
        }
        // A body without a declared length is counted as it streams and cut at the cap.
        var seen = 0
        do {
            for try await chunk in CappedBody(base: RequestBody(buffer: ByteBuffer(repeating: 1, count: 5000)), limit: 4096,
                                              error: RolloutError("request_too_large", kind: .tooLarge)) { seen += chunk.readableBytes }
            Issue.record("a body past the cap was read whole")
        } catch let e as RolloutError {
            #expect(e.code == "request_too_large" && seen <= 4096)
        }
    }

    @Test func eachAccountHoldsABoundedNumberOfEventStreams() throws {
        let quota = StreamQuota(perAccount: 3)
        #expect(quota.perAccount == 16, "never fewer than 16: a person with many tabs is served")
        var held = try (0..<16).map { _ in try quota.acquire("office") }
        #expect(throws: RolloutError.self) { try quota.acquire("office") }
        _ = try quota.acquire("leader")
        held.removeLast().release()
        #expect(quota.count("office") == 15)
        held.append(try quota.acquire("office"))
        // A ticket given back twice counts once; one dropped is given back.
        held[0].release(); held[0].release()
        #expect(quota.count("office") == 15)
        held.removeAll()
        #expect(quota.count("office") == 0)
    }

    /// The stream route itself refuses an account that holds its bound, with 429 in its language, and serves another.
    @Test(arguments: Backend.available)
    func theStreamRouteRefusesAnAccountAtItsBound(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.005) { service in
            let quota = StreamQuota(perAccount: 16)
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4), streams: quota))
            try await app.test(.router) { client in
                let full = try await TestAccess.client(client, service.store, role: .leader)
                let held = try (0..<16).map { _ in try quota.acquire(full.account) }
                let refused = try await full.executeRequest(uri: "/api/v1/events/stream", method: .get, headers: [.acceptLanguage: "en"], body: nil)
                #expect(refused.status == .tooManyRequests)
                #expect(String(buffer: refused.body).contains("too_many_streams"))
                #expect(held.count == 16 && quota.count(full.account) == 16)
            }
        }
    }

    @Test func limitsComeFromTheEnvironmentAndRefuseNonsense() throws {
        let limits = try Limits.from(environment: ["ROLLOUT_MAX_IMPORT_BYTES": "1000000", "ROLLOUT_MAX_STREAMS_PER_ACCOUNT": "40"])
        #expect(limits.importBodyBytes == 1_000_000 && limits.eventStreamsPerAccount == 40 && limits.formBodyBytes == Limits.standard.formBodyBytes)
        #expect(throws: RolloutError.self) { try Limits.from(environment: ["ROLLOUT_MAX_STREAMS_PER_ACCOUNT": "4"]) }
        #expect(throws: RolloutError.self) { try Limits.from(environment: ["ROLLOUT_MAX_FIELD_BYTES": "lots"]) }
        #expect(Set(Limits.settings.map(\.environment)).count == Limits.settings.count)
    }
}
