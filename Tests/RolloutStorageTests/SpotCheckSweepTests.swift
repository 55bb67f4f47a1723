import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// The weekly spot check through the service, on every available database: drawn once a week as
/// `system` from the openings accepted the week before, its sample re-derivable from the log, none
/// while evidence is off.
@Suite struct SpotCheckSweepTests {
    static func at(_ days: Double) -> Instant { DashboardReadsTests.at(days) }

    @Test(arguments: Backend.available)
    func aWeekIsDrawnOnceAndCanBeDrawnAgainFromTheLog(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            var events: [NewEvent] = []
            func add(_ body: EventBody, _ day: Double) { events.append(NewEvent(body, occurredAt: Self.at(day), recordedAt: Self.at(day), actor: "t")) }
            // Day 0 is Sunday 1 March 2020: the weeks start on days 1, 8, 15.
            let sites = (0..<40).map { SiteKey(operator: $0 % 2 == 0 ? .cmcc : .ctcc, code: "S\($0)") }
            for s in sites {
                add(.siteRegistered(SiteRegistration(site: s, regionCode: "500101", name: s.code, lat: 29.5, lon: 106.5, kind: .macro)), 0.1)
            }
            _ = try await store.append(events)
            events = []
            #expect(try await CampaignService(store: store, clock: .fixed(Self.at(9))).drawSpotCheck() == nil, "evidence is off")
            add(.evidenceRuleSet(EvidenceRule(spotCheckRate: 0.1)), 1)
            for (i, s) in sites.enumerated() {
                add(.stageReported(site: s, stage: .onAir, note: nil), 2)
                let photo = EvidencePhoto(site: s, stage: .onAir, sha256: s.code, previewSha256: "p", bytes: 1, width: 1, height: 1, takenAt: nil,
                                          latitude: nil, longitude: nil, distanceMetres: nil, failures: i < 30 ? [] : [.gpsMissing])
                add(.evidenceAttached(photo), i < 20 ? 3 : 9)   // 20 accepted in the first week, 10 in the second, 10 in the queue
            }
            _ = try await store.append(events)
            let service = CampaignService(store: store, clock: .fixed(Self.at(10)))
            #expect(try await service.drawSpotCheck() == 2, "⌈10 × 0.1⌉ of each operator's 10")
            #expect(try await service.drawSpotCheck() == nil, "once a week")
            #expect(try await CampaignService(store: store, clock: .fixed(Self.at(10.5))).drawSpotCheck() == nil, "whichever instance sweeps")
            let logged = try await store.events(kinds: ["verification.spot_check"])
            #expect(logged.count == 1 && logged.first?.event.actor == CampaignService.systemActor && logged.first?.event.occurredAt == Self.at(8))
            guard case .spotCheckDrawn(let draw)? = logged.first?.event.body else { Issue.record("no draw"); return }
            // Anyone can draw again from the log: the openings as of the Monday, the seed.
            let all = try await store.events(kinds: Verification.kinds)
            let monday = Verification(all, at: ReadMoment(asOf: Cutoff(before: Self.at(8))))
            #expect(SpotCheck.draw(SpotCheck.candidates(monday, week: draw.week), rate: draw.rate, seed: draw.seed) == draw.sites)
            let now = Verification(all, at: ReadMoment(asOf: .including(Self.at(10))))
            #expect(Set(now.queue.map(\.site)) == Set(draw.sites + sites[30...]), "the drawn ones join the failed ones in the queue")
            // The next week draws from the second week's openings.
            #expect(try await CampaignService(store: store, clock: .fixed(Self.at(15.2))).drawSpotCheck() == 2)
        }
    }
}
