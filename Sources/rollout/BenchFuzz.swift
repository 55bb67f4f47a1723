import ArgumentParser
import Foundation
import RolloutCore
import RolloutDemo
import RolloutImport
import RolloutReference
import RolloutStorage

/// `rollout bench fuzz`: mutated bulk files through the importer; prints how many, how fast, and what they got.
struct BenchFuzz: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fuzz", abstract: "Feed the importer random mutations of valid files.")

    @OptionGroup var common: CommonOptions
    @Option(help: "How many mutated files.") var inputs = 100_000
    @Option(help: "Seed of the mutations.") var seed: UInt64 = 1

    func run() async throws {
        try await common.run {
            let path = NSTemporaryDirectory() + "rollout-fuzz-\(ProcessInfo.processInfo.processIdentifier)/fuzz.sqlite"
            let store = try await SQLCampaignStore.open(.sqlite(path: path))
            let now = ShanghaiCalendar.parseInstant("2020-06-15T12:00:00+08:00")!
            _ = try await store.migrate(now: now)
            try await store.createCampaign(Campaign(name: "fuzz", start: ShanghaiCalendar.parseInstant("2020-01-01")!, deadline: now), clock: now,
                                           regions: try Chongqing.regions(), outlines: try DemoInstaller.outlineGeometries(), now: now)
            let sites = "站址编码,运营商,区县代码,站名,纬度,经度,站型,频段,承载,计划开通日期\r\nWZ-001,移动,500101,\"万州\"\"江南\"\",一号站\",30.81,108.376,宏站,n41,new_tower,2020-06-30\r\nYZ-1,ctcc,500103,渝中,29.557,106.577,indoor,,indoor_system,\r\n"
            let progress = "site_code,operator,stage,occurred_at,note,rollback_reason\nWZ-001,cmcc,开通,2020-06-01,\"a, b\",\nWZ-001,cmcc,designed,2020/5/2,,返工\n"
            let obstacles = "site_code,operator,region_code,category,description,opened_at,ref,resolved_at\n,,500101,power,\"<script>\",2020-05-01,R1,2020-05-03\n"
            let seeds: [(ImportKind, Data)] = [
                (.sites, Data(sites.utf8)), (.sites, sites.data(using: String.Encoding(rawValue: 0x8000_0632))!),
                (.progress, Data(progress.utf8)), (.obstacles, Data(obstacles.utf8)),
                (.targets, Data("region_code,operator,target,due\n500101,,10,2020-06-30\n".utf8)),
            ]
            let t = Date()
            let summary = try await Fuzzer.run(store: store, seeds: seeds, inputs: inputs, seed: seed, now: now)
            let seconds = Date().timeIntervalSince(t)
            try await store.close()
            print(String(format: "fuzz: %d inputs in %.1f s (%.0f/s), no crash; %d clean, %d rejected", summary.inputs, seconds,
                         Double(summary.inputs) / seconds, summary.committed, summary.rejected))
            print("first error codes: " + summary.codes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
    }
}
