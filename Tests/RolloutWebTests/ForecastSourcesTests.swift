import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutStorage
@testable import RolloutApplication
import RolloutTestSupport
import Testing
@testable import RolloutWeb

/// Where a forecast's expected count comes from: the sites not registered yet (at the last 14 days'
/// pace), in the API and on the district page, bounded by a naive count of the log's registrations.
@Suite struct ForecastSourcesTests {
    @Test func theNewSitesExpectedAreShownAndBoundedByTheLogsRegistrations() async throws {
        let (_, service) = try await PastDeadlineFixture.shared.fixture()
        let log = try await service.store.events(after: 0, limit: 10_000_000)
        // As of 22 April, as known then: 69 days before the deadline, while sites are still registered.
        let day = ShanghaiCalendar.parseDay("2020-04-22")!
        let moment = ReadMoment(asOf: .endOf(day: day), knownAt: .endOf(day: day))
        let since = moment.asOf.before.adding(days: -14)
        var registered: [String: Int] = [:]
        for e in log where moment.knownAt!.includes(e.event.recordedAt) && moment.asOf.includes(e.event.occurredAt)
            && e.event.occurredAt >= since {
            if case .siteRegistered(let r) = e.event.body, r.site.operator != .tower { registered[r.regionCode, default: 0] += 1 }
        }
        let region = try #require(registered.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key)
        let registeredThere = registered[region] ?? 0
        let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
        try await app.test(.router) { base in
            let client = try await TestAccess.client(base, service.store, role: .leader)
            var shown = 0
            try await client.execute(uri: "/api/v1/regions?as_of=2020-04-22&known_at=2020-04-22", method: .get) { r in
                #expect(r.status == .ok)
                let rows = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]] ?? []
                let row = try #require(rows.first { $0["region_code"] as? String == region })
                let forecast = try #require(row["forecast"] as? [String: Any])
                shown = try #require(forecast["expected_new_sites"] as? Int)
                // At most every site registered at the last 14 days' pace until the deadline, moved
                // by the calibration's bias: a new site cannot be built before it is registered.
                let bias = (forecast["calibration"] as? [String: Any])?["bias"] as? Double ?? 0
                let bound = Double(registeredThere) / 14 * 69 * exp(bias)
                #expect(shown > 0 && Double(shown) <= bound + 1, "\(shown) of at most \(bound)")
                // The stages' expected sites and the new ones make the expected gain (the bias is
                // held per stage there, and to the whole pipeline in the total).
                let stages = (forecast["by_stage"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["expected_built"] as? Int ?? 0) }
                let gain = (forecast["expected_at_deadline"] as? Int ?? 0) - (row["progress"] as? Int ?? 0)
                #expect(abs(gain - (stages + shown)) <= max(2, gain / 20), "\(gain) against \(stages) + \(shown)")
            }
            // The district page shows the same number in the table of where the sites come from.
            for lang in ["zh", "en"] {
                try await client.execute(uri: "/regions/\(region)?as_of=2020-04-22&known_at=2020-04-22&lang=\(lang)", method: .get) { r in
                    #expect(r.status == .ok)
                    let page = String(buffer: r.body)
                    let label = lang == "zh" ? "尚未登记的新站（按近 14 天登记速度）" : "Sites not registered yet (at the last 14 days&#39; pace)"
                    #expect(page.contains(#"<tr id="outlook-new-sites"><td class="l">\#(label)</td><td>—</td><td>\#(shown)</td><td>—</td></tr>"#))
                }
            }
        }
    }
}
