import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// A running service keeps the events verification is folded from and, after each write, reads
/// only those appended since: what it answers equals what a service reading the whole log answers.
@Suite struct VerificationCatchUpTests {
    static func at(_ days: Double) -> Instant { DashboardReadsTests.at(days) }

    @Test(arguments: Backend.available)
    func aServiceThatCatchesUpAnswersAsOneThatReadsEverything(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            let running = CampaignService(store: store, clock: .fixed(Self.at(30)))
            var rng = SeededRandom(seed: 19)
            for round in 0..<6 {
                var events: [NewEvent] = []
                func add(_ body: EventBody, _ day: Double) { events.append(NewEvent(body, occurredAt: Self.at(day), recordedAt: Self.at(day), actor: "r\(round)")) }
                if round == 1 { add(.evidenceRuleSet(EvidenceRule()), 1.5) }
                for i in 0..<5 {
                    let site = SiteKey(operator: i % 2 == 0 ? .cmcc : .cucc, code: "R\(round)-\(i)")
                    let day = Double(round) * 3 + Double(i) * 0.1 + 1
                    add(.siteRegistered(SiteRegistration(site: site, regionCode: i % 2 == 0 ? "500101" : "500102", name: site.code,
                                                         lat: 29.5, lon: 106.5, kind: .macro)), day)
                    add(.stageReported(site: site, stage: .onAir, note: nil), day + 0.5)
                    if rng.unit() < 0.6 {
                        add(.evidenceAttached(EvidencePhoto(site: site, stage: .onAir, sha256: site.code, previewSha256: "p", bytes: 1, width: 1, height: 1,
                                                            takenAt: nil, latitude: nil, longitude: nil, distanceMetres: nil,
                                                            failures: rng.unit() < 0.5 ? [.gpsMissing] : [])), day + 0.6)
                    }
                }
                _ = try await store.append(events)
                // What it keeps is exactly what a whole read finds: nothing missed, nothing twice.
                let kept = try await running.verificationEvents()
                #expect(kept.events == (try await store.events(kinds: Verification.kinds)), "round \(round)")
                #expect(kept.registrations.count == (round + 1) * 5, "round \(round)")
                for day in [2.0, Double(round) * 3 + 2, 30] {
                    let moment = ReadMoment(asOf: Cutoff(before: Self.at(day)))
                    let caughtUp = try await running.verification(at: moment)
                    let fresh = try await CampaignService(store: store, clock: .fixed(Self.at(30))).verification(at: moment)
                    #expect(caughtUp.verification.openings == fresh.verification.openings, "round \(round), day \(day)")
                    #expect(caughtUp.regionOf == fresh.regionOf && caughtUp.positionOf == fresh.positionOf, "round \(round), day \(day)")
                }
            }
            let all = try await running.verification(at: ReadMoment(asOf: Cutoff(before: Self.at(30))))
            #expect(all.verification.openings.count == 30)
            #expect(all.verification.openings.values.contains { $0.state == .beforeEvidence })
            #expect(all.verification.openings.values.contains { $0.state == .accepted })
        }
    }
}
