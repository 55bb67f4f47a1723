import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// Deciding at once on what one reporter reported in a period, on every available database: only
/// that reporter's openings in the queue and in the period, only those the caller may decide on,
/// one decision event per site (and a rollback per rejection).
@Suite struct BulkDecisionTests {
    static func at(_ days: Double) -> Instant { DashboardReadsTests.at(days) }

    @Test(arguments: Backend.available)
    func aReportersOpeningsAreDecidedOneEventEachAndOnlyThoseTheCallerMayDecide(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            var events: [NewEvent] = []
            func add(_ body: EventBody, _ day: Double, _ actor: String = "t") { events.append(NewEvent(body, occurredAt: Self.at(day), recordedAt: Self.at(day), actor: actor)) }
            let sites = (0..<7).map { SiteKey(operator: .cmcc, code: "S\($0)") }
            for (i, s) in sites.enumerated() {
                add(.siteRegistered(SiteRegistration(site: s, regionCode: i % 2 == 0 ? "500101" : "500102", name: s.code, lat: 29.5, lon: 106.5, kind: .macro)), 0.1)
            }
            add(.evidenceRuleSet(EvidenceRule()), 1)
            // S0–S3 reported by cmcc-a on day 2, S4–S5 by cmcc-b on day 2, S6 by cmcc-a on day 5; every photo failed a check.
            for (i, s) in sites.enumerated() {
                add(.stageReported(site: s, stage: .onAir, note: nil), i == 6 ? 5 : 2, i < 4 || i == 6 ? "cmcc-a" : "cmcc-b")
                add(.evidenceAttached(EvidencePhoto(site: s, stage: .onAir, sha256: s.code, previewSha256: "p", bytes: 1, width: 1, height: 1, takenAt: nil,
                                                    latitude: nil, longitude: nil, distanceMetres: nil, failures: [.gpsMissing])), i == 6 ? 5 : 2)
            }
            _ = try await store.append(events)
            let service = CampaignService(store: store, clock: .fixed(Self.at(6)))
            let district = Principal(account: "d", role: .district, region: "500101")
            let verifier = Principal(account: "v", role: .verifier)
            func code(_ f: () async throws -> Any) async -> String? {
                do { _ = try await f(); return nil } catch let e as RolloutError { return e.code } catch { return "\(error)" }
            }
            #expect(await code { try await service.decideAll(reportedBy: "cmcc-a", from: Self.at(1), until: Self.at(3), .verified(note: ""),
                                                             by: Principal(account: "m", role: .operator, operator: .cmcc)) } == "forbidden")
            #expect(await code { try await service.decideAll(reportedBy: "cmcc-a", from: Self.at(3), until: Self.at(1), .verified(note: ""), by: verifier) } == "bad_period")
            #expect(await code { try await service.decideAll(reportedBy: "cmcc-a", from: Self.at(1), until: Self.at(3), .rejected(reason: " "), by: verifier) } == "reason_required")
            // The district decides its region's part of cmcc-a's day-2 openings.
            let verified = try await service.decideAll(reportedBy: "cmcc-a", from: Self.at(1), until: Self.at(3), .verified(note: ""), by: district)
            #expect(verified == [sites[0], sites[2]])
            // The verifier rejects the rest of them; S6 (later) and cmcc-b's stay in the queue.
            let rejected = try await service.decideAll(reportedBy: "cmcc-a", from: Self.at(1), until: Self.at(3), .rejected(reason: "批量核查不符"), by: verifier)
            #expect(rejected == [sites[1], sites[3]])
            let all = try await store.events(kinds: Verification.kinds)
            let v = Verification(all, at: ReadMoment(asOf: .including(Self.at(6))))
            #expect(Set(v.queue.map(\.site)) == [sites[4], sites[5], sites[6]])
            #expect(v.openings[sites[0]]?.state == .verified && v.openings[sites[1]]?.state == .rejected && v.openings[sites[1]]?.standing == false)
            #expect(all.filter { $0.event.body.kind == "verification.decided" }.count == 4)
            #expect(all.filter { if case .stageRolledBack = $0.event.body { true } else { false } }.count == 2)
            // Nothing left of cmcc-a's day-2 openings: an empty answer, nothing written.
            #expect(try await service.decideAll(reportedBy: "cmcc-a", from: Self.at(1), until: Self.at(3), .verified(note: ""), by: verifier).isEmpty)
        }
    }
}
