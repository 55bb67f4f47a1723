import ArgumentParser
import Foundation
import RolloutCore
import RolloutDemo

/// `rollout bench match`: planned sites matched against offered resources through the grid index,
/// with a sample checked against (and timed by) a look at every offer.
struct BenchMatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "match", abstract: "Match planned sites to offered resources; print seconds.")

    @Option(help: "Planned sites.") var sites = 100_000
    @Option(help: "Offered resources.") var resources = 500_000
    @Option(help: "Radius in metres.") var radius = 1_000.0
    @Option(help: "Candidates per site.") var limit = 5
    @Option(help: "Sites also matched by looking at every offer (checked equal, and timed).") var sample = 200
    @Option(help: "Seed.") var seed: UInt64 = 7

    func run() async throws {
        var rng = SeededRandom(seed: seed)
        // Chongqing's extent; denser in the main city, as the real offers are.
        func point() -> (Double, Double) {
            if rng.unit() < 0.5 { return (29.4 + rng.unit() * 0.4, 106.3 + rng.unit() * 0.5) }
            return (28.2 + rng.unit() * 4.2, 105.3 + rng.unit() * 4.8)
        }
        let hosts: [RolloutCore.Host] = [.existingTower, .powerTower, .streetLamp, .trafficPole, .policePole, .rooftop, .indoorSystem]
        let offers = (0..<resources).map { i -> ResourceOffer in
            let (lat, lon) = point()
            return ResourceOffer(resourceId: "R\(i)", owner: "owner\(i % 97)", kind: hosts[i % hosts.count], regionCode: "500101", lat: lat, lon: lon)
        }
        let kinds = SiteKind.allCases
        let queries = (0..<sites).map { i -> (Double, Double, SiteKind) in let (lat, lon) = point(); return (lat, lon, kinds[i % kinds.count]) }
        var t = Date()
        let index = ResourceMatching.Index(offers, cellMeters: radius)
        let build = Date().timeIntervalSince(t)
        t = Date()
        var found = 0
        var results: [[ResourceMatching.Candidate]] = []
        results.reserveCapacity(sample)
        for (i, q) in queries.enumerated() {
            let r = index.nearest(lat: q.0, lon: q.1, kind: q.2, radius: radius, limit: limit)
            found += r.count
            if i < sample { results.append(r) }
        }
        let match = Date().timeIntervalSince(t)
        t = Date()
        var same = true
        for (i, q) in queries.prefix(sample).enumerated() where ResourceMatching.bruteForce(offers, lat: q.0, lon: q.1, kind: q.2, radius: radius, limit: limit) != results[i] {
            same = false
        }
        let brute = Date().timeIntervalSince(t) / Double(max(1, min(sample, sites))) * Double(sites)
        print(String(format: "%d planned sites × %d offers, radius %.0f m, %d candidates each at most", sites, resources, radius, limit))
        print(String(format: "index built in %.2f s; all sites matched in %.2f s (%.0f sites/s); %d candidates found", build, match,
                     Double(sites) / max(match, 1e-9), found))
        print(String(format: "every offer looked at (first %d sites): %@; that way all sites would take about %.0f s", min(sample, sites),
                     same ? "the same answers" : "DIFFERENT answers", brute))
        if !same { throw ExitCode(1) }
    }
}
