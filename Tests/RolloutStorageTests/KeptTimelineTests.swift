import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// Verification's timeline kept in the database: a server that starts takes it and grows it by
/// what the log appended since, and answers as a fold of the whole log; a kept timeline that is
/// damaged, that disagrees with the log, or that an evidence rule set since makes stale, is
/// derived again.
@Suite struct KeptTimelineTests {
    static func at(_ days: Double) -> Instant { DashboardReadsTests.at(days) }

    @Test(arguments: Backend.available)
    func snapshotsAreKeptWholeAndNeverReplacedByOlderOnes(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            #expect(try await store.snapshot("t") == nil)
            var r = SeededRandom(seed: 5)
            // Two parts and a bit.
            let big = (0..<(SQLCampaignStore.snapshotPartBytes * 2 + 17)).map { _ in UInt8.random(in: 0...255, using: &r) }
            try await store.keepSnapshot("t", version: 5, bytes: big)
            let kept = try #require(try await store.snapshot("t"))
            #expect(kept.version == 5 && kept.bytes == big)
            // An older one (a slower server) changes nothing; one as new or newer replaces every part.
            try await store.keepSnapshot("t", version: 3, bytes: [1, 2, 3])
            #expect(try await store.snapshot("t")?.bytes == big)
            try await store.keepSnapshot("t", version: 5, bytes: [6])
            #expect(try await store.snapshot("t")?.bytes == [6])
            try await store.keepSnapshot("t", version: 9, bytes: [4, 5])
            let newer = try await store.snapshot("t")
            #expect(newer?.version == 9 && newer?.bytes == [4, 5])
            try await store.keepSnapshot("u", version: 1, bytes: [])
            #expect(try await store.snapshot("u")?.bytes == [])
            // Derived from the projections' rules: deriving them again drops it.
            _ = try await store.rebuildProjections()
            #expect(try await store.snapshot("t") == nil)
        }
    }

    /// Five sites a round registered (some again, in the other region), reported on air, with
    /// evidence now and then; decisions on earlier rounds' sites (rejections among them), a spot
    /// check, and reports sent late (dated before earlier facts).
    static func round(_ round: Int, _ r: inout SeededRandom) -> [NewEvent] {
        var events: [NewEvent] = []
        func add(_ body: EventBody, _ day: Double, recorded: Double? = nil) {
            events.append(NewEvent(body, occurredAt: at(day), recordedAt: at(recorded ?? day), actor: "r\(round)"))
        }
        let base = Double(round) * 3 + 1
        for i in 0..<5 {
            let site = SiteKey(operator: i % 2 == 0 ? .cmcc : .cucc, code: "R\(round)-\(i)")
            let day = base + Double(i) * 0.1
            add(.siteRegistered(SiteRegistration(site: site, regionCode: i % 2 == 0 ? "500101" : "500102", name: site.code, lat: 29.5, lon: 106.5, kind: .macro)), day)
            add(.stageReported(site: site, stage: .onAir, note: nil), day + 0.5)
            if r.unit() < 0.7 {
                add(.evidenceAttached(EvidencePhoto(site: site, stage: .onAir, sha256: site.code, previewSha256: "p", bytes: 1, width: 1, height: 1,
                                                    takenAt: nil, latitude: nil, longitude: nil, distanceMetres: nil,
                                                    failures: r.unit() < 0.3 ? [.gpsMissing] : [])), day + 0.6)
            }
        }
        if round > 1 {
            for i in 0..<5 {
                let site = SiteKey(operator: i % 2 == 0 ? .cmcc : .cucc, code: "R\(round - 1)-\(i)")
                let day = base + 0.8
                switch Int.random(in: 0..<4, using: &r) {
                case 0: add(.verificationDecided(site: site, decision: .rejected(reason: "x")), day)
                        add(.stageRolledBack(site: site, stage: .installed, reason: "x"), day)
                case 1: add(.verificationDecided(site: site, decision: .verified(note: "")), day)
                case 2: add(.siteRegistered(SiteRegistration(site: site, regionCode: "500102", name: site.code, lat: 29.5, lon: 106.5, kind: .macro)), day)
                default: add(.stageReported(site: site, stage: .accepted, note: nil), base - 4, recorded: day)   // sent late
                }
            }
            add(.spotCheckDrawn(SpotCheck(week: round, seed: 1, rate: 0.2, sites: [SiteKey(operator: .cmcc, code: "R\(round - 2)-0")])), base + 0.9)
        }
        return events
    }

    /// The tally and an operator's rejected openings at several dates, and the spot check's
    /// candidates of several weeks, as the service answers them (as known now), against the whole
    /// fold of the log.
    static func expectFoldsAgree(_ service: CampaignService, _ store: SQLCampaignStore, _ note: String) async throws {
        let fold = CampaignService(store: store, clock: .fixed(at(60)))
        // The spot check's candidates of each week, against the whole fold as of its Monday.
        var drawnFrom = 0
        for week in stride(from: SpotCheck.monday(of: ShanghaiCalendar.day(of: at(8))), through: ShanghaiCalendar.day(of: at(36)), by: 7) {
            let monday = try await fold.verification(at: ReadMoment(asOf: Cutoff(before: ShanghaiCalendar.start(of: week))))
            let candidates = SpotCheck.candidates(monday.verification, week: week)
            #expect(try await service.spotCheckCandidates(week: week) == candidates, "\(note), week \(week)")
            drawnFrom += candidates.count
        }
        #expect(drawnFrom > 0, "some weeks have candidates")
        for day in [2.0, 8, 14.5, 22, 60] {
            let moment = ReadMoment(asOf: Cutoff(before: at(day)))
            let view = try await fold.verification(at: moment)
            #expect(try await service.verificationTally(at: moment)?.tally == VerificationTally(view.verification, regionOf: view.regionOf), "\(note), day \(day)")
            for op in [Operator.cmcc, .cucc] {
                let rejected = view.verification.openings.values.filter { $0.site.operator == op && $0.isCurrent && $0.state == .rejected }
                #expect(Set(try await service.rejectedOpenings(of: op, at: moment)) == Set(rejected), "\(note), day \(day)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func aServerThatStartsGrowsTheKeptTimelineAndAnswersAsTheWholeFold(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            var r = SeededRandom(seed: 31)
            _ = try await store.append([NewEvent(.evidenceRuleSet(EvidenceRule()), occurredAt: Self.at(0.5), recordedAt: Self.at(0.5), actor: "o")])
            for n in 0..<3 { _ = try await store.append(Self.round(n, &r)) }
            // The first server derives the timeline whole and keeps it.
            let first = CampaignService(store: store, clock: .fixed(Self.at(60)))
            try await first.prepareReads()
            await first.keptWritesFinished()
            #expect(first.timelineDerivations.withLockedValue { $0 } == 1)
            let kept = try #require(try await store.snapshot(CampaignService.timelineSnapshot))
            #expect(kept.version == (try await store.currentSeq()))
            // More is appended while no server runs; the next one grows the kept timeline, and so
            // does the running one, write after write.
            for n in 3..<6 { _ = try await store.append(Self.round(n, &r)) }
            let second = CampaignService(store: store, clock: .fixed(Self.at(60)))
            try await Self.expectFoldsAgree(second, store, "started after three rounds")
            for n in 6..<9 {
                _ = try await store.append(Self.round(n, &r))
                try await Self.expectFoldsAgree(second, store, "running, round \(n)")
            }
            #expect(second.timelineDerivations.withLockedValue { $0 } == 0)

            // A damaged kept timeline, or one whose steps disagree with the log, is derived again.
            let seq = try await store.currentSeq()
            for (n, bytes) in [[UInt8](repeating: 7, count: 40), try await Self.wrongTimeline(store)].enumerated() {
                try await store.keepSnapshot(CampaignService.timelineSnapshot, version: seq, bytes: bytes)
                #expect(try await store.snapshot(CampaignService.timelineSnapshot)?.bytes == bytes)
                let third = CampaignService(store: store, clock: .fixed(Self.at(60)))
                try await Self.expectFoldsAgree(third, store, "kept timeline \(n) damaged")
                #expect(third.timelineDerivations.withLockedValue { $0 } == 1, "kept timeline \(n)")
                await third.keptWritesFinished()
            }

            // An evidence rule set since the kept timeline: derived again.
            _ = try await store.append([NewEvent(.evidenceRuleSet(EvidenceRule(required: false)), occurredAt: Self.at(20), recordedAt: Self.at(40), actor: "o")])
            let fourth = CampaignService(store: store, clock: .fixed(Self.at(60)))
            try await Self.expectFoldsAgree(fourth, store, "a rule set since")
            #expect(fourth.timelineDerivations.withLockedValue { $0 } == 1)
            await fourth.keptWritesFinished()
            await first.keptWritesFinished()
        }
    }

    /// A timeline that reads back but whose every site's opening is some other site's: what a
    /// build with other rules of verification could have kept.
    static func wrongTimeline(_ store: SQLCampaignStore) async throws -> [UInt8] {
        let events = try await store.events(kinds: Verification.kinds).filter(Verification.changesOpenings)
        let shifted = events.map { e -> LoggedEvent in
            var e = e
            if case .stageReported = e.event.body { e.event.occurredAt = e.event.occurredAt.adding(seconds: 86_400 * 3) }
            return e
        }
        return VerificationTimeline(shifted, regionOf: [:]).bytes()
    }
}
