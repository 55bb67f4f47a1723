import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import RolloutStorage
@testable import RolloutWeb

/// The pages in a real headless Chromium (installed by `scripts/browser`, named by ROLLOUT_TEST_BROWSER):
/// the rendered page shows the API's numbers, in Chinese and in English. Screenshots go to
/// `.build/screenshots/` for a person to look at.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ROLLOUT_TEST_BROWSER"] != nil))
struct BrowserTests {
    static let browser = ProcessInfo.processInfo.environment["ROLLOUT_TEST_BROWSER"] ?? "chromium"

    /// Runs headless Chromium on a URL; returns the rendered DOM.
    static func render(_ url: String, screenshot: String?, width: Int = 1366, height: Int = 768) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                         "--user-data-dir=\(dir.path)", "--window-size=\(width),\(height)"]
        if let screenshot {
            let shots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/screenshots").standardized
            try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: browser)
            p.arguments = arguments + ["--screenshot=\(shots.appendingPathComponent(screenshot).path)", url]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: browser)
        p.arguments = arguments + ["--dump-dom", url]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func theOverviewShowsTheAPIsNumbersInBothLanguages() async throws {
        let service = try await DemoFixture.shared.service()
        let app = Application(router: buildRouter(service: service), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let summary = try await service.summary(asOf: "2020-06-01")
            let regions = try await service.regions(asOf: "2020-06-01")
            for (lang, name, label) in [("zh", "渝中区", "目标"), ("en", "Yuzhong District", "Target")] {
                let base = "http://127.0.0.1:\(port)/?as_of=2020-06-01&lang=\(lang)"
                let dom = try await Task.detached { try Self.render(base, screenshot: "overview-\(lang)-1366.png") }.value
                #expect(dom.contains("<b>\(summary.target)</b>"), "\(lang)")
                #expect(dom.contains("<b>\(summary.progress)</b>"), "\(lang)")
                #expect(dom.contains("<b>\(summary.built)</b>"), "\(lang)")
                #expect(dom.contains(name) && dom.contains(label))
                let first = try #require(regions.min { $0.rank < $1.rank })
                #expect(dom.contains(lang == "zh" ? first.name : first.nameEn))
                _ = try await Task.detached { try Self.render(base, screenshot: "overview-\(lang)-375.png", width: 375, height: 812) }.value
            }
            // A bad date shows an error page in the user's language, not a 500.
            let bad = try await Task.detached { try Self.render("http://127.0.0.1:\(port)/?as_of=31-May&lang=zh", screenshot: nil) }.value
            #expect(bad.contains("不是有效的日期"))
        }
    }
}
