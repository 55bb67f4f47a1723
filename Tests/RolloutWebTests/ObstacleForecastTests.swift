import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutStorage
@testable import RolloutApplication
import RolloutTestSupport
import Testing
@testable import RolloutWeb

/// Which obstacles a shortfall comes from: the API and the district page against a naive fold of
/// the log (the obstacles open on sites at the moment, and each category's resolution times).
@Suite struct ObstacleForecastTests {
    /// The open site obstacles at a moment (as known then) and the resolved ones' days, from the log alone.
    static func naive(_ log: [LoggedEvent], region: String?, at moment: ReadMoment) -> (open: [OpenObstacle], law: ResolutionLaw) {
        var opened: [String: (ObstacleOpening, Instant)] = [:]
        var marks: [String: [(Instant, Bool)]] = [:]
        for e in log where moment.knownAt?.includes(e.event.recordedAt) ?? true {
            guard moment.asOf.includes(e.event.occurredAt) else { continue }
            switch e.event.body {
            case .obstacleOpened(let o): opened[o.entity] = (o, e.event.occurredAt)
            case .obstacleResolved(let org, let ref): marks[ObstacleOpening.entity(org: org, ref: ref), default: []].append((e.event.occurredAt, false))
            case .obstacleStep(let org, let ref, .reopened): marks[ObstacleOpening.entity(org: org, ref: ref), default: []].append((e.event.occurredAt, true))
            default: break
            }
        }
        var open: [OpenObstacle] = [], counts: [ObstacleCategory: [Int]] = [:]
        for (entity, (o, at)) in opened {
            var resolvedAt: Instant? = nil
            for (t, reopens) in (marks[entity] ?? []).sorted(by: { $0.0 < $1.0 }) {
                if reopens { resolvedAt = nil } else if resolvedAt == nil { resolvedAt = t }
            }
            if let r = resolvedAt {
                counts[o.category, default: Array(repeating: 0, count: DurationBuckets.count)][DurationBuckets.bucket(seconds: r.seconds - at.seconds)] += 1
            } else if o.site != nil && (region == nil || o.regionCode == region) {
                open.append(OpenObstacle(category: o.category, openedAt: at))
            }
        }
        return (open, ResolutionLaw(counts: counts))
    }

    @Test func theAPIAndTheDistrictPageAgreeWithANaiveFoldOfTheLog() async throws {
        let (_, service) = try await PastDeadlineFixture.shared.fixture()
        let log = try await service.store.events(after: 0, limit: 10_000_000)
        // As of 20 May, as known then; the region with the most obstacles raised on sites.
        let day = ShanghaiCalendar.parseDay("2020-05-20")!
        let moment = ReadMoment(asOf: .endOf(day: day), knownAt: .endOf(day: day))
        let due = ShanghaiCalendar.start(of: ShanghaiCalendar.parseDay("2020-07-01")!).adding(seconds: -1)
        let law = Self.naive(log, region: nil, at: moment).law
        var raised: [String: Int] = [:]
        for e in log { if case .obstacleOpened(let o) = e.event.body, o.site != nil { raised[o.regionCode, default: 0] += 1 } }
        let region = try #require(raised.max { $0.value < $1.value }?.key)
        let cityOpen = Self.naive(log, region: nil, at: moment).open, regionOpen = Self.naive(log, region: region, at: moment).open
        #expect(!regionOpen.isEmpty)
        func ages(_ open: [OpenObstacle]) -> [String: [Double]] {
            Dictionary(grouping: open, by: \.category.rawValue).mapValues { list in
                list.map { Double(moment.asOf.before.seconds - $0.openedAt.seconds) / 86_400 }.sorted()
            }
        }
        let cases: [(uri: String, open: Int, expected: [ObstacleOutlook], ages: [String: [Double]])] = [
            ("/api/v1/forecast/obstacles?as_of=2020-05-20&known_at=2020-05-20", cityOpen.count,
             ObstacleOutlook.make(cityOpen, law: law, now: moment.asOf.before, deadline: due), ages(cityOpen)),
            ("/api/v1/forecast/obstacles?as_of=2020-05-20&known_at=2020-05-20&region=\(region)", regionOpen.count,
             ObstacleOutlook.make(regionOpen, law: law, now: moment.asOf.before, deadline: due), ages(regionOpen)),
        ]
        let rowsShown: [String: [String]] = Dictionary(uniqueKeysWithValues: [Language.zh, .en].map { lang in
            (lang.rawValue, cases[1].expected.map { o in
                "<tr data-category=\"\(o.category)\"><td class=\"l\">\(ObstacleCategory(rawValue: o.category)!.name(lang))</td><td>\(o.open)</td>"
            })
        })
        let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
        try await app.test(.router) { base in
            let client = try await TestAccess.client(base, service.store, role: .leader)
            for c in cases {
                try await client.execute(uri: c.uri, method: .get) { r in
                    #expect(r.status == .ok)
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any] ?? [:]
                    #expect(body["due"] as? String == "2020-06-30")
                    #expect(body["open"] as? Int == c.open)
                    let rows = body["by_category"] as? [[String: Any]] ?? []
                    #expect(rows.map { $0["category"] as? String } == c.expected.map(\.category))
                    #expect(rows.map { $0["open"] as? Int } == c.expected.map(\.open))
                    #expect(rows.map { $0["resolved_samples"] as? Int } == c.expected.map(\.resolvedSamples))
                    #expect(rows.map { $0["expected_open_at_deadline"] as? Int } == c.expected.map(\.expectedOpenAtDeadline))
                    #expect(body["expected_open_at_deadline"] as? Int == c.expected.reduce(0) { $0 + $1.expectedOpenAtDeadline })
                    #expect(body["days_left"] as? Double == 41, "20 May's end to 30 June's")
                    #expect(body["truncated"] as? Bool == false)
                    // Each category's median age, from the ages themselves.
                    for row in rows {
                        let ages = c.ages[row["category"] as? String ?? ""] ?? []
                        let middle = ages.count % 2 == 1 ? ages[ages.count / 2] : (ages[ages.count / 2 - 1] + ages[ages.count / 2]) / 2
                        #expect(abs((row["median_age_days"] as? Double ?? -1) - middle) < 0.051, "\(row)")
                    }
                }
            }
            // The district page shows the same rows, in both languages.
            for lang in ["zh", "en"] {
                try await client.execute(uri: "/regions/\(region)?as_of=2020-05-20&known_at=2020-05-20&lang=\(lang)", method: .get) { r in
                    #expect(r.status == .ok)
                    let page = String(buffer: r.body)
                    #expect(page.contains(#"id="obstacle-outlook""#))
                    for row in rowsShown[lang] ?? [] { #expect(page.contains(row), "\(row)") }
                    #expect(page.contains(lang == "zh" ? "预计 2020-06-30 仍未解决" : "Expected still open on 2020-06-30"))
                }
            }
            // Bad input: an unknown region and a moment that is not one are refused, as for every figure.
            try await client.execute(uri: "/api/v1/forecast/obstacles?region=999999", method: .get) { r in #expect(r.status == .badRequest) }
            try await client.execute(uri: "/api/v1/forecast/obstacles?as_of=not-a-day", method: .get) { r in #expect(r.status == .badRequest) }
        }
    }
}
