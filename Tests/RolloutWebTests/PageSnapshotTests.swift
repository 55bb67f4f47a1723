import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutAccess
import RolloutCore
import RolloutDemo
import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
import RolloutTestSupport
import SnapshotTesting
import Testing
@testable import RolloutWeb

/// A demo campaign of its own, accounts with fixed names and a fixed moment: every page renders
/// the same bytes on every run, so a change of markup shows as a changed snapshot to review.
actor SnapshotFixture {
    static let shared = SnapshotFixture()
    static let created = ShanghaiCalendar.start(of: ShanghaiCalendar.parseDay("2020-04-01")!)
    /// The accounts, the district's for a region given.
    static func accounts(region: String) -> [(name: String, role: Role, region: String?, operator: Operator?, owner: String?)] {
        [("snap-office", .cityOffice, nil, nil, nil), ("snap-leader", .leader, nil, nil, nil),
         ("snap-district", .district, region, nil, nil), ("snap-cmcc", .operator, nil, .cmcc, nil),
         ("snap-owner", .resourceOwner, nil, nil, "国网重庆市电力公司"), ("snap-admin", .admin, nil, nil, nil)]
    }
    private var task: Task<(CampaignService, [String: String], ObstacleRow), any Error>?

    /// The store, a token for each fixed account, and the obstacle shown (its region is the district's).
    func fixture() async throws -> (CampaignService, [String: String], ObstacleRow) {
        if task == nil {
            task = Task {
                let path = NSTemporaryDirectory() + "rollout-snapshots-\(UUID().uuidString)/rollout.sqlite"
                let store = try await SQLCampaignStore.open(.sqlite(path: path))
                _ = try await store.migrate(now: Self.created)
                let demo = try DemoInstaller.chongqing(seed: 2020, scale: 1, clockDay: DemoCampaign.defaultClockDay, fraction: 0.02)
                _ = try await DemoInstaller.install(demo, into: store, now: Self.created)
                let service = CampaignService(store: store, clock: .system)
                let obstacle = try #require(try await service.obstacles(ObstacleQuery(status: .open, perPage: 1), asOf: "2020-06-10").obstacles.first)
                let accounts = TestAccess.accounts(store)
                var tokens: [String: String] = [:]
                for a in Self.accounts(region: obstacle.regionCode) {
                    try await accounts.createAccount(Account(name: a.name, role: a.role, region: a.region, operator: a.operator,
                                                             owner: a.owner, createdAt: Self.created), password: "correct horse battery")
                    tokens[a.name] = try await accounts.createToken(account: a.name, label: "snapshots").token
                }
                // The demo's subscriptions (off: no address) and one of the district's own, on.
                for sub in DemoSubscriptions.all(at: Self.created) where sub.account == nil { _ = try await store.addSubscription(sub) }
                _ = try await store.addSubscription(Subscription(id: 0, account: "snap-district", scope: .region(obstacle.regionCode),
                                                                 topics: [.escalation, .dispatched],
                                                                 channel: .webhook(url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K", format: .wecom,
                                                                                   style: .markdown, secret: nil),
                                                                 digest: false, language: .zh, createdAt: Self.created, createdBy: "snap-district"))
                return (service, tokens, obstacle)
            }
        }
        return try await task!.value
    }
}

@Suite struct PageSnapshotTests {
    static let moment = "as_of=2020-06-10&known_at=2020-06-10"

    /// The page with what differs from run to run masked: form tokens, token ids, request ids, and the
    /// instants stamped by the clock of the machine (accounts and tokens made, used).
    static func stable(_ html: String) -> String {
        var s = html
        for (pattern, mask) in [(#"name="csrf" value="[^"]*""#, #"name="csrf" value="(csrf)""#),
                                (#"<td class="l">[0-9a-f]{12}</td>"#, #"<td class="l">(token id)</td>"#),
                                (#"(request id: |请求编号：)[0-9a-f]{16}"#, "$1(request id)"),
                                (#"20(2[1-9]|[3-9]\d)-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00"#, "(now)")] {
            s = s.replacingOccurrences(of: pattern, with: mask, options: .regularExpression)
        }
        return s
    }

    /// Every page as each kind of account sees it, in both languages.
    @Test(arguments: [Language.zh, .en]) func everyPageRendersAsReviewed(language: Language) async throws {
        let (service, tokens, obstacle) = try await SnapshotFixture.shared.fixture()
        let region = obstacle.regionCode
        let site = try #require(try await service.sites(SiteQuery(perPage: 1), asOf: "2020-06-10").sites.first)
        let lang = "lang=\(language.rawValue)"
        let pages: [(name: String, account: String?, uri: String)] = [
            ("overview", "snap-office", "/?\(Self.moment)&\(lang)"),
            ("overview-leader", "snap-leader", "/?\(Self.moment)&\(lang)"),
            ("overview-owner", "snap-owner", "/?\(Self.moment)&\(lang)"),
            ("region", "snap-office", "/regions/\(region)?\(Self.moment)&\(lang)"),
            ("region-district", "snap-district", "/regions/\(region)?\(Self.moment)&\(lang)"),
            ("region-owner", "snap-owner", "/regions/\(region)?\(Self.moment)&\(lang)"),
            ("operator", "snap-office", "/operators/cmcc?\(Self.moment)&\(lang)"),
            ("site", "snap-office", "/sites/\(site.operator)/\(site.siteCode)?\(Self.moment)&\(lang)"),
            ("obstacle", "snap-office", "/obstacles/\(obstacle.org)/\(obstacle.ref)?\(Self.moment)&\(lang)"),
            ("escalate", "snap-district", "/obstacles/\(obstacle.org)/\(obstacle.ref)/escalate?back=/&\(lang)"),
            ("dispatch", "snap-office", "/dispatch?\(lang)"),
            ("unit", "snap-office", "/units/district_gov?\(Self.moment)&\(lang)"),
            ("accounts", "snap-admin", "/accounts?\(lang)"),
            ("account", "snap-admin", "/accounts/snap-cmcc?\(lang)"),
            ("quota", "snap-office", "/quota?\(Self.moment)&\(lang)"),
            ("bulletins", "snap-office", "/bulletins?\(lang)"),
            ("supervision", "snap-office", "/supervision?\(Self.moment)&\(lang)"),
            ("reporting", "snap-office", "/reporting?\(Self.moment)&\(lang)"),
            ("reconciliation", "snap-office", "/reconciliation?status=all&\(Self.moment)&\(lang)"),
            ("reconciliation-district", "snap-district", "/reconciliation?\(Self.moment)&\(lang)"),
            ("sharing", "snap-office", "/sharing?\(lang)"),
            ("notifications", "snap-office", "/notifications?\(lang)"),
            ("scorecard", "snap-leader", "/scorecard?\(Self.moment)&\(lang)"),
            ("scorecard-office", "snap-office", "/scorecard?\(Self.moment)&\(lang)"),
            ("adoption", "snap-leader", "/adoption?\(Self.moment)&\(lang)"),
            ("plan", "snap-office", "/plan?\(Self.moment)&\(lang)"),
            ("plan-operator", "snap-cmcc", "/plan?\(Self.moment)&\(lang)"),
            ("adoption-district", "snap-district", "/adoption?region=\(region)&\(Self.moment)&\(lang)"),
            ("safety", "snap-leader", "/safety?\(Self.moment)&\(lang)"),
            ("safety-district", "snap-district", "/safety?\(Self.moment)&\(lang)"),
            ("verification", "snap-office", "/verification?\(Self.moment)&\(lang)"),
            ("notifications-district", "snap-district", "/notifications?\(lang)"),
            ("sharing-owner", "snap-owner", "/sharing?\(lang)"),
            ("forecast", "snap-leader", "/forecast?\(Self.moment)&\(lang)"),
            ("forecast-region", "snap-leader", "/forecast?region=\(region)&\(Self.moment)&\(lang)"),
            ("signin", nil, "/signin?\(lang)"),
            ("not-found", "snap-office", "/regions/000000?\(lang)"),
            ("hostile", "snap-office", "/operators/%3Cscript%3Ealert(1)%3C%2Fscript%3E?\(lang)"),
        ]
        let app = Application(router: buildRouter(service: service))
        try await app.test(.router) { client in
            for page in pages {
                var headers: HTTPFields = [:]
                if let account = page.account { headers[.authorization] = "Bearer \(tokens[account]!)" }
                let html = try await client.execute(uri: page.uri, method: .get, headers: headers) { String(buffer: $0.body) }
                assertSnapshot(of: Self.stable(html), as: .lines, named: "\(page.name)-\(language.rawValue)")
            }
        }
    }
}
