import Foundation
import Hummingbird
import RolloutAccess
import RolloutApplication
import RolloutCore
import RolloutStorage

/// Hummingbird's key-value storage (behind hummingbird-auth's sessions) on the campaign's
/// database, so that a session made on one instance is valid on every other. Keys are stored as
/// their SHA-256: a copy of the database gives no usable session id.
struct SessionPersistDriver: PersistDriver {
    let accounts: AccountService

    var now: Instant { accounts.clock.now() }

    func expiry(_ d: Duration?) -> Instant? { d.map { now.adding(seconds: $0.components.seconds) } }

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        guard try await accounts.keepValue(key: key, value: text, expiresAt: expiry(expires), account: Self.account(of: value)) else {
            throw PersistError.duplicate
        }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        // Keeping the expiry when none is given, as the library's own drivers do.
        try await accounts.replaceValue(key: key, value: text, expiresAt: expiry(expires), keepingExpiry: expires == nil, account: Self.account(of: value))
    }

    /// The account a stored value belongs to: a session's, so that it ends with the account's password.
    static func account<Object>(of value: Object) -> String? { (value as? WebSession)?.account }

    func get<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: Object.self)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let now = self.now
        guard let stored = try await accounts.value(key: key) else { return nil }
        let object = try JSONDecoder().decode(Object.self, from: Data(stored.value.utf8))
        return (object, stored.expiresAt.map { .seconds($0.seconds - now.seconds) })
    }

    func remove(key: String) async throws {
        try await accounts.removeValue(key: key)
    }

    /// Clears expired sessions and old failed sign-ins every ten minutes while the server runs.
    func run() async throws {
        let accounts = self.accounts
        await Periodic.run(every: .seconds(600)) { try? await accounts.purgeExpired() }
    }
}
