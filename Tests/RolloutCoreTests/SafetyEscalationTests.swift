import Testing
@testable import RolloutCore

/// A finding whose fix is not reported by its deadline is escalated to the city by the platform:
/// once per deadline, never by a person, and a reopening's new deadline can be escalated in its turn.
@Suite struct SafetyEscalationTests {
    typealias T = SafetyTests
    static func moment(_ text: String) -> ReadMoment { ReadMoment(asOf: Cutoff.including(T.at(text))) }

    @Test func anOpenFindingPastItsDeadlineIsDueOnceAndAFixedOneNot() {
        // A's deadline is 8 May; B's fix came in time; C's came after the deadline.
        var c = T.finding("C", .general); c.deadline = T.at("2020-05-04")
        let events = T.log([
            (.findingRecorded(T.finding("A", .general)), "2020-05-01T10:00:00+08:00"),
            (.findingRecorded(T.finding("B", .general)), "2020-05-01T11:00:00+08:00"),
            (.findingRecorded(c), "2020-05-01T12:00:00+08:00"),
            (.findingStep(ref: "B", step: .rectified(note: "改")), "2020-05-03T10:00:00+08:00"),
            (.findingStep(ref: "C", step: .rectified(note: "改")), "2020-05-06T10:00:00+08:00"),
        ])
        // Before the deadline nothing is due; on 5 May C is (its fix not reported yet); after it, only A.
        #expect(Safety(events, at: Self.moment("2020-05-03")).dueForEscalation(at: T.at("2020-05-03")).isEmpty)
        #expect(Safety(events, at: Self.moment("2020-05-05")).dueForEscalation(at: T.at("2020-05-05")).map(\.finding.ref) == ["C"])
        #expect(Safety(events, at: Self.moment("2020-05-09")).dueForEscalation(at: T.at("2020-05-09")).map(\.finding.ref) == ["A"])
        // The deadline itself is not past: due from the second after it.
        #expect(Safety(events, at: Self.moment("2020-05-08")).dueForEscalation(at: T.at("2020-05-08")).isEmpty)
        #expect(Safety(events, at: Self.moment("2020-05-09")).dueForEscalation(at: T.at("2020-05-08").adding(seconds: 1)).map(\.finding.ref) == ["A"])
        // Escalated, it is not due again, and the tallies count it among the overdue.
        let escalated = events + [LoggedEvent(seq: 6, event: NewEvent(.findingStep(ref: "A", step: .escalated(deadline: T.at("2020-05-08"))),
                                                                      occurredAt: T.at("2020-05-08"), recordedAt: T.at("2020-05-08T00:01:00+08:00"),
                                                                      actor: NotificationFact.systemActor))]
        let s = Safety(escalated, at: Self.moment("2020-05-09"))
        #expect(s.dueForEscalation(at: T.at("2020-05-09")).isEmpty)
        #expect(s.findings["A"]?.escalatedAt == T.at("2020-05-08") && s.findings["A"]?.marks.last?.kind == "safety.escalated")
        let t = s.tallies(at: T.at("2020-05-09"))
        #expect(t.city.overdue == 1 && t.city.escalated == 1 && t.regions["500103"]?.escalated == 1)
        // As known before the sweep recorded it, A was not escalated yet.
        let before = Safety(escalated, at: ReadMoment(asOf: Cutoff.including(T.at("2020-05-09")), knownAt: Cutoff(before: T.at("2020-05-08T00:01:00+08:00"))))
        #expect(before.findings["A"]?.escalatedAt == nil)
    }

    @Test func aReopeningSetsADeadlineThatIsEscalatedInItsTurnAndAnOldOneChangesNothing() {
        let first = T.at("2020-05-08"), second = T.at("2020-05-20")
        let events = T.log([
            (.findingRecorded(T.finding("A", .general)), "2020-05-01T10:00:00+08:00"),
            (.findingStep(ref: "A", step: .rectified(note: "改")), "2020-05-05T10:00:00+08:00"),
            (.findingStep(ref: "A", step: .reopened(note: "未改", deadline: second)), "2020-05-06T10:00:00+08:00"),
            // A late record of an escalation of the first deadline, no longer in force.
            (.findingStep(ref: "A", step: .escalated(deadline: first)), "2020-05-07T10:00:00+08:00"),
        ])
        let s = Safety(events, at: Self.moment("2020-05-21"))
        #expect(s.findings["A"]?.escalatedAt == nil && s.dueForEscalation(at: T.at("2020-05-21")).map(\.deadline) == [second])
        #expect(s.findings["A"]?.marks.count == 3, "the stale escalation is not in the history")
    }

    @Test func nobodyEscalatesByHandAndEachDeadlineIsOneEvent() throws {
        let events = T.log([(.findingRecorded(T.finding("A", .general)), "2020-05-01T10:00:00+08:00")])
        let state = Safety(events, at: Self.moment("2020-05-09")).findings["A"]
        let step = SafetyFinding.Step.escalated(deadline: T.at("2020-05-08"))
        for p in [T.office, T.cmcc, T.yuzhong, Principal(account: "i", role: .inspector)] {
            #expect(throws: RolloutError.self) { try Safety.check(step, on: state, at: T.at("2020-05-09"), by: p) }
            #expect(!Access.mayRecord(.findingStep(ref: "A", step: step), p))
        }
        // Two instances sweeping at different seconds write the same fact.
        let a = NewEvent(.findingStep(ref: "A", step: step), occurredAt: T.at("2020-05-08"), recordedAt: T.at("2020-05-08T00:01:00+08:00"), actor: "system")
        let b = NewEvent(.findingStep(ref: "A", step: step), occurredAt: T.at("2020-05-08"), recordedAt: T.at("2020-05-08T00:01:30+08:00"), actor: "system")
        let later = NewEvent(.findingStep(ref: "A", step: .escalated(deadline: T.at("2020-05-20"))), occurredAt: T.at("2020-05-20"),
                             recordedAt: T.at("2020-05-20T00:01:00+08:00"), actor: "system")
        #expect(a.dedupKey == b.dedupKey && a.dedupKey != later.dedupKey)
        #expect(step.kind == "safety.escalated" && Safety.kinds.contains(step.kind))
    }

    @Test func anEscalationIsNewsNamingTheFindingAndWhoMustFixIt() throws {
        let logged = LoggedEvent(seq: 9, event: NewEvent(.findingStep(ref: "A", step: .escalated(deadline: T.at("2020-05-08"))),
                                                         occurredAt: T.at("2020-05-08"), recordedAt: T.at("2020-05-08"), actor: "system"))
        #expect(NotificationFact.isNews(logged.event.body))
        #expect(NotificationFact.of(logged, context: .init()) == nil, "without the finding there is nothing to say")
        let fact = try #require(NotificationFact.of(logged, context: .init(finding: T.finding("A", .general))))
        #expect(fact.topic == .safetyOverdue && fact.region == "500103" && fact.operator == .cmcc && fact.ref == "A" && fact.org == "cmcc")
        #expect(fact.detail == "2020-05-08" && NotificationTopic.safetyOverdue.namesRecords)
        // Other steps are no news.
        #expect(!NotificationFact.isNews(.findingStep(ref: "A", step: .rectified(note: "x"))))
    }
}
