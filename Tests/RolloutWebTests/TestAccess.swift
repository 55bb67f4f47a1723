import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutAccess
import RolloutCore
import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// A test client that sends every request with an account's API token (unless the request sets
/// its own `Authorization`).
struct SignedInClient: TestClientProtocol {
    let base: any TestClientProtocol
    let authorization: String
    let account: String

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var h = headers
        if h[.authorization] == nil { h[.authorization] = authorization }
        return try await base.executeRequest(uri: uri, method: method, headers: h, body: body)
    }

    var port: Int? { base.port }
}

/// Accounts and tokens for tests: bcrypt at its lowest cost, names that never collide.
enum TestAccess {
    /// A live server of `service` for the event streams (which need a port) and a client that asks
    /// every other route through the router itself: the live client gives up after a fixed 20 s,
    /// which a debug build's first read of the track record can pass while all the other suites run.
    @discardableResult
    static func withServer<T: Sendable>(_ service: CampaignService,
                                        _ body: @escaping @Sendable (_ port: Int?, _ client: any TestClientProtocol) async throws -> T) async throws -> T {
        let live = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)),
                               configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let direct = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
        return try await live.test(.live) { server in
            let port = server.port
            return try await direct.test(.router) { client in try await body(port, client) }
        }
    }

    static func accounts(_ store: any CampaignStore) -> AccountService { AccountService(store: store, cost: 4, clock: .system) }

    /// A new account of a role (with the scope given) and a token for it.
    static func token(_ store: any CampaignStore, role: Role = .cityOffice, region: String? = nil, operator op: Operator? = nil,
                      owner: String? = nil, password: String = "correct horse battery") async throws -> (account: String, token: String) {
        let name = "t" + AccountService.random(bytes: 5, hex: true)
        let service = accounts(store)
        try await service.createAccount(Account(name: name, role: role, region: region, operator: op, owner: owner,
                                                createdAt: Instant(Date())), password: password)
        return (name, try await service.createToken(account: name, label: "test").token)
    }

    /// The client acting for a new account of a role (the city office unless said otherwise).
    static func client(_ base: any TestClientProtocol, _ store: any CampaignStore, role: Role = .cityOffice, region: String? = nil,
                       operator op: Operator? = nil, owner: String? = nil) async throws -> SignedInClient {
        let (account, token) = try await token(store, role: role, region: region, operator: op, owner: owner)
        return SignedInClient(base: base, authorization: "Bearer \(token)", account: account)
    }
}
