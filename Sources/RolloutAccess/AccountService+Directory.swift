import RolloutCore
import RolloutStorage

/// The accounts as the accounts page lists them: who they are, their tokens, what they did.
extension AccountService {
    /// Every account, by name.
    public func accounts() async throws -> [Account] { try await store.accounts() }

    /// An account by name (disabled ones included), or nil.
    public func account(named name: String) async throws -> Account? { try await store.account(named: name)?.account }

    /// The tokens of an account (or all).
    public func tokens(account: String?) async throws -> [TokenInfo] { try await store.tokens(account: account) }

    /// The events an account caused, newest first.
    public func actions(of name: String, limit: Int) async throws -> [LoggedEvent] { try await store.events(byActor: name, limit: limit) }
}
