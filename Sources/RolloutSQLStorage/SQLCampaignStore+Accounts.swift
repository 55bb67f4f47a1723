import NIOConcurrencyHelpers
import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

extension SQLCampaignStore {
    /// A number that moves whenever a token is revoked or an account disabled or given a new
    /// password: here at once, from another process within the watcher's second.
    public func credentialsVersion() -> Int64 { credentials.withLockedValue { $0.version } }

    func credentialsChanged() { credentials.withLockedValue { $0.version += 1 } }

    /// A number that changes when any token is revoked or account disabled (read by the watcher,
    /// for changes made by other processes).
    func credentialsGeneration() async throws -> Int64 {
        try await read { db in
            let r = try await db.raw("""
                SELECT (SELECT COUNT(*) FROM tokens WHERE revoked_at IS NOT NULL) * 1000003
                     + (SELECT COUNT(*) FROM accounts WHERE disabled_at IS NOT NULL) AS g
                """).first()
            return try r?.int("g") ?? 0
        }
    }

    /// Adds an account; throws `account_exists` when the name is taken.
    public func createAccount(_ account: Account, passwordHash: String) async throws {
        try await write { db in
            if try await db.raw("SELECT name FROM accounts WHERE name = \(bind: account.name)").first() != nil {
                throw RolloutError("account_exists", kind: .conflict, ["value": account.name])
            }
            try await db.raw("""
                INSERT INTO accounts (name, role, region_code, operator, owner, display_name, password_hash, created_at, disabled_at)
                VALUES (\(bind: account.name), \(bind: account.role.rawValue), \(bind: account.region), \(bind: account.operator?.rawValue),
                        \(bind: account.owner), \(bind: account.displayName), \(bind: passwordHash), \(bind: account.createdAt.seconds),
                        \(bind: account.disabledAt?.seconds))
                """).run()
        }
    }

    /// An account by name, with its password hash; nil when there is none.
    public func account(named name: String) async throws -> StoredAccount? {
        try await read { db in
            guard let r = try await db.raw("SELECT * FROM accounts WHERE name = \(bind: name)").first() else { return nil }
            return StoredAccount(account: try Self.account(r), passwordHash: try r.string("password_hash"))
        }
    }

    /// Every account, disabled ones included, by name.
    public func accounts() async throws -> [Account] {
        try await read { db in try await db.raw("SELECT * FROM accounts ORDER BY name").all().map(Self.account) }
    }

    static func account(_ r: any SQLRow) throws -> Account {
        let roleText = try r.string("role")
        guard let role = Role(rawValue: roleText) else { throw RolloutError("unknown_role", ["value": roleText]) }
        return Account(name: try r.string("name"), role: role, region: try r.optionalString("region_code"),
                       operator: try r.optionalString("operator").flatMap(Operator.init(rawValue:)), owner: try r.optionalString("owner"),
                       displayName: try r.string("display_name"), createdAt: Instant(seconds: try r.int("created_at")),
                       disabledAt: try r.optionalInt("disabled_at").map(Instant.init(seconds:)))
    }

    /// Disables an account, ending its sessions everywhere; throws `unknown_account`.
    public func disableAccount(_ name: String, at: Instant) async throws {
        try await write { db in
            guard try await db.raw("SELECT name FROM accounts WHERE name = \(bind: name)").first() != nil else {
                throw RolloutError("unknown_account", kind: .notFound, ["value": name])
            }
            try await db.raw("UPDATE accounts SET disabled_at = \(bind: at.seconds) WHERE name = \(bind: name) AND disabled_at IS NULL").run()
            // Its sessions end with it, on every instance (they all read this table).
            try await db.raw("DELETE FROM persist WHERE account = \(bind: name)").run()
        }
        credentialsChanged()
    }

    /// Sets an account's password hash, ending its sessions everywhere; throws `unknown_account`.
    public func setPasswordHash(_ name: String, _ hash: String) async throws {
        try await write { db in
            guard try await db.raw("SELECT name FROM accounts WHERE name = \(bind: name)").first() != nil else {
                throw RolloutError("unknown_account", kind: .notFound, ["value": name])
            }
            try await db.raw("UPDATE accounts SET password_hash = \(bind: hash) WHERE name = \(bind: name)").run()
            // A new password ends every session signed in with the old one, on every instance.
            try await db.raw("DELETE FROM persist WHERE account = \(bind: name)").run()
        }
        credentialsChanged()
    }

    /// Adds a token; throws `unknown_account` when its account does not exist.
    public func createToken(_ token: StoredToken) async throws {
        try await write { db in
            guard try await db.raw("SELECT name FROM accounts WHERE name = \(bind: token.info.account)").first() != nil else {
                throw RolloutError("unknown_account", kind: .notFound, ["value": token.info.account])
            }
            try await db.raw("""
                INSERT INTO tokens (id, account, secret_hash, label, created_at, revoked_at, last_used_at)
                VALUES (\(bind: token.info.id), \(bind: token.info.account), \(bind: token.secretHash), \(bind: token.info.label),
                        \(bind: token.info.createdAt.seconds), NULL, NULL)
                """).run()
        }
    }

    /// A token by id, with the hash of its secret; nil when there is none.
    public func token(id: String) async throws -> StoredToken? {
        try await read { db in
            guard let r = try await db.raw("SELECT * FROM tokens WHERE id = \(bind: id)").first() else { return nil }
            return StoredToken(info: try Self.token(r), secretHash: try r.string("secret_hash"))
        }
    }

    /// The tokens of an account, oldest first, or (nil) every account's, by account.
    public func tokens(account: String?) async throws -> [TokenInfo] {
        try await read { db in
            let rows = if let account {
                try await db.raw("SELECT * FROM tokens WHERE account = \(bind: account) ORDER BY created_at, id").all()
            } else {
                try await db.raw("SELECT * FROM tokens ORDER BY account, created_at, id").all()
            }
            return try rows.map(Self.token)
        }
    }

    static func token(_ r: any SQLRow) throws -> TokenInfo {
        TokenInfo(id: try r.string("id"), account: try r.string("account"), label: try r.string("label"),
                  createdAt: Instant(seconds: try r.int("created_at")), revokedAt: try r.optionalInt("revoked_at").map(Instant.init(seconds:)),
                  lastUsedAt: try r.optionalInt("last_used_at").map(Instant.init(seconds:)))
    }

    /// Revokes a token (a revoked one keeps its first revocation); throws `unknown_token`.
    public func revokeToken(id: String, at: Instant) async throws {
        try await write { db in
            guard try await db.raw("SELECT id FROM tokens WHERE id = \(bind: id)").first() != nil else {
                throw RolloutError("unknown_token", kind: .notFound, ["value": id])
            }
            try await db.raw("UPDATE tokens SET revoked_at = \(bind: at.seconds) WHERE id = \(bind: id) AND revoked_at IS NULL").run()
        }
        credentialsChanged()
    }

    /// Notes when a token was last used; an unknown id changes nothing.
    public func touchToken(id: String, at: Instant) async throws {
        try await write { db in try await db.raw("UPDATE tokens SET last_used_at = \(bind: at.seconds) WHERE id = \(bind: id)").run() }
    }

    /// Stores a value under a key's hash; false when an unexpired one is there already.
    public func persistCreate(keyHash: String, value: String, expiresAt: Instant?, account: String?, now: Instant) async throws -> Bool {
        try await write { db in
            if let r = try await db.raw("SELECT expires_at FROM persist WHERE key_hash = \(bind: keyHash)").first() {
                if let e = try r.optionalInt("expires_at"), e <= now.seconds {
                    try await db.raw("DELETE FROM persist WHERE key_hash = \(bind: keyHash)").run()
                } else {
                    return false
                }
            }
            try await db.raw("""
                INSERT INTO persist (key_hash, value, expires_at, account)
                VALUES (\(bind: keyHash), \(bind: value), \(bind: expiresAt?.seconds), \(bind: account))
                """).run()
            return true
        }
    }

    /// Stores a value under the hash of a key, replacing any.
    public func persistSet(keyHash: String, value: String, expiresAt: Instant?, account: String?) async throws {
        try await write { db in
            try await db.raw("DELETE FROM persist WHERE key_hash = \(bind: keyHash)").run()
            try await db.raw("""
                INSERT INTO persist (key_hash, value, expires_at, account)
                VALUES (\(bind: keyHash), \(bind: value), \(bind: expiresAt?.seconds), \(bind: account))
                """).run()
        }
    }

    /// The value under a key's hash and when it expires; nil when there is none or it has expired.
    public func persistGet(keyHash: String, now: Instant) async throws -> (value: String, expiresAt: Instant?)? {
        try await read { db in
            guard let r = try await db.raw("SELECT value, expires_at FROM persist WHERE key_hash = \(bind: keyHash)").first() else { return nil }
            let expires = try r.optionalInt("expires_at").map(Instant.init(seconds:))
            if let expires, expires <= now { return nil }
            return (try r.string("value"), expires)
        }
    }

    /// Removes the value under the hash of a key, if any.
    public func persistRemove(keyHash: String) async throws {
        try await write { db in try await db.raw("DELETE FROM persist WHERE key_hash = \(bind: keyHash)").run() }
    }

    /// Removes expired values and sign-in attempt windows that began before `failuresBefore`.
    public func persistPurge(now: Instant, failuresBefore: Instant) async throws {
        try await write { db in
            try await db.raw("DELETE FROM persist WHERE expires_at IS NOT NULL AND expires_at <= \(bind: now.seconds)").run()
            try await db.raw("DELETE FROM signin_attempts WHERE window_start < \(bind: failuresBefore.seconds)").run()
        }
    }

    /// Counts a sign-in attempt under each key and answers each key's attempts in its window.
    public func recordSigninAttempt(keys: [String], at: Instant, windowSince: Instant) async throws -> [Int] {
        try await write { db in
            var counts: [Int] = []
            for key in keys {
                // One statement per key: the row is locked (PostgreSQL) or the database is (SQLite)
                // while it counts, so concurrent attempts each see the others'.
                let r = try await db.raw("""
                    INSERT INTO signin_attempts (key, attempts, window_start) VALUES (\(bind: key), 1, \(bind: at.seconds))
                    ON CONFLICT (key) DO UPDATE SET
                      attempts = CASE WHEN signin_attempts.window_start < \(bind: windowSince.seconds) THEN 1
                                      ELSE signin_attempts.attempts + 1 END,
                      window_start = CASE WHEN signin_attempts.window_start < \(bind: windowSince.seconds) THEN \(bind: at.seconds)
                                          ELSE signin_attempts.window_start END
                    RETURNING attempts
                    """).first()
                counts.append(Int(try r?.int("attempts") ?? 1))
            }
            return counts
        }
    }

    /// Takes back a successful attempt: clears the account's count, lowers the address's by one.
    public func clearSigninAttempt(accountKey: String, addressKey: String?) async throws {
        try await write { db in
            try await db.raw("DELETE FROM signin_attempts WHERE key = \(bind: accountKey)").run()
            if let addressKey {
                try await db.raw("UPDATE signin_attempts SET attempts = attempts - 1 WHERE key = \(bind: addressKey) AND attempts > 0").run()
            }
        }
    }

    /// The `limit` newest events an account caused, newest first.
    public func events(byActor actor: String, limit: Int) async throws -> [LoggedEvent] {
        try await read { db in
            let decoder = JSONDecoder()
            return try await db.raw("""
                SELECT \(unsafeRaw: EventRow.select) FROM events WHERE actor = \(bind: actor) ORDER BY seq DESC LIMIT \(bind: Int64(limit))
                """).all().map { try EventRow.decode($0, decoder: decoder) }
        }
    }
}
