import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutPhotos
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// The verification queue in a real headless Chromium, as its people use it: an operator picks
/// photos on its site's page and sends them (one taken far from the site, one without GPS: both go
/// to the queue); the verifier verifies one in Chinese and rejects the other with a reason in
/// English; the pages say so, and the rejected site is rolled back. (In the browser suite, so that
/// it never drives a second browser beside the others.)
extension BrowserTests {
    @Test func anOperatorUploadsAndTheVerifierDecidesInBothLanguages() async throws {
        try await withFreshDemo(fraction: 0.005) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)),
                                  configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            var waiting: [SiteRow] = []
            for stage in Stage.allCases where !stage.isBuilt { waiting += try await service.sites(SiteQuery(operator: .cmcc, stage: stage, perPage: 2)).sites }
            try #require(waiting.count >= 2)
            let (a, b) = (waiting[0], waiting[1])
            let now = try await service.campaign().now(service.clock)
            let cmcc = try await TestAccess.token(service.store, role: .operator, operator: .cmcc)
            let verifier = try await TestAccess.token(service.store, role: .verifier)
            // Both go on air an hour ago (evidence is on in the demo since May).
            let on = ShanghaiCalendar.iso8601(now.adding(seconds: -3600))
            let folder = NSTemporaryDirectory() + "rollout-photos-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let far = try EvidenceWebTests.photo(at: (a.lat + 0.05, a.lon), taken: now.adding(seconds: -4000), tint: 5)
            let blind = try EvidenceWebTests.photo(at: nil, taken: now.adding(seconds: -4000), tint: 6)
            try Data(far).write(to: URL(fileURLWithPath: folder + "/far.jpg"))
            try Data(blind).write(to: URL(fileURLWithPath: folder + "/blind.jpg"))
            try await app.test(.live) { client in
                let base = "http://127.0.0.1:\(try #require(client.port))"
                let api = SignedInClient(base: client, authorization: "Bearer \(cmcc.token)", account: cmcc.account)
                try await api.execute(uri: "/api/v1/imports/progress", method: .post,
                                      body: ByteBuffer(string: "site_code,operator,stage,occurred_at\n\(a.siteCode),cmcc,on_air,\(on)\n\(b.siteCode),cmcc,on_air,\(on)\n")) {
                    #expect($0.status == .ok)
                }
                // The operator sends a photo of each on its site's page.
                try await WebDriver.with(browser: Self.browser) { driver in
                    try await Self.signIn(driver, base, then: Route.site.path("cmcc", a.siteCode) + "?lang=zh", name: cmcc.account, password: "correct horse battery")
                    for (site, file) in [(a, "far.jpg"), (b, "blind.jpg")] {
                        try await driver.open(base + Route.site.path("cmcc", site.siteCode) + "?lang=zh")
                        let state = try await driver.text(of: "#verification-state")
                        let facts = try await driver.text(of: "main") ?? ""
                        #expect(state == "待上传凭证", "\(site.siteCode) awaits its photo: \(state ?? "none") \(facts.prefix(300))")
                        try await driver.choose(file: folder + "/" + file, in: "#evidence-form input[type=file]")
                        _ = try await driver.run("document.querySelector('#evidence-form button[type=submit]').click();")
                        for _ in 0..<600 where (try await driver.run("return document.querySelectorAll('#uploaded').length;") as? Int) != 1 {
                            try await Task.sleep(for: .milliseconds(100))
                        }
                        #expect(try await driver.text(of: "#uploaded")?.contains("照片已保存") == true, "\(site.siteCode): uploaded")
                        #expect(try await driver.text(of: "#verification-state") == "待核验", "\(site.siteCode): in the queue")
                        let errors = try await driver.consoleErrors(); #expect(errors == [], "\(errors)")
                        try await Self.expectAccessible(driver, "site page with its upload form")
                    }
                    try await driver.screenshot("evidence-uploaded-zh-1366.png")
                }
                // The verifier works the queue: verifies a in Chinese, rejects b with a reason in English.
                try await WebDriver.with(browser: Self.browser) { driver in
                    try await Self.signIn(driver, base, then: "/verification?lang=zh", name: verifier.account, password: "correct horse battery")
                    for key in [a.siteCode, b.siteCode] {
                        #expect(try await driver.run("return document.querySelectorAll('#queue tr[data-site=\"cmcc/\(key)\"]').length;") as? Int == 1, "\(key) queued")
                        #expect(try await driver.run("return document.querySelectorAll('#queue-map circle[data-site=\"cmcc/\(key)\"]').length;") as? Int == 1, "\(key) on the map")
                    }
                    try await Self.expectAccessible(driver, "verification zh")
                    _ = try await driver.run("document.querySelector('#queue tr[data-site=\"cmcc/\(a.siteCode)\"] button[value=verified]').click();")
                    for _ in 0..<600 where (try await driver.run("return document.querySelectorAll('#done').length;") as? Int) != 1 { try await Task.sleep(for: .milliseconds(100)) }
                    #expect(try await driver.text(of: "#done")?.contains("已保存") == true)
                    #expect(try await driver.run("return document.querySelectorAll('#queue tr[data-site=\"cmcc/\(a.siteCode)\"]').length;") as? Int == 0, "a decided")
                    try await driver.open(base + "/verification?lang=en")
                    _ = try await driver.run("""
                        var row = document.querySelector('#queue tr[data-site="cmcc/\(b.siteCode)"]');
                        row.querySelector('input[name=reason]').value = 'No GPS: not this site';
                        row.querySelector('button[value=rejected]').click();
                        """)
                    for _ in 0..<600 where (try await driver.run("return document.querySelectorAll('#done').length;") as? Int) != 1 { try await Task.sleep(for: .milliseconds(100)) }
                    #expect(try await driver.text(of: "#done") == "Saved.")
                    #expect(try await driver.text(of: "h1")?.contains("Verification") == true)
                    let errors = try await driver.consoleErrors(); #expect(errors == [], "\(errors)")
                    try await driver.screenshot("verification-en-1366.png")
                    // The site pages say where each opening stands.
                    try await driver.open(base + Route.site.path("cmcc", a.siteCode) + "?lang=en")
                    #expect(try await driver.text(of: "#verification-state") == "verified")
                    try await driver.open(base + Route.site.path("cmcc", b.siteCode) + "?lang=en")
                    #expect(try await driver.text(of: "#verification-state")?.contains("rejected：No GPS: not this site") == true)
                    #expect(try await driver.text(of: "[data-live=\"stage\"]") == Stage.installed.name(.en))
                }
            }
        }
    }
}
