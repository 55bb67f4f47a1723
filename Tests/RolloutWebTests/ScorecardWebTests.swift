import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// The scorecard through the server, on both engines: every district's parts, score and rank
/// against a plain computation from the API's own figures, obstacles and reporting (none of the
/// scorecard's code), at several moments; the office's weights; the rank change after a bulletin.
@Suite struct ScorecardWebTests {
    static func json(_ r: TestResponse) throws -> Any { try JSONSerialization.jsonObject(with: Data(buffer: r.body)) }

    /// The plain computation: part scores from the regions, obstacles and reporting answers, their
    /// weighted mean over the parts with data, ranked by score then code.
    /// What a region's plan expects by an instant, from the milestones it lists: pro rata in time
    /// from the previous milestone's number (none at the start) to the one in force.
    static func proRata(_ r: [String: Any], start: Instant, at t: Instant) -> Double? {
        let ms = ((r["milestones"] as? [[String: Any]]) ?? []).map { m in
            (due: ShanghaiCalendar.endOfDay(ShanghaiCalendar.parseInstant(m["due"] as! String)!), target: m["target"] as! Int)
        }.sorted { $0.due < $1.due }
        guard !ms.isEmpty else { return nil }
        let i = ms.firstIndex { ShanghaiCalendar.day(of: $0.due) >= ShanghaiCalendar.day(of: t) } ?? ms.count - 1
        let (fromAt, fromTarget) = i == 0 ? (start, 0) : (ms[i - 1].due, ms[i - 1].target)
        let share = min(1, max(0, Double(t.seconds - fromAt.seconds) / Double(ms[i].due.seconds - fromAt.seconds)))
        return Double(fromTarget) + Double(ms[i].target - fromTarget) * share
    }

    static func naive(client: SignedInClient, query: String, start: Instant, at end: Instant, weights: [String: Double],
                      adoption: NaiveAdoption) async throws -> [(String, Double?, [String: Double?])] {
        let regions = try #require(try await client.execute(uri: "/api/v1/regions?\(query)", method: .get) { try Self.json($0) } as? [[String: Any]])
        let reporting = try #require(try await client.execute(uri: "/api/v1/reporting?days=28&\(query)", method: .get) { try Self.json($0) } as? [[String: Any]])
        let card = try #require(try await client.execute(uri: "/api/v1/scorecard?\(query)", method: .get) { try Self.json($0) } as? [String: Any])
        let asOf = card["as_of"] as! String
        // Verified: the reconciliation rate. The sites that disagree are counted from the open
        // mismatches' own list (distinct operator sites of the kinds that break a pair's agreement).
        let mismatches = try #require(try await client.execute(uri: "/api/v1/reconciliation?status=open&\(query)", method: .get) { try Self.json($0) } as? [[String: Any]])
        var disagreeing: [String: Set<String>] = [:]
        for m in mismatches where ["stages_conflict", "stage_gap", "apart"].contains(m["kind"] as? String ?? "") {
            disagreeing[m["region_code"] as! String, default: []].insert("\(m["operator"] as? String ?? "")/\(m["site_code"] as? String ?? "")")
        }
        // Safety: findings per 100 sites from the safety answer, a major one weighing three; no finding at all: no data.
        let safetyAnswer = try #require(try await client.execute(uri: "/api/v1/safety?\(query)", method: .get) { try Self.json($0) } as? [String: Any])
        let anyFinding = ((safetyAnswer["city"] as? [String: Any])?["findings"] as? Int ?? 0) > 0
        let safetyRows = Dictionary(uniqueKeysWithValues: (safetyAnswer["regions"] as! [[String: Any]]).map { ($0["region_code"] as! String, $0) })
        let pairs = Dictionary(uniqueKeysWithValues: (card["regions"] as! [[String: Any]]).map { ($0["region_code"] as! String, ($0["paired_sites"] as? Int, $0["agreeing_sites"] as? Int)) })
        let verification = try #require(try await client.execute(uri: "/api/v1/verification?\(query)", method: .get) { try Self.json($0) } as? [String: Any])
        let evidence = (verification["regions"] as? [String: [String: Int]]) ?? [:]
        let today = String(asOf.prefix(10))
        var out: [(String, Double?, [String: Double?])] = []
        // Adoption's parts against the best district: projects in operation, growth over three months.
        let codes = regions.map { $0["region_code"] as! String }
        let most = codes.map(adoption.inOperation).max() ?? 0
        let best = codes.compactMap { adoption.growth(region: $0) }.max() ?? 0
        for r in regions {
            let code = r["region_code"] as! String
            let total: (String) async throws -> Int = { extra in
                try #require(try await client.execute(uri: "/api/v1/obstacles?status=open&region=\(code)&per_page=1\(extra)&\(query)", method: .get) {
                    try Self.json($0) } as? [String: Any])["total"] as! Int
            }
            let open = try await total(""), overdue = try await total("&overdue=true")
            var parts: [String: Double?] = [:]
            if anyFinding, let row = safetyRows[code], let sites = row["sites"] as? Int, sites > 0 {
                let weighted = 100 * Double((row["findings"] as! Int) + 2 * (row["major"] as! Int)) / Double(sites)
                parts["safety"] = max(0, 100 - 10 * weighted)
            } else { parts["safety"] = .some(nil) }
            let (paired, agreeing) = pairs[code] ?? (nil, nil)
            #expect(paired.map { $0 - (agreeing ?? 0) } == (paired == nil ? nil : disagreeing[code]?.count ?? 0), "\(code) disagreeing sites")
            // Verified: once evidence exists, the share of the district's openings needing it that are
            // verified (from the verification answer's counts by state); else the reconciliation rate.
            let states = evidence[code] ?? [:]
            let needing = states.filter { $0.key != "before_evidence" && $0.key != "verified_count" }.values.reduce(0, +)
            if needing > 0 {
                parts["verified"] = 100 * Double((states["accepted"] ?? 0) + (states["verified"] ?? 0)) / Double(needing)
            } else {
                parts["verified"] = paired.flatMap { p in p > 0 ? 100 * Double(agreeing ?? 0) / Double(p) : nil } ?? .some(nil)
            }
            parts["applications"] = adoption.projects.isEmpty ? .some(nil) : most > 0 ? 100 * Double(adoption.inOperation(region: code)) / Double(most) : 0
            parts["subscribers"] = adoption.growth(region: code).map { best > 0 ? 100 * max(0, $0) / best : 0 } ?? .some(nil)
            if let target = r["target"] as? Int, target > 0, let planned = Self.proRata(r, start: start, at: end.adding(seconds: -1)), planned > 0 {
                parts["build"] = min(100, 100 * Double(r["ranked_progress"] as! Int) / planned)
            } else { parts["build"] = .some(nil) }
            parts["obstacles"] = open == 0 ? 100 : 100 * Double(open - overdue) / Double(open)
            let org = reporting.first { $0["kind"] as? String == "district" && $0["code"] as? String == code }
            let ended = ((org?["periods"] as? [[String: Any]]) ?? []).filter { ($0["to"] as! String) < today }
            parts["reporting"] = ended.isEmpty ? .some(nil) : 100 * Double(ended.filter { $0["missed"] as! Bool == false }.count) / Double(ended.count)
            var sum = 0.0, weight = 0.0
            for (p, s) in parts { if let s, (weights[p] ?? 0) > 0 { sum += weights[p]! * s; weight += weights[p]! } }
            out.append((code, weight > 0 ? sum / weight : nil, parts))
        }
        return out.sorted { a, b in
            switch (a.1, b.1) {
            case let (x?, y?): return abs(x - y) > 1e-9 ? x > y : a.0 < b.0
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.0 < b.0
            }
        }
    }

    static func check(_ got: [String: Any], _ expected: [(String, Double?, [String: Double?])], _ label: String) {
        let lines = got["regions"] as! [[String: Any]]
        #expect(lines.map { $0["region_code"] as! String } == expected.map(\.0), "order \(label)")
        for (line, e) in zip(lines, expected) {
            let score = line["score"] as? Double
            #expect((score == nil) == (e.1 == nil) && abs((score ?? 0) - ((e.1 ?? 0) * 100).rounded() / 100) < 0.006, "\(e.0) score \(label)")
            let parts = line["parts"] as! [String: Any]
            for (p, v) in e.2 {
                let g = parts[p] as? Double
                #expect((g == nil) == (v == nil) && abs((g ?? 0) - ((v ?? 0) * 100).rounded() / 100) < 0.006, "\(e.0) \(p) \(label)")
            }
        }
        let ranks = lines.compactMap { $0["rank"] as? Int }
        #expect(ranks == Array(1...max(1, ranks.count)).prefix(ranks.count).map { $0 }, "ranks \(label)")
    }

    @Test(arguments: Backend.available)
    func everyDistrictsScoreIsWhatThePlainComputationSaysAndTheOfficeSetsTheWeights(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let campaign = try await service.campaign().campaign
            try await app.test(.router) { client in
                let office = try await TestAccess.client(client, service.store)
                let leader = try await TestAccess.client(client, service.store, role: .leader)
                let district = try await TestAccess.client(client, service.store, role: .district, region: "500103")
                let standard = Scorecard.Weights.standard.values
                for day in ["2020-04-20", "2020-05-31", "2020-06-15"] {
                    let end = ShanghaiCalendar.start(of: ShanghaiCalendar.parseDay(day)! + 1)
                    let got = try #require(try await leader.execute(uri: "/api/v1/scorecard?as_of=\(day)", method: .get) { try Self.json($0) } as? [String: Any])
                    let adoption = NaiveAdoption(try await service.store.events(kinds: Adoption.kinds), asOf: end.adding(seconds: -1))
                    #expect(!adoption.projects.isEmpty && adoption.latestMonth != nil, "the demo has adoption data by \(day)")
                    let expected = try await Self.naive(client: leader, query: "as_of=\(day)", start: campaign.start, at: end, weights: standard,
                                                        adoption: adoption)
                    Self.check(got, expected, day)
                    #expect(got["weights_set_by"] is NSNull && (got["weights"] as? [String: Double]) == standard)
                }
                // A bulletin: the next read names its cut-off and each ranked district's change since,
                // against the ranks read as of that cut-off, as known then.
                try await office.execute(uri: "/api/v1/bulletins?as_of=2020-06-10", method: .post) { #expect($0.status == .ok, "\(String(buffer: $0.body))") }
                let after = try #require(try await leader.execute(uri: "/api/v1/scorecard", method: .get) { try Self.json($0) } as? [String: Any])
                #expect((after["previous_bulletin_cutoff"] as? String)?.hasPrefix("2020-06-10T23:59:59") == true)
                let thenLines = try #require(try await leader.execute(uri: "/api/v1/scorecard?as_of=2020-06-10&known_at=2020-06-10", method: .get) {
                    try Self.json($0) } as? [String: Any])["regions"] as! [[String: Any]]
                let rankThen = Dictionary(uniqueKeysWithValues: thenLines.compactMap { l in (l["rank"] as? Int).map { (l["region_code"] as! String, $0) } })
                var compared = 0
                for l in after["regions"] as! [[String: Any]] {
                    let code = l["region_code"] as! String
                    if let rank = l["rank"] as? Int, let then = rankThen[code] {
                        #expect(l["rank_change"] as? Int == then - rank, "\(code)")
                        compared += 1
                    } else {
                        #expect(l["rank_change"] is NSNull, "\(code)")
                    }
                }
                #expect(compared > 10)
                // The bulletin carries the scorecard of its cut-off: the same districts in the same order.
                let bulletins = try #require(try await leader.execute(uri: "/api/v1/bulletins", method: .get) { try Self.json($0) } as? [[String: Any]])
                let id = try #require(bulletins.first?["id"] as? Int)
                try await leader.execute(uri: "/api/v1/bulletins/\(id)", method: .get) { r in
                    let html = String(buffer: r.body)
                    let table = try #require(html.firstRange(of: "id=\"bulletin-scorecard\"").map { String(html[$0.lowerBound...]) })
                    let names = thenLines.map { $0["name"] as! String }
                    var at = table.startIndex
                    for name in names {
                        let found = try #require(table.range(of: "<td class=\"l\">\(name)</td>", range: at..<table.endIndex), "\(name) in order")
                        at = found.upperBound
                    }
                }
                // Only the city office sets weights; bad weights are refused in the user's language.
                let body = ByteBuffer(string: #"{"build":1,"obstacles":3}"#)
                try await district.execute(uri: "/api/v1/scorecard/weights", method: .post, body: body) { #expect($0.status == .forbidden) }
                for (bad, code) in [(#"{"build":0}"#, "scorecard_zero_weights"), (#"{"build":-2}"#, "scorecard_bad_weight"), (#"{"speed":1}"#, "scorecard_bad_part"),
                                    (#"{"build":"x"}"#, "bad_json_body")] {
                    try await office.execute(uri: "/api/v1/scorecard/weights?lang=en", method: .post, body: ByteBuffer(string: bad)) { r in
                        let e = try #require((try Self.json(r) as? [String: Any])?["error"] as? [String: Any])
                        #expect(r.status == .badRequest && e["code"] as? String == code, "\(bad)")
                    }
                }
                try await office.execute(uri: "/api/v1/scorecard/weights", method: .post, body: body) { #expect($0.status == .ok) }
                let now = try #require(try await leader.execute(uri: "/api/v1/scorecard", method: .get) { try Self.json($0) } as? [String: Any])
                #expect(now["weights_set_by"] as? String == office.account)
                let end = try await service.campaign().now(service.clock)
                Self.check(now, try await Self.naive(client: leader, query: "", start: campaign.start, at: end.adding(seconds: 1),
                                                     weights: ["build": 1, "obstacles": 3],
                                                     adoption: NaiveAdoption(try await service.store.events(kinds: Adoption.kinds), asOf: end)), "office's weights")
                // As of a day before the change, the standard weights still stand.
                let before = try #require(try await leader.execute(uri: "/api/v1/scorecard?as_of=2020-06-01", method: .get) { try Self.json($0) } as? [String: Any])
                #expect((before["weights"] as? [String: Double]) == standard)
                // The page: every district, the parts without data said so, the form only for the office.
                try await leader.execute(uri: "/scorecard?lang=en", method: .get) { r in
                    let html = String(buffer: r.body)
                    #expect(r.status == .ok && html.contains("no data yet") && !html.contains("id=\"weights-form\""))
                    #expect(html.components(separatedBy: "<tr data-region=").count - 1 == (after["regions"] as! [Any]).count)
                    // Each district's score and parts on the page are the API's (one decimal of its two).
                    func close(_ shown: String?, _ api: Double?) -> Bool {
                        guard let api else { return shown == nil || shown?.contains("no data") == true }
                        return shown.flatMap(Double.init).map { abs($0 - api) <= 0.0501 } ?? false
                    }
                    for line in now["regions"] as! [[String: Any]] {
                        let code = line["region_code"] as! String
                        let row = try #require(html.firstRange(of: "<tr data-region=\"\(code)\">").map { String(html[$0.upperBound...].prefix(2_000)) })
                        let score = row.firstRange(of: "<td class=\"score\"><b>").map { String(row[$0.upperBound...].prefix { $0 != "<" }) }
                        #expect(close(score, line["score"] as? Double), "\(code) score on the page: \(score ?? "-")")
                        for (part, value) in line["parts"] as! [String: Any] {
                            guard let v = value as? Double else { continue }
                            let cell = row.firstRange(of: "<td data-part=\"\(part)\">").map { String(row[$0.upperBound...].prefix { $0 != "<" }) }
                            #expect(close(cell, v), "\(code) \(part) on the page: \(cell ?? "-")")
                        }
                    }
                }
                try await office.execute(uri: "/scorecard", method: .get) { #expect(String(buffer: $0.body).contains("id=\"weights-form\"")) }
                try await office.execute(uri: "/scorecard?lang=en", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "build=2&obstacles=x&lang=en")) { r in
                    #expect(r.status == .badRequest && String(buffer: r.body).contains("must be a number"))
                }
                try await office.execute(uri: "/scorecard", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "build=2&obstacles=1&reporting=1")) { #expect($0.status == .seeOther) }
                let formSet = try #require(try await leader.execute(uri: "/api/v1/scorecard", method: .get) { try Self.json($0) } as? [String: Any])
                #expect((formSet["weights"] as? [String: Double])?["build"] == 2 && (formSet["weights"] as? [String: Double])?["safety"] == 0)
            }
        }
    }
}
