import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// Accounts, tokens, session data and failed sign-ins, on every available database.
@Suite struct AccountStoreTests {
    static let t = Instant(seconds: 1_600_000_000)

    @Test(arguments: Backend.available)
    func accountsTokensSessionsAndFailuresAreKeptAndRefusedAsTheySayOn(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            let a = Account(name: "yuzhong", role: .district, region: "500103", displayName: "渝中区'; DROP TABLE accounts;--", createdAt: Self.t)
            try await store.createAccount(a, passwordHash: "$2b$hash")
            await #expect(throws: RolloutError("account_exists", kind: .conflict, ["value": "yuzhong"])) {
                try await store.createAccount(a, passwordHash: "other")
            }
            #expect(try await store.account(named: "yuzhong") == StoredAccount(account: a, passwordHash: "$2b$hash"))
            #expect(try await store.account(named: "nobody") == nil)
            try await store.setPasswordHash("yuzhong", "$2b$new")
            #expect(try await store.account(named: "yuzhong")?.passwordHash == "$2b$new")
            await #expect(throws: RolloutError.self) { try await store.setPasswordHash("nobody", "x") }

            // Tokens: only for an account; revoked once, and it stays revoked at the first time.
            let token = StoredToken(info: TokenInfo(id: "abcdef012345", account: "yuzhong", label: "系统", createdAt: Self.t), secretHash: "h")
            try await store.createToken(token)
            await #expect(throws: RolloutError.self) {
                try await store.createToken(StoredToken(info: TokenInfo(id: "x", account: "nobody", label: "", createdAt: Self.t), secretHash: "h"))
            }
            try await store.revokeToken(id: "abcdef012345", at: Self.t.adding(seconds: 10))
            try await store.revokeToken(id: "abcdef012345", at: Self.t.adding(seconds: 20))
            #expect(try await store.token(id: "abcdef012345")?.info.revokedAt == Self.t.adding(seconds: 10))
            await #expect(throws: RolloutError.self) { try await store.revokeToken(id: "nope", at: Self.t) }
            #expect(try await store.tokens(account: "yuzhong").map(\.id) == ["abcdef012345"])

            // Disabling keeps the account and its first disabling time.
            try await store.disableAccount("yuzhong", at: Self.t.adding(seconds: 5))
            try await store.disableAccount("yuzhong", at: Self.t.adding(seconds: 50))
            #expect(try await store.accounts().first?.disabledAt == Self.t.adding(seconds: 5))

            // Session data: created once, read until it expires, replaced, removed.
            #expect(try await store.persistCreate(keyHash: "k", value: "v1", expiresAt: Self.t.adding(seconds: 100), account: nil, now: Self.t))
            #expect(try await !store.persistCreate(keyHash: "k", value: "v2", expiresAt: nil, account: nil, now: Self.t))
            #expect(try await store.persistGet(keyHash: "k", now: Self.t)?.value == "v1")
            #expect(try await store.persistGet(keyHash: "k", now: Self.t.adding(seconds: 100)) == nil)
            #expect(try await store.persistCreate(keyHash: "k", value: "v3", expiresAt: nil, account: nil, now: Self.t.adding(seconds: 200)))
            try await store.persistSet(keyHash: "k", value: "v4", expiresAt: nil, account: nil)
            #expect(try await store.persistGet(keyHash: "k", now: Self.t.adding(seconds: 999_999))?.value == "v4")
            try await store.persistRemove(keyHash: "k")
            #expect(try await store.persistGet(keyHash: "k", now: Self.t) == nil)

            // Sign-in attempts, counted per key within a window that starts anew when old, taken back on success, purged.
            #expect(try await store.recordSigninAttempt(keys: ["account:x", "address:1.2.3.4"], at: Self.t, windowSince: Self.t.adding(seconds: -900)) == [1, 1])
            #expect(try await store.recordSigninAttempt(keys: ["account:x"], at: Self.t.adding(seconds: 60), windowSince: Self.t.adding(seconds: -840)) == [2])
            #expect(try await store.recordSigninAttempt(keys: ["account:x", "address:1.2.3.4"], at: Self.t.adding(seconds: 61), windowSince: Self.t.adding(seconds: -839)) == [3, 2])
            try await store.clearSigninAttempt(accountKey: "account:x", addressKey: "address:1.2.3.4")
            #expect(try await store.recordSigninAttempt(keys: ["account:x", "address:1.2.3.4"], at: Self.t.adding(seconds: 62), windowSince: Self.t.adding(seconds: -838)) == [1, 2])
            // A window begun before `windowSince` starts again at one.
            #expect(try await store.recordSigninAttempt(keys: ["address:1.2.3.4"], at: Self.t.adding(seconds: 2000), windowSince: Self.t.adding(seconds: 1100)) == [1])
            try await store.persistPurge(now: Self.t, failuresBefore: Self.t.adding(seconds: 1000))
            #expect(try await store.recordSigninAttempt(keys: ["account:x"], at: Self.t.adding(seconds: 2001), windowSince: Self.t) == [1])

            // Sessions name their account: a new password or a disabled account ends them.
            #expect(try await store.persistCreate(keyHash: "s1", value: "{}", expiresAt: nil, account: "yuzhong", now: Self.t))
            #expect(try await store.persistCreate(keyHash: "s2", value: "{}", expiresAt: nil, account: "other", now: Self.t))
            try await store.setPasswordHash("yuzhong", "$2b$04$abcdefghijklmnopqrstuu5n0nBcJk0A5o0jHq8bD1S2JmW6y1K6i")
            #expect(try await store.persistGet(keyHash: "s1", now: Self.t) == nil)
            #expect(try await store.persistGet(keyHash: "s2", now: Self.t) != nil)

            // What an account did: its events, newest first, with the token they came with.
            try await store.createCampaign(Campaign(name: "c", start: Self.t, deadline: Self.t.adding(days: 100)), clock: nil,
                                           regions: [Region(code: "500103", nameZh: "渝中区", nameEn: "Yuzhong", kind: .district)],
                                           outlines: [:], now: Self.t)
            let reg = SiteRegistration(site: SiteKey(operator: .cmcc, code: "S1"), regionCode: "500103", name: "n", lat: 29.5, lon: 106.5, kind: .macro)
            _ = try await store.append([
                NewEvent(.siteRegistered(reg), occurredAt: Self.t, recordedAt: Self.t, actor: "yuzhong", via: "abcdef012345"),
                NewEvent(.stageReported(site: reg.site, stage: .designed, note: nil), occurredAt: Self.t.adding(seconds: 9), recordedAt: Self.t.adding(seconds: 9), actor: "other"),
            ])
            let mine = try await store.events(byActor: "yuzhong", limit: 10)
            #expect(mine.count == 1 && mine[0].event.via == "abcdef012345" && mine[0].event.body.kind == "site.registered")
        }
    }
}
