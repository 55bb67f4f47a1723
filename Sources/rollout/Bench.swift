import ArgumentParser
import Foundation
import RolloutCore
import RolloutDemo
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication

/// `rollout bench`: benchmarks that print figures.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmarks that print figures.", subcommands: [BenchReads.self, BenchImport.self, BenchFuzz.self, BenchMatch.self, BenchLoad.self, BenchHTTPReference.self])
}

/// `rollout bench reads`: demo generation time and memory, then summary and regions reads at many dates.
struct BenchReads: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reads",
        abstract: "Generate the demo at each scale into a fresh database, then time summary + regions as of many dates.")

    @OptionGroup var common: CommonOptions
    @Option(help: "Comma-separated scales, e.g. 1,100.") var scales = "1"
    @Option(help: "How many dates to read at.") var dates = 20
    @Option(help: "How many times to read each date.") var repeats = 5
    @Option(name: .customLong("as-of"), help: "The demo clock (YYYY-MM-DD).") var asOf = "2020-12-31"
    @Option(help: "Folder for the SQLite files (default: a temporary folder); ignored with a PostgreSQL --database.") var folder: String?
    @Flag(help: "Reuse a demo already generated in the folder at that scale instead of generating it again.") var reuse = false

    func run() async throws {
        try await common.run {
            let list = scales.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !list.isEmpty, list.allSatisfy({ (1...1000).contains($0) }) else { throw RolloutError("bad_scale") }
            guard case .day(let clockDay)? = ShanghaiCalendar.parse(asOf) else { throw RolloutError("bad_date", ["value": asOf]) }
            let dir = folder ?? NSTemporaryDirectory() + "rollout-bench-\(ProcessInfo.processInfo.processIdentifier)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            var medians: [(Int, Double)] = []
            for scale in list {
                let url: DatabaseURL
                if common.database?.hasPrefix("postgres") == true {
                    url = try common.url()
                } else {
                    let path = "\(dir)/bench-scale\(scale).sqlite"
                    if !reuse { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
                    url = .sqlite(path: path)
                }
                let store = try await SQLCampaignStore.open(url)
                _ = try await store.migrate(now: Instant(Date()))
                if reuse, try await store.campaign() != nil {
                    print("scale \(scale): reusing \(url), \(try await store.eventCount()) events")
                } else {
                    let t0 = Date()
                    let demo = try DemoInstaller.chongqing(seed: 2020, scale: scale, clockDay: clockDay)
                    let sideFile = common.database?.hasPrefix("postgres") != true
                    if sideFile { try await store.relaxDurability() }
                    let report = try await DemoInstaller.install(demo, into: store, now: Instant(Date()), sideFile: sideFile)
                    let genSeconds = Date().timeIntervalSince(t0)
                    print(String(format: "scale %d: generated %d sites, %d events in %.1f s (%.0f events/s), peak memory %d MB",
                                 scale, report.sites, report.events, genSeconds, Double(report.events) / genSeconds, PeakMemory.megabytes()))
                }
                flushOutput()
                let start = ShanghaiCalendar.day(of: DemoCampaign.start)
                let days = (0..<dates).map { start + ($0 * (clockDay - start)) / max(1, dates - 1) }
                var timings: [Double] = []
                for _ in 0..<repeats {
                    for d in days {
                        let day = ShanghaiCalendar.dateString(d)
                        // A service of its own each time: what is measured is the read, not the service's cache.
                        let t = Date()
                        _ = try await CampaignService(store: store, clock: common.clock).summary(asOf: day)
                        _ = try await CampaignService(store: store, clock: common.clock).regions(asOf: day)
                        timings.append(Date().timeIntervalSince(t) * 1000)
                    }
                }
                timings.sort()
                let median = timings[timings.count / 2]
                let p95 = timings[min(timings.count - 1, Int(Double(timings.count) * 0.95))]
                print(String(format: "scale %d: summary + regions as of %d dates × %d: median %.1f ms, p95 %.1f ms, max %.1f ms",
                             scale, dates, repeats, median, p95, timings.last!))
                flushOutput()
                // A running server's one service, which keeps what it folds verification from (read once, here first).
                let running = CampaignService(store: store, clock: common.clock)
                var t = Date()
                _ = try await running.summary(asOf: ShanghaiCalendar.dateString(days[0]))
                let first = Date().timeIntervalSince(t) * 1000
                var warm: [Double] = []
                for d in days {
                    t = Date()
                    _ = try await running.summary(asOf: ShanghaiCalendar.dateString(d))
                    _ = try await running.regions(asOf: ShanghaiCalendar.dateString(d))
                    warm.append(Date().timeIntervalSince(t) * 1000)
                }
                warm.sort()
                print(String(format: "scale %d: the same reads by one service (a running server): its first summary %.1f ms, then median %.1f ms, max %.1f ms",
                             scale, first, warm[warm.count / 2], warm.last!))
                flushOutput()
                medians.append((scale, median))
                try await store.close()
            }
            if medians.count > 1 {
                let (smallScale, small) = medians.first!, (largeScale, large) = medians.last!
                print(String(format: "read cost ratio, scale %d / scale %d: %.2f×", largeScale, smallScale, large / small))
            }
        }
    }
}
