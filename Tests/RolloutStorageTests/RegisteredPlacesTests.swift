import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage

/// The registrations' places the engine reads from the payloads are those the registrations
/// decoded whole give, in log order, over any span of the log, on every engine.
@Suite struct RegisteredPlacesTests {
    @Test(arguments: Backend.available)
    func placesReadByTheEngineEqualTheRegistrationsDecoded(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            var rng = SeededRandom(seed: 7)
            var events: [NewEvent] = []
            for i in 0..<120 {
                // Positions of every precision, names and codes a stranger might send, a site registered twice.
                let site = SiteKey(operator: [.cmcc, .ctcc, .cucc, .tower][(i % 10 == 9 ? i - 1 : i) % 4], code: "S\(i % 10 == 9 ? i - 1 : i)'\"\\ 站")
                let lat = 20 + rng.unit() * 15, lon = i % 7 == 0 ? 106.5 : 100 + rng.unit() * 10
                let registration = SiteRegistration(site: site, regionCode: ["500101", "500102"][i % 2], name: "站 \(i) \"\\/\u{1F4F6}",
                                                    lat: lat, lon: lon, kind: .macro)
                let at = DashboardReadsTests.at(Double(i) / 10)
                events.append(NewEvent(.siteRegistered(registration), occurredAt: at, recordedAt: at, actor: "t"))
                events.append(NewEvent(.stageReported(site: site, stage: .designed, note: nil), occurredAt: at, recordedAt: at, actor: "t"))
            }
            _ = try await store.append(events)
            let all = try await store.events(kinds: ["site.registered"])
            let last = try await store.lastSeq()
            for (after, through) in [(Int64(0), last), (0, last / 3), (last / 3, last / 2), (last / 2, last), (last, last)] {
                let expected = all.filter { $0.seq > after && $0.seq <= through }.compactMap(RegisteredPlace.init)
                let read = try await store.registeredPlaces(after: after, through: through)
                #expect(read == expected, "(\(after), \(through)]")
            }
            let whole = try await store.registeredPlaces(after: 0, through: last)
            #expect(all.count >= 108 && whole.count == all.count)
        }
    }
}
