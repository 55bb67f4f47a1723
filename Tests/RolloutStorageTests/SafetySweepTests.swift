import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// The platform's sweep of safety findings, on every available database: a fix not reported by
/// its deadline is escalated once as `system`, dated when the deadline ran out, however many
/// instances sweep; a reopening's new deadline is escalated in its turn; the escalation is news
/// for the finding's district, and as of before it nothing was escalated.
@Suite struct SafetySweepTests {
    static func at(_ days: Double) -> Instant { DashboardReadsTests.at(days) }

    static func finding(_ ref: String, region: String, deadline: Double) -> SafetyFinding {
        SafetyFinding(ref: ref, inspectionRef: ref, site: nil, regionCode: region, contractor: nil, inspector: "安监站", category: .fire,
                      severity: .general, text: "未配灭火器", responsible: region, deadline: at(deadline))
    }

    @Test(arguments: Backend.available)
    func aMissedDeadlineIsEscalatedOnceAndAReopeningsInItsTurn(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            _ = try await store.addSubscription(OutboxTests.subscription(.region("500101"), [.safetyOverdue]))
            _ = try await store.addSubscription(OutboxTests.subscription(.region("500102"), [.safetyOverdue]))
            var events: [NewEvent] = []
            func add(_ body: EventBody, _ day: Double, actor: String = "d") { events.append(NewEvent(body, occurredAt: Self.at(day), recordedAt: Self.at(day), actor: actor)) }
            // A is late; B's deadline has not come; C's fix came in time; D (another region) is late too.
            add(.findingRecorded(Self.finding("A", region: "500101", deadline: 5)), 1)
            add(.findingRecorded(Self.finding("B", region: "500101", deadline: 20)), 1)
            add(.findingRecorded(Self.finding("C", region: "500101", deadline: 5)), 1)
            add(.findingRecorded(Self.finding("D", region: "500102", deadline: 7)), 2)
            add(.findingStep(ref: "C", step: .rectified(note: "已配")), 4)
            _ = try await store.append(events)
            let service = CampaignService(store: store, clock: .fixed(Self.at(10)))
            let other = CampaignService(store: store, clock: .fixed(Self.at(10).adding(seconds: 30)))
            #expect(try await service.escalateOverdueFindings() == 2)
            #expect(try await service.escalateOverdueFindings() == 0, "once")
            #expect(try await other.escalateOverdueFindings() == 0, "once, whichever instance sweeps")
            let escalations = try await store.events(kinds: ["safety.escalated"])
            #expect(escalations.map(\.event.actor) == [CampaignService.systemActor, CampaignService.systemActor])
            #expect(escalations.map(\.event.occurredAt) == [Self.at(5), Self.at(7)] && escalations.allSatisfy { $0.event.recordedAt == Self.at(10) })
            let all = try await store.events(kinds: Safety.kinds)
            let now = Safety(all, at: ReadMoment(asOf: .including(Self.at(10))))
            #expect(now.findings["A"]?.escalatedAt == Self.at(5) && now.findings["B"]?.escalatedAt == nil && now.findings["C"]?.escalatedAt == nil)
            #expect(now.tallies(at: Self.at(10)).city.escalated == 2 && now.tallies(at: Self.at(10)).regions["500101"]?.escalated == 1)
            // As of the second before the deadline ran out, and as known before the sweep, nothing was.
            #expect(Safety(all, at: ReadMoment(asOf: Cutoff(before: Self.at(5)))).findings["A"]?.escalatedAt == nil)
            #expect(Safety(all, at: ReadMoment(asOf: .including(Self.at(10)), knownAt: Cutoff(before: Self.at(10)))).findings["A"]?.escalatedAt == nil)
            // Each district's subscription hears of its own finding, naming who must fix it.
            let messages = try await store.outbox(subscription: nil, status: nil, limit: 10)
            let facts = messages.flatMap(\.facts).sorted { $0.ref ?? "" < $1.ref ?? "" }
            #expect(facts.map(\.topic) == [.safetyOverdue, .safetyOverdue] && facts.map(\.ref) == ["A", "D"])
            #expect(facts.map(\.region) == ["500101", "500102"] && facts.map(\.org) == ["500101", "500102"] && facts.first?.detail == "2020-03-06")
            // A's fix is reported late, the re-inspection reopens it with a new deadline, which runs out in its turn.
            _ = try await store.append([NewEvent(.findingStep(ref: "A", step: .rectified(note: "已配")), occurredAt: Self.at(11), recordedAt: Self.at(11), actor: "d"),
                                        NewEvent(.findingStep(ref: "A", step: .reopened(note: "未配齐", deadline: Self.at(14))), occurredAt: Self.at(12),
                                                 recordedAt: Self.at(12), actor: "d")])
            #expect(try await CampaignService(store: store, clock: .fixed(Self.at(13))).escalateOverdueFindings() == 0)
            #expect(try await CampaignService(store: store, clock: .fixed(Self.at(16))).escalateOverdueFindings() == 1)
            let later = Safety(try await store.events(kinds: Safety.kinds), at: ReadMoment(asOf: .including(Self.at(16))))
            #expect(later.findings["A"]?.escalatedAt == Self.at(14) && later.findings["A"]?.marks.filter { $0.kind == "safety.escalated" }.count == 2)
            // B waits for its own deadline, day 20.
            #expect(later.findings["B"]?.escalatedAt == nil && later.dueForEscalation(at: Self.at(21)).map(\.finding.ref) == ["B"])
        }
    }
}
