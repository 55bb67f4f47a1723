/// A step of network-wide dispatching taken on an obstacle, as the log records it.
public enum ObstacleStep: Codable, Hashable, Sendable {
    /// Sent to a unit that can clear it (again: redirected to another unit).
    case dispatched(unit: String, note: String)
    /// Waiting on the reporter (material, access, a decision): the clock stops.
    case paused(reason: String)
    /// No longer waiting: the clock runs again.
    case resumed(note: String)
    /// A resolved obstacle that came back, with the reason: it is open again and its clock restarts.
    case reopened(reason: String)

    /// The stable name of the step's event kind.
    public var kind: String {
        switch self {
        case .dispatched: "obstacle.dispatched"
        case .paused: "obstacle.paused"
        case .resumed: "obstacle.resumed"
        case .reopened: "obstacle.reopened"
        }
    }
}

/// What a user does to an obstacle from its page or the API (`action`); escalation has its own form.
public enum ObstacleAction: String, CaseIterable, Sendable {
    case dispatch, pause, resume, reopen, resolve

    /// The mark the action records; `unit` for a dispatch, `text` the note or reason.
    public func mark(unit: String?, text: String) -> ObstacleMark.What {
        switch self {
        case .dispatch: .step(.dispatched(unit: unit ?? "", note: text))
        case .pause: .step(.paused(reason: text))
        case .resume: .step(.resumed(note: text))
        case .reopen: .step(.reopened(reason: text))
        case .resolve: .resolved
        }
    }
}

/// What happened to an obstacle after it was raised, in the order the log learned it.
public struct ObstacleMark: Codable, Hashable, Sendable {
    /// The kinds of mark: a resolution, an escalation to the city, or a step of dispatching.
    public enum What: Codable, Hashable, Sendable {
        /// The obstacle was cleared.
        case resolved
        /// Handed to the city (by a district, or by the system when the clock ran out), with the reason.
        case escalated(reason: String)
        /// A step of dispatching: sent to a unit, paused, resumed or reopened.
        case step(ObstacleStep)
    }

    /// What happened.
    public var what: What
    /// When it happened in the field, and when the platform learned it.
    public var at: Instant
    /// When the platform learned it.
    public var recordedAt: Instant
    /// The account that took it (`system` for an automatic escalation).
    public var actor: String

    /// A mark taken by an account, dated in the field and in the log.
    public init(_ what: What, at: Instant, recordedAt: Instant, actor: String) {
        self.what = what; self.at = at; self.recordedAt = recordedAt; self.actor = actor
    }
}

/// An obstacle as it stands at a moment: the fold of its marks up to then.
public struct ObstacleSituation: Equatable, Sendable {
    /// Where an obstacle stands: open, dispatched to a unit, escalated to the city, or resolved.
    public enum Status: String, Sendable, CaseIterable { case open, dispatched, escalated, resolved }

    /// The unit it was last dispatched to; nil until dispatched.
    public var unit: String?
    /// When it was last dispatched.
    public var dispatchedAt: Instant?
    /// When it was escalated to the city; nil when it was not.
    public var escalatedAt: Instant?
    /// Why it was escalated.
    public var escalationReason: String?
    /// The account that escalated it (`system` when its clock ran out).
    public var escalatedBy: String?
    /// When it was resolved; nil while open (a reopening clears it).
    public var resolvedAt: Instant?
    /// Waiting on the reporter since then (the clock is stopped), and why.
    public var waitingSince: Instant?
    /// Why it is waiting on the reporter.
    public var waitingReason: String?
    /// When it was last reopened.
    public var reopenedAt: Instant?
    /// Why it was last reopened.
    public var reopenReason: String?
    /// Where the service-level clock started: the opening, or the last reopening.
    public var clockStart: Instant
    /// Seconds spent waiting on the reporter since the clock started, before the current wait.
    public var pausedSeconds: Int64 = 0

    /// Resolved, else escalated to the city, else with a unit, else open.
    public var status: Status {
        resolvedAt != nil ? .resolved : escalatedAt != nil ? .escalated : unit != nil ? .dispatched : .open
    }

    /// When the clock of `slaDays` runs out, as things stand at `end` (a running wait pushes it on).
    public func deadline(slaDays: Int, end: Instant) -> Instant {
        let waiting = waitingSince.map { max(0, end.seconds - $0.seconds) } ?? 0
        return clockStart.adding(seconds: Int64(slaDays) * 86_400 + pausedSeconds + waiting)
    }

    /// Whole days left on the clock at `end` (negative once it has run out); nil once resolved.
    public func daysLeft(slaDays: Int, end: Instant) -> Int? {
        guard resolvedAt == nil else { return nil }
        let left = deadline(slaDays: slaDays, end: end).seconds - end.seconds
        return Int((Double(left) / 86_400).rounded(.down))
    }

    /// Whether the clock has run out at `end` on an unresolved obstacle.
    public func isOverdue(slaDays: Int, end: Instant) -> Bool {
        resolvedAt == nil && end >= deadline(slaDays: slaDays, end: end)
    }
}

/// The rules of the obstacle workflow: open → dispatched → resolved, escalated on the way, paused
/// while waiting on the reporter, reopened with a reason. Pure functions, used by the log (the
/// ledger refuses a mark that breaks them) and by the services (which say why before appending).
public enum ObstacleWorkflow {
    /// The longest note, reason or description of a step.
    public static let maxText = 500

    /// The situation at the end of the given marks, taken in field-time order (the log's order for
    /// equal times). A mark that no longer applies when its turn comes (a pause of a resolved
    /// obstacle reported late) changes nothing.
    public static func situation(openedAt: Instant, marks: [ObstacleMark]) -> ObstacleSituation {
        var s = ObstacleSituation(clockStart: openedAt)
        let ordered = marks.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        for m in ordered {
            switch m.what {
            case .resolved:
                guard s.resolvedAt == nil else { continue }
                s.resolvedAt = m.at
                if let w = s.waitingSince { s.pausedSeconds += max(0, m.at.seconds - w.seconds); s.waitingSince = nil; s.waitingReason = nil }
            case .escalated(let reason):
                guard s.escalatedAt == nil else { continue }
                s.escalatedAt = m.at; s.escalationReason = reason; s.escalatedBy = m.actor
            case .step(.dispatched(let unit, _)):
                guard s.resolvedAt == nil else { continue }
                s.unit = unit; s.dispatchedAt = m.at
            case .step(.paused(let reason)):
                guard s.resolvedAt == nil, s.waitingSince == nil else { continue }
                s.waitingSince = m.at; s.waitingReason = reason
            case .step(.resumed):
                guard let w = s.waitingSince else { continue }
                s.pausedSeconds += max(0, m.at.seconds - w.seconds); s.waitingSince = nil; s.waitingReason = nil
            case .step(.reopened(let reason)):
                guard s.resolvedAt != nil else { continue }
                s.resolvedAt = nil; s.reopenedAt = m.at; s.reopenReason = reason
                s.clockStart = m.at; s.pausedSeconds = 0
            }
        }
        return s
    }

    /// The spells an obstacle stood resolved, in field time: each resolution and the reopening that
    /// ended it (nil while it stands), as ``situation(openedAt:marks:)`` replays the marks (a
    /// resolution of a resolved obstacle and a reopening of an open one change nothing).
    public static func resolvedSpells(marks: [ObstacleMark]) -> [(resolved: Instant, reopened: Instant?)] {
        var spells: [(resolved: Instant, reopened: Instant?)] = []
        let ordered = marks.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        for m in ordered {
            switch m.what {
            case .resolved:
                if spells.last.map({ $0.reopened != nil }) ?? true { spells.append((m.at, nil)) }
            case .step(.reopened):
                if let last = spells.last, last.reopened == nil { spells[spells.count - 1].reopened = m.at }
            default: break
            }
        }
        return spells
    }

    /// The situation at a moment: only the marks that happened, and were known, by then.
    public static func situation(openedAt: Instant, marks: [ObstacleMark], at moment: ReadMoment) -> ObstacleSituation {
        situation(openedAt: openedAt, marks: marks.filter { m in
            moment.asOf.includes(m.at) && (moment.knownAt.map { $0.includes(m.recordedAt) } ?? true)
        })
    }

    /// Why a mark cannot be taken on an obstacle in a situation (nil: it can).
    public static func refusal(_ what: ObstacleMark.What, ref: String, on s: ObstacleSituation) -> RolloutError? {
        let v = ["value": ref]
        switch what {
        case .resolved:
            if s.resolvedAt != nil { return RolloutError("obstacle_already_resolved", kind: .conflict, v) }
        case .escalated:
            if s.resolvedAt != nil { return RolloutError("obstacle_already_resolved", kind: .conflict, v) }
            if s.escalatedAt != nil { return RolloutError("obstacle_already_escalated", kind: .conflict, v) }
        case .step(.dispatched(let unit, let note)):
            guard Dispatch.isUnit(unit) else { return RolloutError("unknown_unit", ["value": unit]) }
            if s.resolvedAt != nil { return RolloutError("obstacle_already_resolved", kind: .conflict, v) }
            if s.unit == unit { return RolloutError("obstacle_already_with_unit", kind: .conflict, ["value": ref, "unit": unit]) }
            if note.count > maxText { return RolloutError("step_text_too_long", ["value": "\(maxText)"]) }
        case .step(.paused(let reason)):
            if s.resolvedAt != nil { return RolloutError("obstacle_already_resolved", kind: .conflict, v) }
            if s.waitingSince != nil { return RolloutError("obstacle_already_waiting", kind: .conflict, v) }
            if let e = needsText(reason) { return e }
        case .step(.resumed(let note)):
            if s.waitingSince == nil { return RolloutError("obstacle_not_waiting", kind: .conflict, v) }
            if note.count > maxText { return RolloutError("step_text_too_long", ["value": "\(maxText)"]) }
        case .step(.reopened(let reason)):
            if s.resolvedAt == nil { return RolloutError("obstacle_not_resolved", kind: .conflict, v) }
            if let e = needsText(reason) { return e }
        }
        return nil
    }

    private static func needsText(_ text: String) -> RolloutError? {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return RolloutError("step_reason_required") }
        if text.count > maxText { return RolloutError("step_text_too_long", ["value": "\(maxText)"]) }
        return nil
    }

    /// The obstacles whose clock has run out at `now` and that are neither resolved nor escalated:
    /// the automatic escalations to make, each dated when its clock ran out.
    public static func overdue(_ states: [ObstacleState], table: Dispatch.Table, now: Instant) -> [(state: ObstacleState, ranOutAt: Instant)] {
        states.compactMap { st in
            let s = situation(openedAt: st.openedAt, marks: st.marks)
            guard s.resolvedAt == nil, s.escalatedAt == nil else { return nil }
            let sla = table.rule(st.opening.category).slaDays
            guard s.isOverdue(slaDays: sla, end: now) else { return nil }
            return (st, s.deadline(slaDays: sla, end: now))
        }
    }
}
