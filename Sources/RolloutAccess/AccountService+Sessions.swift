import RolloutCore
import RolloutStorage

/// The web sessions' key-value storage in the campaign's database (shared by every instance):
/// values under the SHA-256 of their key, with an expiry and the account they belong to.
extension AccountService {
    /// Stores a value under a key, failing (false) when one is there and alive.
    public func keepValue(key: String, value: String, expiresAt: Instant?, account: String?) async throws -> Bool {
        try await store.persistCreate(keyHash: Self.sha256(key), value: value, expiresAt: expiresAt, account: account, now: now)
    }

    /// Stores a value under a key, replacing any; with no expiry given, the stored one's stays.
    public func replaceValue(key: String, value: String, expiresAt: Instant?, keepingExpiry: Bool, account: String?) async throws {
        let keyHash = Self.sha256(key)
        var expiry = expiresAt
        if keepingExpiry { expiry = try await store.persistGet(keyHash: keyHash, now: now)?.expiresAt }
        try await store.persistSet(keyHash: keyHash, value: value, expiresAt: expiry, account: account)
    }

    /// The value under a key, unless it has expired.
    public func value(key: String) async throws -> (value: String, expiresAt: Instant?)? {
        try await store.persistGet(keyHash: Self.sha256(key), now: now)
    }

    /// Removes the value under a key.
    public func removeValue(key: String) async throws { try await store.persistRemove(keyHash: Self.sha256(key)) }

    /// Removes expired values and sign-in attempt windows that have ended.
    public func purgeExpired() async throws {
        let now = self.now
        try await store.persistPurge(now: now, failuresBefore: now.adding(seconds: -Self.window))
    }
}
