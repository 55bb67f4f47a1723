import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// Reconciliation's timelines kept in the database: a server that starts after more writes takes
/// and grows them, a running one grows them write after write, and either answers as a whole read
/// of the sites; damaged or disagreeing kept timelines are read again whole.
@Suite struct KeptReconciliationTests {
    static func at(_ days: Double) -> Instant { DashboardReadsTests.at(days) }

    /// Towers and operators' sites close together (some naming a tower), stages reported, and
    /// now and then a site registered again elsewhere, onto a lamp, or reported late.
    static func round(_ round: Int, _ r: inout SeededRandom) -> [NewEvent] {
        var events: [NewEvent] = []
        func add(_ body: EventBody, _ day: Double, recorded: Double? = nil) {
            events.append(NewEvent(body, occurredAt: at(day), recordedAt: at(recorded ?? day), actor: "r\(round)"))
        }
        let base = Double(round) * 3 + 1
        for i in 0..<8 {
            let op: Operator = i % 3 == 0 ? .tower : (i % 2 == 0 ? .cmcc : .cucc)
            let site = SiteKey(operator: op, code: "R\(round)-\(i)")
            let named = op != .tower && r.unit() < 0.4 ? "R\(round)-0" : nil
            add(.siteRegistered(SiteRegistration(site: site, regionCode: r.unit() < 0.7 ? "500101" : "500102", name: site.code,
                                                 lat: 29.5 + r.unit() * 0.001, lon: 106.5 + r.unit() * 0.001, kind: .macro,
                                                 host: r.unit() < 0.8 ? .newTower : .existingTower, towerSiteCode: named)), base + Double(i) * 0.1)
            add(.stageReported(site: site, stage: .onAir, note: nil), base + 1 + r.unit())
        }
        if round > 0 {
            for i in 0..<8 where r.unit() < 0.5 {
                let op: Operator = i % 3 == 0 ? .tower : (i % 2 == 0 ? .cmcc : .cucc)
                let site = SiteKey(operator: op, code: "R\(round - 1)-\(i)")
                switch Int.random(in: 0..<4, using: &r) {
                case 0: add(.stageReported(site: site, stage: .accepted, note: nil), base + 0.5)
                case 1: add(.siteRegistered(SiteRegistration(site: site, regionCode: "500102", name: site.code, lat: 29.5005, lon: 106.5005,
                                                             kind: .macro)), base + 0.6)
                case 2: add(.siteRegistered(SiteRegistration(site: site, regionCode: "500101", name: site.code, lat: 29.5, lon: 106.5,
                                                             kind: .macro, host: .streetLamp)), base + 0.7)
                default: add(.stageReported(site: site, stage: .installed, note: nil), base - 2, recorded: base + 0.8)   // sent late
                }
            }
        }
        return events
    }

    /// The service's timelines and pairing (as known now) against a whole read of the sites.
    static func expectWholeRead(_ service: CampaignService, _ store: SQLCampaignStore, _ note: String) async throws {
        let seq = try await store.currentSeq()
        let whole = try await store.reconciliationTimelines(knownAt: nil)
        #expect(try await service.reconciliationTimelines(seq: seq, knownAt: nil) == whole, "\(note)")
        let pairing = try await service.pairingTimeline(seq: seq, radius: Reconciliation.Thresholds.standard.pairMetres)
        let made = Reconciliation.PairingTimeline(whole, radius: Reconciliation.Thresholds.standard.pairMetres)
        for day in [2.0, 9, 16, 30] {
            let cutoff = Cutoff(before: at(day))
            #expect(pairing.pairing(at: cutoff) == made.pairing(at: cutoff), "\(note), day \(day)")
        }
    }

    @Test(arguments: Backend.available)
    func aServerThatStartsGrowsTheKeptTimelinesAndAnswersAsAWholeRead(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            var r = SeededRandom(seed: 8)
            for n in 0..<3 { _ = try await store.append(Self.round(n, &r)) }
            let first = CampaignService(store: store, clock: .fixed(Self.at(60)))
            try await Self.expectWholeRead(first, store, "first server")
            await first.keptWritesFinished()
            #expect(first.reconciliationDerivations.withLockedValue { $0 } == 1)
            let kept = try #require(try await store.snapshot(CampaignService.reconciliationSnapshot))
            #expect(kept.version == (try await store.currentSeq()))
            #expect(try Reconciliation.TimelineBytes.timelines(kept.bytes) == (try await store.reconciliationTimelines(knownAt: nil)))

            for n in 3..<6 { _ = try await store.append(Self.round(n, &r)) }
            let second = CampaignService(store: store, clock: .fixed(Self.at(60)))
            try await Self.expectWholeRead(second, store, "started after three rounds")
            for n in 6..<10 {
                _ = try await store.append(Self.round(n, &r))
                try await Self.expectWholeRead(second, store, "running, round \(n)")
            }
            #expect(second.reconciliationDerivations.withLockedValue { $0 } == 0)

            // Damaged kept timelines, or ones that disagree with the sites, are read again whole.
            let seq = try await store.currentSeq()
            var wrong = try await store.reconciliationTimelines(knownAt: nil)
            for i in wrong.indices { wrong[i].lat += 0.01 }
            for (n, bytes) in [[UInt8](repeating: 7, count: 40), Reconciliation.TimelineBytes.bytes(wrong)].enumerated() {
                try await store.keepSnapshot(CampaignService.reconciliationSnapshot, version: seq, bytes: bytes)
                let third = CampaignService(store: store, clock: .fixed(Self.at(60)))
                try await Self.expectWholeRead(third, store, "kept timelines \(n) damaged")
                #expect(third.reconciliationDerivations.withLockedValue { $0 } == 1, "kept timelines \(n)")
                await third.keptWritesFinished()
            }
            await second.keptWritesFinished()
        }
    }
}
