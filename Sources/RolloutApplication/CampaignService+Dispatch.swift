import Foundation
import RolloutCore
import RolloutStorage

/// Network-wide dispatching as the pages and the API use it: actions on an obstacle, the routing
/// table, what waits on each unit, and the automatic escalation of obstacles whose clock ran out.
extension CampaignService {
    /// The account that makes automatic escalations.
    public static let systemActor = "system"

    /// Takes an action on an obstacle now: checked against the account's rights and the workflow,
    /// then appended (the log checks the workflow again inside the write). Returns the obstacle after.
    @discardableResult
    public func act(_ action: ObstacleAction, org: String, ref: String, unit: String? = nil, text: String,
                    by principal: Principal) async throws -> ObstacleRow {
        let c = try await campaign()
        let now = c.now(clock)
        guard let state = try await store.obstacleState(org: org, ref: ref), state.openedAt <= now else {
            throw RolloutError("unknown_obstacle", kind: .notFound, ["value": ref])
        }
        let situation = state.situation
        guard Access.mayHandle(action, region: state.opening.regionCode, org: state.opening.org, unit: situation.unit, principal) else {
            throw RolloutError("forbidden_obstacle_action", kind: .forbidden, ["value": ref])
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var chosen = unit?.trimmingCharacters(in: .whitespaces)
        if action == .dispatch, chosen == nil || chosen!.isEmpty {
            // Without a unit, the routing table's for the category.
            chosen = try await store.dispatchTable(at: ReadMoment(asOf: .including(now))).unit(for: state.opening)
        }
        let what = action.mark(unit: chosen, text: trimmed)
        if let refusal = ObstacleWorkflow.refusal(what, ref: ref, on: situation) { throw refusal }
        let body: EventBody = switch what {
        case .resolved: .obstacleResolved(org: org, ref: ref)
        case .escalated(let reason): .obstacleEscalated(org: org, ref: ref, reason: reason)
        case .step(let step): .obstacleStep(org: org, ref: ref, step: step)
        }
        let result = try await store.append([NewEvent(body, occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)])
        if result.applied == 0 { throw RolloutError("obstacle_step_repeated", kind: .conflict, ["value": ref]) }
        await noteReport(by: principal, at: now)
        return try await obstacle(org: org, ref: ref)
    }

    /// The routing table at a moment.
    public func dispatchTable(asOf: String? = nil, knownAt: String? = nil) async throws -> Dispatch.Table {
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await store.dispatchTable(at: moment)
    }

    /// Changes a line of the routing table now, as the city office.
    public func setDispatchRule(_ rule: Dispatch.Rule, by principal: Principal) async throws -> Dispatch.Table {
        guard Access.allows(principal.role, .editRouting) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        let checked = try rule.validated()
        let now = try await campaign().now(clock)
        let result = try await store.append([NewEvent(.dispatchRuleSet(checked), occurredAt: now, recordedAt: now,
                                                      actor: principal.account, via: principal.token)])
        if result.applied == 0 { throw RolloutError("dispatch_rule_repeated", kind: .conflict, ["value": rule.category.rawValue]) }
        return try await store.dispatchTable(at: ReadMoment(asOf: .including(now)))
    }

    /// What waits on every unit at a moment.
    public func unitLoads(asOf: String? = nil, knownAt: String? = nil) async throws -> [UnitLoad] {
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await unitLoads(at: moment)
    }

    /// What waits on one unit at a moment, oldest first.
    public func unitObstacles(_ unit: String, asOf: String? = nil, knownAt: String? = nil, page: Int = 1, perPage: Int = 100) async throws -> ObstaclePage {
        guard Dispatch.isUnit(unit) else { throw RolloutError("unknown_unit", kind: .notFound, ["value": unit]) }
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await unitObstacles(unit, at: moment, page: page, perPage: perPage)
    }

    /// Escalates to the city every obstacle whose clock has run out (neither resolved nor escalated
    /// yet), as `system`, dated when its clock ran out. Several instances may run it at once: an
    /// obstacle is escalated once (the log's re-sent check). Returns how many it escalated.
    @discardableResult
    public func escalateOverdue() async throws -> Int {
        let now = try await campaign().now(clock)
        let due = try await store.overdueObstacles(now: now)
        guard !due.isEmpty else { return 0 }
        var escalated = 0
        // In slices, so that one obstacle changed meanwhile (resolved, escalated by hand) costs only its slice.
        for slice in stride(from: 0, to: due.count, by: 500).map({ Array(due[$0..<min($0 + 500, due.count)]) }) {
            let events = slice.map { d in
                NewEvent(.obstacleEscalated(org: d.state.opening.org, ref: d.state.opening.ref, reason: ""),
                         occurredAt: min(d.ranOutAt, now), recordedAt: now, actor: Self.systemActor)
            }
            do {
                escalated += try await store.append(events).applied
            } catch let e as RolloutError where e.kind == .conflict {
                for event in events { escalated += (try? await store.append([event]).applied) ?? 0 }
            }
        }
        return escalated
    }
}
