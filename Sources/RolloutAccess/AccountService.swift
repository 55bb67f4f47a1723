import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix
import RolloutCore
import RolloutStorage
import NIOConcurrencyHelpers

/// Accounts, passwords and API tokens: creating them, signing in (with its rate limit), and
/// turning a token into the account it acts for. Passwords are kept as bcrypt hashes, token
/// secrets as SHA-256 (they are long and random, so a slow hash adds nothing).
public struct AccountService: Sendable {
    let store: any CampaignStore
    /// bcrypt's cost: 2^cost rounds (12 ≈ 0.25 s here; tests use less).
    let cost: UInt8
    /// The wall clock that dates accounts, tokens and sign-in attempts.
    public let clock: WallClock
    /// Verified tokens and active accounts, kept while no credential has changed on this instance,
    /// and at most five seconds: a token of an account disabled through another instance (which
    /// this one's version does not see) stops working within that time everywhere.
    let verified = NIOLockedValueBox<[String: (principal: Principal, version: Int64, at: ContinuousClock.Instant)]>([:])
    /// How many passwords this service has checked with bcrypt (what a flood of sign-ins costs).
    public let passwordChecks = NIOLockedValueBox<Int>(0)
    static let verifiedLifetime: TimeInterval = 5
    static let verifiedCapacity = 10_000

    /// Failed sign-ins allowed per account name, and per address, within ``window``.
    public static let perAccount = 5
    /// Failed sign-ins allowed per address within ``window`` (one address may carry many people).
    public static let perAddress = 30
    /// The window failed sign-ins are counted in, in seconds (15 minutes).
    public static let window: Int64 = 15 * 60
    /// The shortest password accepted.
    public static let minPasswordLength = 10

    /// A service over `store`, hashing passwords with bcrypt at `cost` (12 unless told).
    public init(store: any CampaignStore, cost: UInt8 = 12, clock: WallClock) {
        self.store = store; self.cost = cost; self.clock = clock
    }

    var now: Instant { clock.now() }

    // MARK: Accounts

    /// Creates an account after checking its name, its scope against the campaign's regions and its password.
    @discardableResult
    public func createAccount(_ account: Account, password: String) async throws -> Account {
        let regions = Set(try await store.regions().map(\.code))
        var account = try account.validated(regionCodes: regions)
        account.createdAt = now
        guard password.count >= Self.minPasswordLength else { throw RolloutError("weak_password") }
        try await store.createAccount(account, passwordHash: try await hash(password))
        return account
    }

    /// Sets a new password.
    public func setPassword(_ name: String, _ password: String) async throws {
        guard password.count >= Self.minPasswordLength else { throw RolloutError("weak_password") }
        try await store.setPasswordHash(name, try await hash(password))
    }

    /// The account a session names, unless it has been disabled since.
    public func activeAccount(_ name: String) async throws -> Account? {
        guard let stored = try await store.account(named: name), stored.account.disabledAt == nil else { return nil }
        return stored.account
    }

    /// The principal of a session's account (nil when disabled), from the cache while credentials are unchanged.
    public func principal(sessionAccount name: String) async throws -> Principal? {
        try await cached("session:" + name) { try await activeAccount(name)?.principal() }
    }

    /// A verified principal under a key, or `verify`'s answer (kept when not nil).
    func cached(_ key: String, _ verify: () async throws -> Principal?) async throws -> Principal? {
        let version = store.credentialsVersion()
        // The cache's age is measured on the monotonic clock: it is no statement about the campaign's time.
        let now = ContinuousClock.now
        if let hit = verified.withLockedValue({ $0[key] }), hit.version == version, hit.at.duration(to: now) < .seconds(Self.verifiedLifetime) {
            return hit.principal
        }
        guard let principal = try await verify() else { return nil }
        verified.withLockedValue { v in
            if v.count >= Self.verifiedCapacity { v.removeAll() }
            v[key] = (principal, version, now)
        }
        return principal
    }

    /// Checks a name and password. The attempt is counted first, for the name and the address, in
    /// one atomic step; one past the allowed number within the window is refused before the
    /// password is looked at, so concurrent attempts cannot all slip under the limit. A success
    /// takes its attempt back (and clears the name's count). A wrong name, a wrong password and a
    /// disabled account get the same answer, after the same work.
    public func signIn(name: String, password: String, address: String?) async throws -> Account {
        let now = self.now
        let since = now.adding(seconds: -Self.window)
        let accountKey = "account:\(name.lowercased().prefix(64))"
        let addressKey = address.map { "address:\($0)" }
        let tooMany = RolloutError("too_many_signins", kind: .tooMany, ["value": "\(Self.window / 60)"])
        // The address first: one past its limit is refused before the name is counted, so one
        // address cannot fill the table with names (nor lock out more than a few accounts).
        if let addressKey, try await store.recordSigninAttempt(keys: [addressKey], at: now, windowSince: since)[0] > Self.perAddress {
            throw tooMany
        }
        if try await store.recordSigninAttempt(keys: [accountKey], at: now, windowSince: since)[0] > Self.perAccount { throw tooMany }
        let stored = try await store.account(named: name)
        let ok = try await verify(password, hash: stored?.passwordHash ?? Self.decoyHash)
        guard ok, let account = stored?.account, account.disabledAt == nil else {
            throw RolloutError("bad_credentials", kind: .unauthenticated)
        }
        try await store.clearSigninAttempt(accountKey: accountKey, addressKey: addressKey)
        return account
    }

    // MARK: Tokens

    /// Creates a token for an account; the returned text is the only copy of its secret.
    public func createToken(account name: String, label: String) async throws -> (info: TokenInfo, token: String) {
        guard let stored = try await store.account(named: name) else { throw RolloutError("unknown_account", kind: .notFound, ["value": name]) }
        guard stored.account.disabledAt == nil else { throw RolloutError("bad_credentials", kind: .unauthenticated) }
        guard label.count <= 200 else { throw RolloutError("text_too_long", ["value": "200"]) }
        let id = Self.random(bytes: 6, hex: true)
        let secret = Self.random(bytes: 32, hex: false)
        let info = TokenInfo(id: id, account: name, label: label, createdAt: now)
        try await store.createToken(StoredToken(info: info, secretHash: Self.sha256(secret)))
        return (info, "rlt_\(id)_\(secret)")
    }

    /// The principal of a bearer token: refused when malformed, unknown, revoked, or its account
    /// disabled. A verified token is kept (by the hash of the whole token) until a credential changes.
    public func principal(bearer token: String) async throws -> Principal {
        guard token.count <= 100, let principal = try await cached("token:" + Self.sha256(token), { try await verify(bearer: token) }) else {
            throw RolloutError("bad_token", kind: .unauthenticated)
        }
        return principal
    }

    func verify(bearer token: String) async throws -> Principal? {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "rlt", parts[1].count == 12, parts[2].count >= 40, token.count <= 100,
              let stored = try await store.token(id: String(parts[1])),
              Self.constantTimeEqual(stored.secretHash, Self.sha256(String(parts[2]))),
              stored.info.revokedAt == nil,
              let account = try await activeAccount(stored.info.account)
        else { return nil }
        let now = self.now
        if (stored.info.lastUsedAt.map { now.seconds - $0.seconds > 3600 } ?? true) {
            // Noted at most hourly, and never in the request's way.
            let store = self.store
            Task.detached { try? await store.touchToken(id: stored.info.id, at: now) }
        }
        return account.principal(token: stored.info.id)
    }

    // MARK: Helpers

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        passwordChecks.withLockedValue { $0 += 1 }
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash to check a password against when the name is unknown, so that both take as long.
    static let decoyHash = Bcrypt.hash("rollout-decoy-password", cost: 12)

    /// SHA-256 in hex (asked on every request that carries a token: no Foundation formatting).
    public static func sha256(_ text: String) -> String {
        hex(Array(SHA256.hash(data: Array(text.utf8))))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: bytes.count * 2)
        for (i, b) in bytes.enumerated() { out[2 * i] = digits[Int(b >> 4)]; out[2 * i + 1] = digits[Int(b & 15)] }
        return String(decoding: out, as: UTF8.self)
    }

    /// Random bytes from the system's generator, as hex or URL-safe base64 without padding.
    public static func random(bytes: Int, hex: Bool) -> String {
        var g = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &g) })
        if hex { return Self.hex(Array(data)) }
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares secrets in a time that does not depend on where they differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
