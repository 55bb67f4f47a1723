import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutExport
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// Reported and verified counts agree everywhere, at several moments of the demo (evidence on
/// from 11 May, ranking by verified openings from 8 June): a plain pass over the log gives each
/// region's and operator's verified and unverified sites; the summary, the regions, the district
/// and operator pages, the bulletin's table and the regions export show the same, and the rank
/// counts progress less the unverified sites exactly when the office said so.
@Suite struct VerifiedCountsTests {
    struct Naive { var verified: [String: Int] = [:], unverified: [String: Int] = [:], byOperator: [String: Int] = [:], rankVerified = false, evidence = false }

    /// The counts by a plain pass over the log's events up to the end of `day` (and, as known then,
    /// only those recorded by then: what a bulletin of that day counts).
    static func naive(_ events: [LoggedEvent], day: String, asKnownThen: Bool = false) -> Naive {
        let end = ShanghaiCalendar.start(of: ShanghaiCalendar.parseDay(day)! + 1)
        struct Opening { var needs: Bool; var passed = false, any = false, drawn = false, decided: Bool? = nil, standing = true }
        var rules: [(Instant, EvidenceRule)] = []
        var stage: [SiteKey: Stage] = [:], region: [SiteKey: String] = [:], open: [SiteKey: Opening] = [:]
        for e in events.sorted(by: { $0.seq < $1.seq }) where e.event.occurredAt < end && (!asKnownThen || e.event.recordedAt < end) {
            switch e.event.body {
            case .siteRegistered(let r): region[r.site] = r.regionCode
            case .evidenceRuleSet(let r): rules.append((e.event.occurredAt, r)); rules.sort { $0.0 < $1.0 }
            case .stageReported(let s, let st, _):
                if st.isBuilt, !(stage[s]?.isBuilt ?? false) { open[s] = Opening(needs: rules.last { $0.0 <= e.event.recordedAt }?.1.required == true) }
                if st > (stage[s] ?? .planned) { stage[s] = st }
            case .stageRolledBack(let s, let st, _):
                stage[s] = st
                if !st.isBuilt { open[s]?.standing = false }
            case .evidenceAttached(let p):
                guard open[p.site]?.standing == true, open[p.site]?.decided == nil else { continue }
                open[p.site]?.any = true
                if p.failures.isEmpty { open[p.site]?.passed = true }
            case .spotCheckDrawn(let d):
                for s in d.sites where open[s].map({ $0.standing && $0.needs && $0.passed && !$0.drawn && $0.decided == nil }) == true { open[s]?.drawn = true }
            case .verificationDecided(let s, let d):
                guard open[s]?.standing == true, open[s]?.decided == nil else { continue }
                if case .verified = d { open[s]?.decided = true } else { open[s]?.decided = false }
            default: continue
            }
        }
        var n = Naive()
        n.evidence = !rules.isEmpty
        n.rankVerified = rules.last?.1.rankVerified ?? false
        for (s, o) in open where o.standing && o.needs {
            let r = region[s] ?? ""
            if o.decided == true || (o.decided == nil && o.passed && !o.drawn) {
                n.verified[r, default: 0] += 1
                n.byOperator[s.operator.rawValue, default: 0] += 1
            } else if o.decided == nil {
                n.unverified[r, default: 0] += 1
            }
        }
        return n
    }

    static func card(_ html: String) -> Int? {
        html.firstMatch(of: /<span class="muted">Verified<\/span><b data-live="verified">(\d+)<\/b>/).flatMap { Int($0.1) }
    }

    /// The rows of a CSV text without quoted commas, as dictionaries by the header.
    static func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(zip(header, $0), uniquingKeysWith: { a, _ in a }) }
    }

    @Test func everyPageAndFileCountsWhatThePlainPassCounts() async throws {
        try await withApp(campaign: .fresh(fraction: 0.02)) { client, service in
            let office = try await TestAccess.client(client, service.store)
            let kinds = Verification.kinds + ["site.registered"]
            let events = try await service.store.events(kinds: kinds)
            for day in ["2020-05-06", "2020-05-25", "2020-06-05", "2020-06-12", "2020-06-15"] {
                let n = Self.naive(events, day: day)
                let summary = EvidenceWebTests.json(try await office.execute(uri: "/api/v1/summary?as_of=\(day)", method: .get) { $0 })
                let regions = try await office.execute(uri: "/api/v1/regions?as_of=\(day)", method: .get) { r in
                    ((try? JSONSerialization.jsonObject(with: Data(buffer: r.body))) as? [[String: Any]]) ?? []
                }
                guard n.evidence else {
                    #expect(summary["verified"] is NSNull && regions.allSatisfy { $0["verified"] is NSNull }, "\(day): null before evidence")
                    continue
                }
                let city = n.verified.values.reduce(0, +)
                #expect(summary["verified"] as? Int == city && summary["unverified"] as? Int == n.unverified.values.reduce(0, +), "\(day): \(summary["verified"] ?? "-") vs \(city)")
                #expect(summary["rank_basis"] as? String == (n.rankVerified ? "verified" : "reported"), "\(day)")
                #expect(city > 0, "\(day): the demo has verified openings")
                let export = Self.rows(try await Exporter.text(.regions, format: .csv, service: service, asOf: day, knownAt: nil))
                let bulletin = try await service.bulletinContent(day: day)
                let table = Self.rows(Bulletin.table(bulletin))
                let known = Self.naive(events, day: day, asKnownThen: true)
                #expect(table.first { $0["table"] == "total" }?["verified"] == "\(known.verified.values.reduce(0, +))", "\(day): the bulletin's total")
                for r in regions {
                    let code = r["region_code"] as? String ?? ""
                    let (v, u) = (n.verified[code] ?? 0, n.unverified[code] ?? 0)
                    let progress = r["progress"] as? Int ?? 0
                    #expect(r["verified"] as? Int == v && r["unverified"] as? Int == u, "\(day) \(code)")
                    #expect(r["ranked_progress"] as? Int == (n.rankVerified ? max(0, progress - u) : progress), "\(day) \(code): what the rank counts")
                    let row = export.first { $0["region_code"] == code }
                    #expect(row?["verified"] == "\(v)" && row?["unverified"] == "\(u)" && row?["rank"] == "\(r["rank"] as? Int ?? 0)", "\(day) \(code): the export")
                    #expect(table.first { $0["table"] == "region" && $0["code"] == code }?["verified"] == "\(known.verified[code] ?? 0)", "\(day) \(code): the bulletin")
                }
                // Ranks follow what they count: a region ranks above another only with a share at least as high.
                let ranked = regions.sorted { ($0["rank"] as? Int ?? 0) < ($1["rank"] as? Int ?? 0) }.compactMap { r -> Double? in
                    (r["target"] as? Int).map { Double(r["ranked_progress"] as? Int ?? 0) / Double(max(1, $0)) }
                }
                #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0 >= $1 }, "\(day): ranks by what they count")
                // Two district pages and an operator page show the same numbers.
                for code in regions.prefix(2).compactMap({ $0["region_code"] as? String }) {
                    let html = String(buffer: try await office.execute(uri: "/regions/\(code)?as_of=\(day)&lang=en", method: .get) { $0 }.body)
                    #expect(Self.card(html) == n.verified[code] ?? 0, "\(day) \(code): the district page")
                    #expect(html.contains("data-basis=\"\(n.rankVerified ? "verified" : "reported")\""), "\(day) \(code): the basis line")
                }
                let operatorPage = String(buffer: try await office.execute(uri: "/operators/cmcc?as_of=\(day)&lang=en", method: .get) { $0 }.body)
                #expect(Self.card(operatorPage) == n.byOperator["cmcc"] ?? 0, "\(day): the operator page")
            }
        }
    }
}
