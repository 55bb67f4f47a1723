import Foundation
import RolloutAccess
import RolloutCore
import RolloutDemo
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
import RolloutTexts

/// The demo's accounts: one per role, districts and operators for a few of each, with random
/// passwords kept in a file beside the database (readable by its owner only) and printed once,
/// when they are created; later starts name the accounts and the file, not the passwords.
enum DemoAccounts {
    static let accounts: [Account] = {
        let t = Instant(seconds: 0)
        return [
            Account(name: "office", role: .cityOffice, displayName: "市5G建设工作专班办公室", createdAt: t),
            Account(name: "leader", role: .leader, displayName: "市领导", createdAt: t),
            Account(name: "sysadmin", role: .admin, displayName: "系统管理员", createdAt: t),
            Account(name: "inspector", role: .inspector, displayName: "市通信管理局安全检查组", createdAt: t),
            Account(name: "verifier", role: .verifier, displayName: "第三方核验机构（示例）", createdAt: t),
            Account(name: "yuzhong", role: .district, region: "500103", displayName: "渝中区5G建设办", createdAt: t),
            Account(name: "jiangbei", role: .district, region: "500105", displayName: "江北区5G建设办", createdAt: t),
            Account(name: "wanzhou", role: .district, region: "500101", displayName: "万州区5G建设办", createdAt: t),
        ] + Operator.allCases.map { Account(name: $0.rawValue, role: .operator, operator: $0, displayName: $0.chineseName, createdAt: t) }
          + [Account(name: "poles", role: .resourceOwner, owner: "重庆智慧杆塔示例公司", displayName: "重庆智慧杆塔示例公司（虚构）", createdAt: t)]
    }()

    /// Where the passwords are kept for a database.
    static func file(for url: DatabaseURL) -> URL {
        switch url {
        case .sqlite(let path): URL(fileURLWithPath: path + ".accounts.txt")
        default: URL(fileURLWithPath: "data/demo-accounts.txt")
        }
    }

    /// Creates the accounts in a database that has none, keeping their passwords in ``file(for:)``;
    /// answers whether it created them.
    @discardableResult
    static func ensure(_ store: SQLCampaignStore, url: DatabaseURL) async throws -> Bool {
        let file = file(for: url)
        guard try await store.accounts().isEmpty else { return false }
        let service = AccountService(store: store, clock: CommonOptions.systemClock)
        // The passwords are hashed side by side, one a core (bcrypt is slow on purpose: about 0.25 s a hash).
        let passwords = accounts.map { _ in AccountService.random(bytes: 9, hex: false) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, account) in accounts.enumerated() {
                if i >= ProcessInfo.processInfo.activeProcessorCount { try await group.next() }
                group.addTask { try await service.createAccount(account, password: passwords[i]) }
            }
            try await group.waitForAll()
        }
        let lines = zip(accounts, passwords).map { account, password in
            "\(account.name)\t\(password)\t\(account.role.rawValue)\t\(account.region ?? account.operator?.rawValue ?? account.owner ?? "")"
        }
        // A few subscriptions without an address: the notifications page shows them, off until set.
        if try await store.subscriptions().isEmpty {
            for s in DemoSubscriptions.all(at: CommonOptions.systemClock.now()) { _ = try await store.addSubscription(s) }
        }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: file.path, contents: Data((lines.joined(separator: "\n") + "\n").utf8),
                                       attributes: [.posixPermissions: 0o600])
        return true
    }

    /// Prints the accounts; with `passwords` (right after they were made) each with its password,
    /// otherwise only where the passwords are kept.
    static func show(_ store: SQLCampaignStore, url: DatabaseURL, passwords: Bool, common: CommonOptions) async throws {
        let file = file(for: url)
        common.say(passwords ? "demo_accounts" : "demo_accounts_kept", ["value": file.path])
        let known = passwords
            ? (try? String(contentsOf: file, encoding: .utf8))?.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) } ?? []
            : []
        for account in try await store.accounts() {
            let password = known.first { $0.first == account.name }?.dropFirst().first ?? (passwords ? "—" : "")
            let scope = account.region ?? account.operator?.rawValue ?? account.owner ?? ""
            print("  \(account.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(password.padding(toLength: 14, withPad: " ", startingAt: 0)) "
                  + "\(Catalogue.text("page_role_\(account.role.rawValue)", common.language)) \(scope)")
        }
        flushOutput()
    }
}
