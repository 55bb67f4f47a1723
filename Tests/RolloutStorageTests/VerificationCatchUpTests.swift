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
                    add(.stageReported(site: site, stage: .designed, note: nil), day + 0.2)   // kept out: below on air
                    add(.stageReported(site: site, stage: .onAir, note: nil), day + 0.5)
                    if i == 3 { add(.stageReported(site: site, stage: .accepted, note: nil), day + 0.55) }   // kept: built
                    if rng.unit() < 0.6 {
                        add(.evidenceAttached(EvidencePhoto(site: site, stage: .onAir, sha256: site.code, previewSha256: "p", bytes: 1, width: 1, height: 1,
                                                            takenAt: nil, latitude: nil, longitude: nil, distanceMetres: nil,
                                                            failures: rng.unit() < 0.5 ? [.gpsMissing] : [])), day + 0.6)
                    }
                }
                _ = try await store.append(events)
                // What it keeps is exactly what a whole read finds: nothing missed, nothing twice.
                let kept = try await running.verificationEvents()
                #expect(kept.events == (try await store.events(kinds: Verification.kinds)).filter(Verification.changesOpenings), "round \(round)")
                #expect(kept.sites.events == (round + 1) * 5 && kept.sites.regionOf.count == (round + 1) * 5, "round \(round)")
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

    /// The lists of events a service keeps by kinds (safety, reporting, evidence rules) catch up with
    /// each write: each equals a whole read of its kinds, whatever was asked in between.
    @Test(arguments: Backend.available)
    func keptEventsOfAnyKindsEqualAWholeRead(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            let kept = KeptEvents()
            let lists = [["stage.reported"], ["site.registered", "stage.reported"], Safety.kinds]
            for round in 0..<5 {
                var events: [NewEvent] = []
                for i in 0..<(round + 2) {
                    let site = SiteKey(operator: .cmcc, code: "K\(round)-\(i)")
                    let day = Double(round) * 2 + Double(i) * 0.1 + 1
                    events.append(NewEvent(.siteRegistered(SiteRegistration(site: site, regionCode: "500101", name: site.code, lat: 29.5, lon: 106.5, kind: .macro)),
                                           occurredAt: Self.at(day), recordedAt: Self.at(day), actor: "k"))
                    events.append(NewEvent(.stageReported(site: site, stage: .designed, note: nil), occurredAt: Self.at(day + 0.2),
                                           recordedAt: Self.at(day + 0.2), actor: "k"))
                }
                _ = try await store.append(events)
                // Some lists are asked every round, some every other: each catches up from where it was.
                for (n, kinds) in lists.enumerated() where round % (n + 1) == 0 || round == 4 {
                    let got = try await kept.events(kinds: kinds, store: store)
                    #expect(got == (try await store.events(kinds: kinds)), "round \(round), \(kinds)")
                    // Asked again without a write: the same list, nothing read twice.
                    #expect(got == (try await kept.events(kinds: kinds, store: store)))
                }
            }
            #expect(try await kept.events(kinds: ["site.registered", "stage.reported"], store: store).count == 2 * (2 + 3 + 4 + 5 + 6))
            #expect(try await kept.events(kinds: Safety.kinds, store: store).isEmpty)
        }
    }
}
