import Foundation
import Hummingbird
import RolloutAccess
import RolloutApplication
import RolloutCore
import RolloutStorage

/// The accounts: the administrator's list, one account's page (its role and scope, its tokens, and
/// what it did: the log is the audit trail), and the API's `me` and account list.
enum AccountsPage {
    /// Events shown on an account's page.
    static let actionsShown = 100

    struct AccountJSON: Encodable {
        var name: String, role: String, region: String?, `operator`: String?, owner: String?, displayName: String
        var createdAt: String, disabledAt: String?
        init(_ a: Account) {
            name = a.name; role = a.role.rawValue; region = a.region; self.operator = a.operator?.rawValue; owner = a.owner
            displayName = a.displayName; createdAt = a.createdAt.description; disabledAt = a.disabledAt?.description
        }
    }

    struct ListModel { var accounts: [Account]; var regions: [Region] }
    struct AccountModel { var account: Account; var regions: [Region]; var tokens: [TokenInfo]; var events: [LoggedEvent]; var subscriptions: [SubscriptionLine] }

    static func add(to router: Router<RolloutContext>, service: CampaignService, accounts: AccountService) {
        router.on(.accounts) { request, context in
            let c = try await PageHandler.context(request, context, service: service, moment: false)
            return HTMLPage.html(listView(ListModel(accounts: try await accounts.accounts(), regions: try await service.regionList()), context: c))
        }
        router.on(.account) { request, context in
            let principal = try context.requirePrincipal()
            let name = try context.parameters.require("name")
            guard Access.maySeeAccount(name, principal) else { throw RolloutError("forbidden_account", kind: .forbidden) }
            guard let account = try await accounts.account(named: name) else {
                throw RolloutError("unknown_account", kind: .notFound, ["value": name])
            }
            let c = try await PageHandler.context(request, context, service: service, moment: false)
            let m = AccountModel(account: account, regions: try await service.regionList(), tokens: try await accounts.tokens(account: name),
                                 events: try await accounts.actions(of: name, limit: actionsShown),
                                 subscriptions: try await service.subscriptionLines(for: principal).filter { $0.subscription.account == name })
            return HTMLPage.html(accountView(m, context: c))
        }
        router.on(.apiMe) { _, context in
            let principal = try context.requirePrincipal()
            guard let account = try await accounts.account(named: principal.account) else {
                throw RolloutError("signin_required", kind: .unauthenticated)
            }
            struct Me: Encodable { var account: AccountJSON; var token: String? }
            return try JSONResponse.ok(Me(account: AccountJSON(account), token: principal.token))
        }
        router.on(.apiAccounts) { _, _ in
            try JSONResponse.ok(try await accounts.accounts().map(AccountJSON.init))
        }
    }

    /// What an account is tied to, as text.
    static func scope(_ a: Account, _ c: PageContext, _ regions: [Region]) -> String {
        if let r = a.region { return regions.first { $0.code == r }.map { c.name($0) } ?? r }
        if let op = a.operator { return c.name(op) }
        return a.owner ?? "—"
    }
}
