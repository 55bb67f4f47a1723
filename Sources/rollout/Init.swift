import ArgumentParser
import Foundation
import RolloutCore
import RolloutDemo
import RolloutReference
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication

/// `rollout init`: creates a campaign in an empty database.
struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a campaign in an empty database.")

    @OptionGroup var common: CommonOptions
    @Option(help: "The campaign's name.") var name: String
    @Option(help: "First day counted toward the targets (YYYY-MM-DD).") var start: String
    @Option(help: "Last day of the campaign: the plan's end (YYYY-MM-DD).") var deadline: String
    @Option(help: "The day the plan's first milestone falls due (YYYY-MM-DD), measured against until targets are imported (default: the deadline).") var firstMilestone: String?
    @Option(help: "Regions file in the columns of chongqing-regions.csv (default: the built-in Chongqing reference).") var regions: String?
    @Option(help: "GeoJSON boundaries with region_code (default: the built-in Chongqing outlines).") var boundaries: String?

    func run() async throws {
        try await common.run {
            guard case .day(let s)? = ShanghaiCalendar.parse(start) else { throw RolloutError("bad_date", ["value": start]) }
            guard case .day(let d)? = ShanghaiCalendar.parse(deadline) else { throw RolloutError("bad_date", ["value": deadline]) }
            let regionList = try regions.map { try RegionsFile.parse(try Init.read($0)) } ?? Chongqing.regions()
            let outlines = try boundaries.map { try DemoInstaller.geometries(from: try Init.read($0)) } ?? DemoInstaller.outlineGeometries()
            var first: Instant? = nil
            if let firstMilestone {
                guard case .day(let f)? = ShanghaiCalendar.parse(firstMilestone) else { throw RolloutError("bad_date", ["value": firstMilestone]) }
                guard f >= s && f <= d else { throw RolloutError("due_outside_plan", ["value": firstMilestone, "start": start, "deadline": deadline]) }
                first = ShanghaiCalendar.start(of: f + 1).adding(seconds: -1)
            }
            let campaign = Campaign(name: name, start: ShanghaiCalendar.start(of: s),
                                    deadline: ShanghaiCalendar.start(of: d + 1).adding(seconds: -1), firstDue: first)
            let store = try await SQLCampaignStore.open(try common.url())
            do {
                _ = try await store.migrate(now: Instant(Date()))
                try await store.createCampaign(campaign, clock: nil, regions: regionList, outlines: outlines, now: Instant(Date()))
                try await store.close()
            } catch {
                try? await store.close()
                throw error
            }
            common.say("initialised", ["value": name])
        }
    }

    static func read(_ path: String) throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw RolloutError("file_unreadable", ["value": path]) }
    }
}
