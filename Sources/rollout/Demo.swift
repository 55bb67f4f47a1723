import ArgumentParser
import Foundation
import RolloutCore
import RolloutDemo
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication

extension DemoVariant: ExpressibleByArgument {}

/// `rollout demo`: generates the Chongqing 2020 demo campaign if the database has none, then serves it.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Generate the Chongqing 2020 demo campaign (once) and serve it.")

    @OptionGroup var common: CommonOptions
    @Option(help: "Seed of the generator: the same seed gives the same campaign.") var seed: UInt64 = 2020
    @Option(name: .customLong("as-of"), help: "Where the demo's clock stands (YYYY-MM-DD, within 2020).") var asOf: String?
    @Option(help: "standard, or stall-surge: four regions stop building from 10 to 31 May and four build late (for back-testing the forecast).")
    var variant: DemoVariant = .standard
    @Option(help: "Multiplies the number of sites (1 = Chongqing 2020), for benchmarks.") var scale = 1
    @Flag(name: .customLong("no-serve"), help: "Generate only; do not serve.") var noServe = false
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(name: .customLong("access-log"), help: "The request log: off (the default here, so the demo's accounts stay in view) or json.")
    var accessLog: AccessLogFormat = .off
    @OptionGroup(title: "Notifications") var notify: NotifyOptions

    func run() async throws {
        try await common.run {
            guard (1...1000).contains(scale) else { throw RolloutError("bad_scale") }
            let smtp = try notify.smtpSettings()
            var clockDay = DemoCampaign.defaultClockDay
            if let asOf {
                guard case .day(let d)? = ShanghaiCalendar.parse(asOf) else { throw RolloutError("bad_date", ["value": asOf]) }
                guard DemoCampaign.clockRange.contains(d) else {
                    throw RolloutError("demo_as_of_range", ["start": ShanghaiCalendar.dateString(DemoCampaign.clockRange.lowerBound),
                                                            "end": ShanghaiCalendar.dateString(DemoCampaign.clockRange.upperBound)])
                }
                clockDay = d
            }
            let url = try common.url()
            let store = try await Demo.prepare(url: url, seed: seed, scale: scale, clockDay: clockDay, variant: variant, common: common)
            let created = try await DemoAccounts.ensure(store, url: url)
            if noServe {
                try await DemoAccounts.show(store, url: url, passwords: created, common: common)
                try await store.close()
            } else {
                // Printed once the address is known: the last lines the user sees.
                try await Serve.serve(store: store, host: host, port: port, accessLog: accessLog == .json ? .standardOutput : .off,
                                      publicURL: notify.publicURL, smtp: smtp, common: common) {
                    try? await DemoAccounts.show(store, url: url, passwords: created, common: common)
                }
            }
        }
    }

    /// Opens the database, generating the demo into it when it holds no campaign.
    ///
    /// An SQLite demo is generated into a side file and renamed into place when complete, so a
    /// generation that is stopped half-way leaves nothing behind; on PostgreSQL it is one transaction.
    static func prepare(url: DatabaseURL, seed: UInt64, scale: Int, clockDay: DayNumber, variant: DemoVariant = .standard,
                        common: CommonOptions) async throws -> SQLCampaignStore {
        let now = Instant(Date())
        if case .sqlite(let path) = url, !FileManager.default.fileExists(atPath: path) {
            let partial = path + ".partial"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: partial + suffix) }
            let store = try await SQLCampaignStore.openSideFile(path: partial)
            do {
                _ = try await store.migrate(now: now)
                try await generate(into: store, seed: seed, scale: scale, clockDay: clockDay, variant: variant, now: now, common: common, sideFile: true)
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: partial + suffix) }
            return try await common.openChecked()
        }
        let store = try await SQLCampaignStore.open(url)
        do {
            _ = try await store.migrate(now: now)
            if try await store.campaign() == nil {
                try await generate(into: store, seed: seed, scale: scale, clockDay: clockDay, variant: variant, now: now, common: common)
            } else {
                common.say("demo_exists", ["path": url.description])
            }
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    static func generate(into store: SQLCampaignStore, seed: UInt64, scale: Int, clockDay: DayNumber, variant: DemoVariant = .standard, now: Instant,
                         common: CommonOptions, sideFile: Bool = false) async throws {
        let started = Date()
        // The outlines' text is split on another core while the plan is made (0.7 s of 1.5 s saved).
        let outlines = Task.detached { try DemoInstaller.outlineGeometries() }
        let demo = try DemoInstaller.chongqing(seed: seed, scale: scale, clockDay: clockDay, variant: variant)
        _ = try await outlines.value
        let report = try await DemoInstaller.install(demo, into: store, now: now, sideFile: sideFile)
        common.say("demo_ready", ["name": DemoCampaign.name, "sites": "\(report.sites)", "events": "\(report.events)",
                                  "clock": report.clock.description])
        if demo.variant != .standard {
            common.say("demo_variant", ["variant": demo.variant.rawValue, "stalling": demo.stallingRegions.joined(separator: ", "),
                                        "surging": demo.surgingRegions.joined(separator: ", ")])
        }
        common.say("demo_timing", ["seconds": String(format: "%.1f", Date().timeIntervalSince(started)),
                                   "memory": "\(PeakMemory.megabytes())"])
    }
}
