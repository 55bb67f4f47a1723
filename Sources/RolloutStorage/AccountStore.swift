import RolloutCore

/// A stored account with its password hash (bcrypt), for signing in.
public struct StoredAccount: Sendable, Equatable {
    /// The account: its name, role, scope and dates.
    public var account: Account
    /// The bcrypt hash of its password.
    public var passwordHash: String

    /// An account with its password hash.
    public init(account: Account, passwordHash: String) {
        self.account = account; self.passwordHash = passwordHash
    }
}

/// A stored token: who it belongs to and the SHA-256 of its secret.
public struct StoredToken: Sendable, Equatable {
    /// The token's id, account, label and dates.
    public var info: TokenInfo
    /// The SHA-256 of its secret, in hexadecimal (the secret itself is never kept).
    public var secretHash: String

    /// A token with the hash of its secret.
    public init(info: TokenInfo, secretHash: String) { self.info = info; self.secretHash = secretHash }
}

/// The accounts, their tokens, the web sessions and failed sign-ins, in the campaign's database
/// (so that every instance on one PostgreSQL shares them).
public protocol AccountStore: Sendable {
    /// Adds an account; throws `account_exists` when the name is taken.
    func createAccount(_ account: Account, passwordHash: String) async throws
    /// An account by name, with its password hash.
    func account(named name: String) async throws -> StoredAccount?
    /// Every account, by name.
    func accounts() async throws -> [Account]
    /// Disables an account (it keeps its history); throws `unknown_account`.
    func disableAccount(_ name: String, at: Instant) async throws
    /// Sets an account's password hash; throws `unknown_account`.
    func setPasswordHash(_ name: String, _ hash: String) async throws

    /// Adds a token.
    func createToken(_ token: StoredToken) async throws
    /// A token by id.
    func token(id: String) async throws -> StoredToken?
    /// The tokens of an account (or all).
    func tokens(account: String?) async throws -> [TokenInfo]
    /// A number that moves whenever a token is revoked or an account disabled (here at once; by
    /// another process within a second while the store watches its changes): what was verified
    /// under an older number must be verified again.
    func credentialsVersion() -> Int64
    /// Revokes a token; throws `unknown_token`.
    func revokeToken(id: String, at: Instant) async throws
    /// Notes when a token was last used.
    func touchToken(id: String, at: Instant) async throws

    /// Stores a value under the hash of a key, failing with `duplicate` when one is there and alive.
    func persistCreate(keyHash: String, value: String, expiresAt: Instant?, account: String?, now: Instant) async throws -> Bool
    /// Stores a value under the hash of a key, replacing any.
    func persistSet(keyHash: String, value: String, expiresAt: Instant?, account: String?) async throws
    /// The value under the hash of a key, unless it has expired.
    func persistGet(keyHash: String, now: Instant) async throws -> (value: String, expiresAt: Instant?)?
    /// Removes the value under the hash of a key.
    func persistRemove(keyHash: String) async throws
    /// Removes expired values and sign-in attempt windows that began before `failuresBefore`.
    func persistPurge(now: Instant, failuresBefore: Instant) async throws

    /// Counts one sign-in attempt under each key (the account name, the address), atomically, and
    /// answers each key's attempts in its window (a window that began before `windowSince` starts anew).
    func recordSigninAttempt(keys: [String], at: Instant, windowSince: Instant) async throws -> [Int]
    /// Takes back a successful attempt: the account's count is cleared, the address's lowered by one.
    func clearSigninAttempt(accountKey: String, addressKey: String?) async throws

    /// The events an account caused, newest first.
    func events(byActor actor: String, limit: Int) async throws -> [LoggedEvent]
}
