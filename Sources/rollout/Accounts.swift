import ArgumentParser
import Foundation
import RolloutAccess
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
import RolloutTexts

/// `rollout account …`: the accounts of the organisations that use the platform.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Add, list and disable accounts; set a password.",
        subcommands: [Add.self, List.self, Disable.self, Password.self])

    /// A password read from standard input (first line), or a new random one printed once.
    static func password(fromStdin: Bool) -> (password: String, generated: Bool) {
        if fromStdin, let line = readLine(strippingNewline: true) { return (line, false) }
        return (AccountService.random(bytes: 12, hex: false), true)
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The sign-in name: 2–40 lower-case letters, digits, '.', '_' or '-'.") var name: String
        @Option(help: "city_office, leader, district, operator, resource_owner or admin.") var role: String
        @Option(help: "A district's region code.") var region: String?
        @Option(name: .customLong("operator"), help: "An operator's code (cmcc, ctcc, cucc, cbn, tower).") var op: String?
        @Option(help: "A resource owner's name, as its offers write it.") var owner: String?
        @Option(name: .customLong("display-name"), help: "The organisation or person.") var displayName = ""
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input; else a random one is printed once.")
        var passwordStdin = false

        func run() async throws {
            try await common.run {
                guard let role = Role(rawValue: role) else { throw RolloutError("unknown_role", ["value": role]) }
                var op: Operator? = nil
                if let text = self.op {
                    guard let o = Operator(codeOrName: text) else { throw RolloutError("unknown_operator", ["value": text]) }
                    op = o
                }
                let (password, generated) = AccountCommand.password(fromStdin: passwordStdin)
                let account = try await common.withStore { store in
                    try await AccountService(store: store, clock: common.clock).createAccount(
                        Account(name: name, role: role, region: region, operator: op, owner: owner, displayName: displayName,
                                createdAt: Instant(Date())), password: password)
                }
                common.say("account_created", ["value": account.name])
                if generated { print(password) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var common: CommonOptions

        func run() async throws {
            try await common.run {
                for a in try await common.withStore({ try await $0.accounts() }) {
                    let scope = a.region ?? a.operator?.rawValue ?? a.owner ?? ""
                    print([a.name, a.role.rawValue, scope, a.displayName, a.disabledAt.map { "disabled \($0)" } ?? ""].joined(separator: "\t"))
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: its sessions and tokens stop working at once.")
        @OptionGroup var common: CommonOptions
        @Argument var name: String

        func run() async throws {
            try await common.run {
                try await common.withStore { try await $0.disableAccount(name, at: Instant(Date())) }
                common.say("account_disabled", ["value": name])
            }
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set an account's password.")
        @OptionGroup var common: CommonOptions
        @Argument var name: String
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input; else a random one is printed once.")
        var passwordStdin = false

        func run() async throws {
            try await common.run {
                let (password, generated) = AccountCommand.password(fromStdin: passwordStdin)
                try await common.withStore { try await AccountService(store: $0, clock: common.clock).setPassword(name, password) }
                if generated { print(password) }
            }
        }
    }
}

/// `rollout token …`: API tokens for the operators' own systems.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token for an account; it is printed once, only its hash is kept.")
        @OptionGroup var common: CommonOptions
        @Option(help: "The account the token acts for.") var account: String
        @Option(help: "What the token is for.") var label = ""

        func run() async throws {
            try await common.run {
                let made = try await common.withStore { try await AccountService(store: $0, clock: common.clock).createToken(account: account, label: label) }
                FileHandle.standardError.write(Data((Catalogue.text("token_created", common.language, ["id": made.info.id, "account": account]) + "\n").utf8))
                print(made.token)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var common: CommonOptions
        @Option(help: "Only this account's.") var account: String?

        func run() async throws {
            try await common.run {
                for t in try await common.withStore({ try await $0.tokens(account: account) }) {
                    print([t.id, t.account, t.label, t.createdAt.description, t.revokedAt.map { "revoked \($0)" } ?? "",
                           t.lastUsedAt.map { "used \($0)" } ?? ""].joined(separator: "\t"))
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token: it stops working at once.")
        @OptionGroup var common: CommonOptions
        @Argument var id: String

        func run() async throws {
            try await common.run {
                try await common.withStore { try await $0.revokeToken(id: id, at: Instant(Date())) }
                common.say("token_revoked", ["value": id])
            }
        }
    }
}
