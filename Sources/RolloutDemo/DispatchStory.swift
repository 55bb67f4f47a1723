import RolloutCore

/// How the city and district offices handled one demo obstacle: dispatched to the routing table's
/// unit a day or two after it was reported; now and then paused while waiting on the operator;
/// escalated to the city by the platform when its clock ran out; now and then reopened after its
/// resolution and resolved again.
struct DispatchStory {
    /// The account the demo's offices act as.
    static let office = "office"

    /// The events to add after an obstacle's opening (and resolution, when there is one). Every
    /// event is dated and recorded before `clock` and after what it depends on was recorded.
    static func events(for opening: ObstacleOpening, opened: NewEvent, resolved: NewEvent?, operatorActor: String,
                       clock: Cutoff, rng: inout SeededRandom) -> [NewEvent] {
        let table = Dispatch.Table.standard
        let org = opening.org, ref = opening.ref
        var out: [NewEvent] = []
        var marks: [ObstacleMark] = []
        /// Whether a step taken at `t` (and recorded then) comes before the resolution is known.
        func open(at t: Instant) -> Bool { clock.includes(t) && (resolved.map { t < $0.occurredAt && t < $0.recordedAt } ?? true) }
        func add(_ body: EventBody, _ what: ObstacleMark.What, at t: Instant, recorded: Instant? = nil, actor: String = office) {
            out.append(NewEvent(body, occurredAt: t, recordedAt: recorded ?? t, actor: actor))
            marks.append(ObstacleMark(what, at: t, recordedAt: recorded ?? t, actor: actor))
        }
        // Dispatched the next working hours after the platform learned of it.
        let dispatchAt = max(opened.occurredAt.adding(days: 1), opened.recordedAt).adding(seconds: Int64(rng.uniform(1...20) * 3600))
        if open(at: dispatchAt) {
            let unit = table.unit(for: opening)
            add(.obstacleStep(org: org, ref: ref, step: .dispatched(unit: unit, note: "")), .step(.dispatched(unit: unit, note: "")), at: dispatchAt)
            // Some wait on the operator for material or access: the clock stops meanwhile.
            if rng.chance(0.12) {
                let pause = dispatchAt.adding(seconds: Int64(rng.uniform(1...3) * 86_400))
                let resume = pause.adding(seconds: Int64(rng.uniform(2...6) * 86_400))
                if open(at: pause) {
                    add(.obstacleStep(org: org, ref: ref, step: .paused(reason: "等待运营商补充站址材料")), .step(.paused(reason: "")), at: pause)
                    if open(at: resume) {
                        add(.obstacleStep(org: org, ref: ref, step: .resumed(note: "材料已补充")), .step(.resumed(note: "")), at: resume)
                    }
                }
            }
        }
        // The platform escalates it within a minute of its clock running out, if it still runs then.
        let situation = ObstacleWorkflow.situation(openedAt: opened.occurredAt, marks: marks)
        let sla = table.rule(opening.category).slaDays
        let ranOut = situation.deadline(slaDays: sla, end: situation.waitingSince ?? clock.before)
        let sweep = max(ranOut, opened.recordedAt, out.last?.recordedAt ?? opened.recordedAt).adding(seconds: 60)
        if situation.waitingSince == nil, open(at: sweep), ranOut < (resolved?.occurredAt ?? clock.before) {
            out.append(NewEvent(.obstacleEscalated(org: org, ref: ref, reason: ""), occurredAt: ranOut, recordedAt: sweep, actor: "system"))
        }
        // A few come back after they were resolved.
        if let resolved, rng.chance(0.03) {
            let reopen = max(resolved.occurredAt.adding(days: 3), resolved.recordedAt.adding(seconds: 3600))
            let again = reopen.adding(seconds: Int64(rng.uniform(2...8) * 86_400))
            if clock.includes(reopen) {
                out.append(NewEvent(.obstacleStep(org: org, ref: ref, step: .reopened(reason: "问题复发，施工再次受阻")), occurredAt: reopen,
                                    recordedAt: reopen, actor: operatorActor))
                let recorded = again.adding(seconds: Int64(rng.uniform(1...20) * 3600))
                if clock.includes(recorded) {
                    out.append(NewEvent(.obstacleResolved(org: org, ref: ref), occurredAt: again, recordedAt: recorded, actor: operatorActor))
                }
            }
        }
        return out
    }
}
