import AsyncHTTPClient
import Foundation
import NIOCore

/// A small W3C WebDriver client over chromedriver (Debian's `chromium-driver`): a headless Chromium
/// session that opens pages, runs scripts in them, reads the console and takes screenshots.
final class WebDriver: @unchecked Sendable {
    private let driver: Process
    private let base: String
    private let session: String

    /// Starts chromedriver and a headless browser of the given window size.
    init(browser: String, width: Int = 1366, height: Int = 768) async throws {
        let port = Int.random(in: 20_000...40_000)
        driver = Process()
        driver.executableURL = URL(fileURLWithPath: "/usr/bin/chromedriver")
        driver.arguments = ["--port=\(port)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        base = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<100 where !ready {
            try await Task.sleep(for: .milliseconds(100))
            ready = (try? await WebDriver.call("GET", base + "/status", nil))?["value"] != nil
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:loggingPrefs": ["browser": "ALL"],
            "goog:chromeOptions": ["binary": browser,
                                   "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                            "--hide-scrollbars", "--window-size=\(width),\(height)"]],
        ] as [String: Any]]]
        let answer = try await WebDriver.call("POST", base + "/session", capabilities)
        guard let value = answer["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            kill(driver.processIdentifier, SIGKILL)
            throw WebDriverError(message: "no session: \(answer)")
        }
        session = id
    }

    struct WebDriverError: Error { var message: String }

    /// One WebDriver request, through AsyncHTTPClient: it waits without holding a thread (a curl
    /// started per request held one of the two threads every test shares while the page it asked
    /// for waited on the other); an empty answer when chromedriver cannot be reached or says nothing
    /// that parses.
    static func call(_ method: String, _ url: String, _ body: [String: Any]?) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: url)
        switch method {
        case "POST": request.method = .POST
        case "DELETE": request.method = .DELETE
        default: request.method = .GET
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let bytes: ByteBuffer
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            bytes = try await response.body.collect(upTo: 256 << 20)
        } catch {
            return [:]
        }
        return (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let answer = try await WebDriver.call(method, "\(base)/session/\(session)\(path)", body)
        if let v = answer["value"] as? [String: Any], let e = v["error"] as? String {
            throw WebDriverError(message: "\(e): \(v["message"] ?? "")")
        }
        return answer["value"]
    }

    /// Opens a page and waits for it to load.
    func open(_ url: String) async throws { _ = try await command("POST", "/url", ["url": url]) }

    /// Runs a script in the page; returns its value.
    func run(_ script: String) async throws -> Any? { try await command("POST", "/execute/sync", ["script": script, "args": []]) }

    /// Runs an asynchronous script in the page (it answers by calling `arguments[arguments.length - 1]`);
    /// returns the value it answered with.
    func runAsync(_ script: String) async throws -> Any? { try await command("POST", "/execute/async", ["script": script, "args": []]) }

    /// Chooses a file on disk in the file input a CSS selector names, as a person picking it would.
    func choose(file path: String, in selector: String) async throws {
        guard let found = try await command("POST", "/element", ["using": "css selector", "value": selector]) as? [String: Any],
              let id = found.values.first as? String else { throw WebDriverError(message: "no element \(selector)") }
        _ = try await command("POST", "/element/\(id)/value", ["text": path])
    }

    /// The page's text.
    func text() async throws -> String { (try await run("return document.body.innerText;") as? String) ?? "" }

    /// The text of the element a CSS selector names, or nil.
    func text(of selector: String) async throws -> String? {
        try await run("var e = document.querySelector(\(WebDriver.quoted(selector))); return e ? e.textContent : null;") as? String
    }

    /// The console messages of level SEVERE since the last call.
    func consoleErrors() async throws -> [String] {
        let entries = (try await command("POST", "/se/log", ["type": "browser"]) as? [[String: Any]]) ?? []
        return entries.filter { ($0["level"] as? String) == "SEVERE" }.map { "\($0["message"] ?? "")" }
    }

    /// axe-core's axe.min.js (found by `scripts/axe`), which ROLLOUT_TEST_AXE names; nil when unset.
    static let axePath: String? = ProcessInfo.processInfo.environment["ROLLOUT_TEST_AXE"].flatMap { $0.isEmpty ? nil : $0 }
    /// The text of that file, read once.
    static let axeScript: String? = axePath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }

    /// The current page's violations of the WCAG 2 A and AA rules (2.1's too) as axe-core finds them, one
    /// per element: "<rule> (<impact>): <target> — <help>". Empty when ROLLOUT_TEST_AXE is unset (then
    /// nothing is checked). axe-core is put in the page when it is not there yet. A tag no rule has is left
    /// out (axe.run refuses it, and the axe-core 3.1.1 that axe-selenium-python ships has no wcag21a rule).
    func accessibilityViolations() async throws -> [String] {
        guard let path = WebDriver.axePath else { return [] }
        guard let axe = WebDriver.axeScript else { throw WebDriverError(message: "cannot read axe-core at \(path)") }
        if try await run("return typeof window.axe;") as? String == "undefined" { _ = try await run(axe) }
        let answer = try await runAsync("""
            var done = arguments[arguments.length - 1];
            var tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'].filter(function (tag) { return axe.getRules([tag]).length > 0; });
            axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(function (results) {
                done(results.violations.map(function (v) {
                    return {id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(function (n) { return n.target.join(' '); })};
                }));
            }, function (error) { done('axe.run failed: ' + (error && error.stack || error)); });
            """)
        if let failure = answer as? String { throw WebDriverError(message: failure) }
        guard let violations = answer as? [[String: Any]] else { throw WebDriverError(message: "axe-core answered \(answer ?? "nothing")") }
        return violations.flatMap { v -> [String] in
            let id = v["id"] as? String ?? "?", impact = v["impact"] as? String ?? "?", help = v["help"] as? String ?? ""
            return ((v["targets"] as? [String]) ?? []).map { "\(id) (\(impact)): \($0) — \(help)" }
        }
    }

    /// Saves a PNG screenshot under `.build/screenshots/`.
    func screenshot(_ name: String) async throws {
        guard let b64 = try await command("GET", "/screenshot") as? String, let png = Data(base64Encoded: b64) else { return }
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/screenshots").standardized
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try png.write(to: dir.appendingPathComponent(name))
    }

    /// Opens a new tab and answers its handle (the current tab stays current).
    func newTab() async throws -> String {
        let value = try await command("POST", "/window/new", ["type": "tab"]) as? [String: Any]
        return value?["handle"] as? String ?? ""
    }

    /// Makes a tab current.
    func switchTo(_ handle: String) async throws { _ = try await command("POST", "/window", ["handle": handle]) }

    /// The current tab's handle.
    func currentTab() async throws -> String { try await command("GET", "/window") as? String ?? "" }

    /// Goes back in the current tab's history and waits for the page.
    func back() async throws { _ = try await command("POST", "/back", [:]) }

    /// Resizes the window (a phone is 375 wide).
    func resize(width: Int, height: Int) async throws {
        _ = try await command("POST", "/window/rect", ["width": width, "height": height])
    }

    static func quoted(_ s: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [s])
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    /// Ends the session and chromedriver (killed: it does not always exit on a polite signal, and
    /// `Process.waitUntilExit` spins while it waits).
    func quit() async {
        _ = try? await WebDriver.call("DELETE", "\(base)/session/\(session)", nil)
        kill(driver.processIdentifier, SIGKILL)
    }

    /// Runs `body` with a browser, and always ends it.
    static func with<T>(browser: String, _ body: (WebDriver) async throws -> T) async throws -> T {
        let driver = try await WebDriver(browser: browser)
        do {
            let result = try await body(driver)
            await driver.quit()
            return result
        } catch {
            await driver.quit()
            throw error
        }
    }
}
