import ArgumentParser
import Foundation
import RolloutCore
import RolloutDemo
import RolloutReference

/// The files `rollout bench import` makes: all at once and each site's rows together (`grouped`,
/// the first benchmark's), or as operators send them (`operators`).
enum BenchImportShape: String, ExpressibleByArgument, CaseIterable {
    /// One campaign year; every site reports its stages on the same ten-day steps, site after site,
    /// in one file.
    case grouped
    /// A three-year campaign read at its end: sites of every operator and region, each starting on
    /// its own day and moving through its stages 3 to 20 days apart; one file a week (or every
    /// `--days-per-file` days) holding the rows sent in those days, sites interleaved; 5 % of the sites report 3 to 8 weeks late, and 0.5 %
    /// of the rows are sent again in a later file.
    case operators

    /// The campaign's start, deadline and the platform's clock during the import.
    var campaign: (start: Instant, deadline: Instant, now: Instant) {
        switch self {
        case .grouped:
            let now = ShanghaiCalendar.parseInstant("2020-12-31T12:00:00+08:00")!
            return (ShanghaiCalendar.parseInstant("2020-01-01")!, now, now)
        case .operators:
            return (ShanghaiCalendar.parseInstant("2020-01-01")!, ShanghaiCalendar.parseInstant("2022-12-31")!,
                    ShanghaiCalendar.parseInstant("2022-12-31T12:00:00+08:00")!)
        }
    }

    /// The sites file's lines (after its header) and the progress files' lines, for about `rows`
    /// progress rows.
    func files(rows: Int, daysPerFile: Int = 7) throws -> (sites: [String], progress: [[String]]) {
        let stages = Array(Stage.allCases.dropFirst())
        let siteCount = max(1, rows / stages.count)
        switch self {
        case .grouped:
            let sites = (0..<siteCount).map { "B\($0),cmcc,500101,站\($0),30.81,108.37,macro" }
            let start = ShanghaiCalendar.day(of: campaign.start)
            let progress = stages.enumerated().flatMap { s, stage in
                let day = ShanghaiCalendar.dateString(start + 10 * (s + 1))
                return (0..<siteCount).map { "B\($0),cmcc,\(stage.rawValue),\(day)" }
            }
            return (sites, [progress])
        case .operators:
            let regions = try Chongqing.regions()
            let sampler = PointSampler(regions: regions, outlines: try Chongqing.outlines())
            let operators: [Operator] = [.cmcc, .ctcc, .cucc, .cbn]
            var rng = SeededRandom(seed: 25)
            let first = ShanghaiCalendar.day(of: campaign.start), last = ShanghaiCalendar.day(of: campaign.deadline)
            var sites: [String] = []
            // (the day the row is sent, its order within the day, the row)
            var sent: [(day: Int, order: UInt64, line: String)] = []
            for i in 0..<siteCount {
                let region = regions[Int.random(in: 0..<regions.count, using: &rng)]
                let op = operators[i % operators.count]
                // Written with five decimals (about a metre): a point drawn on the outline itself can
                // fall outside once rounded (2 of 250,000 sites did), and the importer refuses it.
                var lat = "", lon = ""
                repeat {
                    let p = sampler.point(in: region.code, rng: &rng)
                    (lat, lon) = (String(format: "%.5f", p.lat), String(format: "%.5f", p.lon))
                } while !sampler.contains(region.code, lat: Double(lat)!, lon: Double(lon)!)
                sites.append("S\(String(format: "%06d", i)),\(op.rawValue),\(region.code),站\(i),\(lat),\(lon),macro")
                let late = Double.random(in: 0..<1, using: &rng) < 0.05 ? 7 * Int.random(in: 3...8, using: &rng) : 0
                var day = Int.random(in: first...(last - 20 * stages.count), using: &rng)
                for stage in stages {
                    day += Int.random(in: 3...20, using: &rng)
                    let line = String(format: "S%06d,%@,%@,%@", i, op.rawValue, stage.rawValue, ShanghaiCalendar.dateString(day))
                    sent.append((day + late, rng.next(), line))
                    if Double.random(in: 0..<1, using: &rng) < 0.005 {
                        sent.append((day + late + 7 * Int.random(in: 1...4, using: &rng), rng.next(), line))
                    }
                }
            }
            sent.sort { ($0.day, $0.order) < ($1.day, $1.order) }
            var files: [[String]] = []
            var file = -1
            for row in sent {
                let f = (row.day - first) / daysPerFile
                if f != file { files.append([]); file = f }
                files[files.count - 1].append(row.line)
            }
            return (sites, files)
        }
    }
}
