import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
import RolloutDemo
import RolloutReference
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// `kill -9` in the middle of a large import: the database is exactly as before and opens normally.
@Suite struct KillTests {
    static var executable: URL? { RolloutExecutable.url }

    @Test(arguments: Backend.available)
    func aKilledImportLeavesTheDatabaseAsBefore(backend: Backend) async throws {
        let executable = try #require(Self.executable)
        try await backend.withStore { store, url in
            let now = ShanghaiCalendar.parseInstant("2020-06-15T12:00:00+08:00")!
            try await store.createCampaign(Campaign(name: "kill", start: ShanghaiCalendar.parseInstant("2020-01-01")!, deadline: now),
                                           clock: now, regions: try Chongqing.regions(), outlines: [:], now: now)
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-kill-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            // A small committed import first, then a large one that is killed.
            let small = dir.appendingPathComponent("sites.csv")
            try "site_code,operator,region_code,name,lat,lon,kind\nK0,cmcc,500101,站,30.81,108.37,macro\n".write(to: small, atomically: true, encoding: .utf8)
            #expect(try await run(executable, ["import", "sites", small.path, "--database", url.description(withPassword: true)]).terminationStatus == 0)
            let before = try await store.eventCount()
            let counters = try await store.counters(at: ReadMoment(asOf: Cutoff.including(now)))
            let big = dir.appendingPathComponent("big.csv")
            var text = "site_code,operator,region_code,name,lat,lon,kind\n"
            for i in 1...200_000 { text += "K\(i),cmcc,500101,站\(i),30.81,108.37,macro\n" }
            try text.write(to: big, atomically: true, encoding: .utf8)
            let process = try start(executable, ["import", "sites", big.path, "--database", url.description(withPassword: true)])
            try await Task.sleep(for: .milliseconds(2_500))
            #expect(process.isRunning, "the import finished before it could be killed; make the file larger")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // A fresh connection sees exactly what was there before.
            let reopened = try await SQLCampaignStore.open(url, create: false)
            try await reopened.checkSchema()
            #expect(try await reopened.eventCount() == before)
            #expect(try await reopened.counters(at: ReadMoment(asOf: Cutoff.including(now))) == counters)
            #expect(try await reopened.sites(SiteQuery(), at: ReadMoment(asOf: Cutoff.including(now))).total == 1)
            try await reopened.close()
        }
    }

    func start(_ executable: URL, _ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    func run(_ executable: URL, _ arguments: [String]) async throws -> Process {
        let p = try start(executable, arguments)
        await Program.exit(of: p)
        return p
    }
}
