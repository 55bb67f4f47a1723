import RolloutCore
import RolloutStorage

/// Checks the rows of a `progress` file: each moves a known site to a stage, forward, or back
/// with a rollback reason. Earlier rows of the same file count.
struct ProgressRows: RowChecker {
    private var sites: [SiteKey: SiteState] = [:]
    /// The safety findings recorded so far: a major one stops work on its site.
    private var safety: Safety?

    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any ImportChecks) async throws {
        var keys: Set<SiteKey> = []
        for (_, cells) in rows {
            if let c = header.cell("site_code", in: cells), let o = header.cell("operator", in: cells).flatMap(Operator.init(codeOrName:)),
               sites[SiteKey(operator: o, code: c)] == nil {
                keys.insert(SiteKey(operator: o, code: c))
            }
        }
        for (k, v) in try await session.sites(keys) { sites[k] = v }
        if safety == nil { safety = Safety(try await session.loggedEvents(kinds: Safety.kinds), at: ReadMoment(asOf: Cutoff(before: Instant(seconds: .max)))) }
    }

    /// The store holds what earlier rows did: memory stays bounded by a chunk, whatever the file's size.
    mutating func didAppend() { sites.removeAll(keepingCapacity: true) }

    mutating func check(_ row: inout RowReader) -> [NewEvent] {
        let code = row.code("site_code"), op = row.operator()
        var stage: Stage? = nil
        if let s = row.required("stage") {
            stage = Stage(codeOrName: s)
            if stage == nil { row.fail("stage", "unknown_stage", ["value": s]) }
        }
        let at = row.date("occurred_at", required: true)
        let note = row.text("note"), reason = row.text("rollback_reason")
        guard row.isValid, let code, let op, let stage, let at else { return [] }
        let key = SiteKey(operator: op, code: code)
        guard var state = sites[key] else {
            row.fail("site_code", "unknown_site", ["value": code])
            return []
        }
        let current = SiteTimeline.stage(of: state.steps, at: Cutoff.including(at)) ?? .planned
        let change: StageChange
        let body: EventBody
        if let reason {
            // A rollback to the stage the site stands at changes nothing (a re-sent row, say).
            guard stage <= current else {
                row.fail("stage", "rollback_not_back", ["value": stage.chineseName, "current": current.chineseName])
                return []
            }
            change = StageChange(.rollback, stage, at: at, seq: .max)
            body = .stageRolledBack(site: key, stage: stage, reason: reason)
        } else {
            // Work stopped by a major safety finding: no progress dated while the stop lasts
            // (a report of what happened before the inspection is still taken).
            if let stop = safety?.stopWork(key, at: at) {
                row.fail("occurred_at", "stop_work", ["value": stop.inspectionRef, "category": stop.category.chineseName])
                return []
            }
            guard stage >= current else {
                row.fail("stage", "stage_backwards", ["value": stage.chineseName, "current": current.chineseName])
                return []
            }
            change = StageChange(.report, stage, at: at, seq: .max)
            body = .stageReported(site: key, stage: stage, note: note)
        }
        // Later rows see this one.
        if at >= state.steps.last!.at {
            SiteTimeline.advance(&state.steps, by: change)
        } else {
            var previous = Stage.planned
            let implied = state.steps.dropFirst().enumerated().map { i, step -> StageChange in
                defer { previous = step.stage }
                return StageChange(step.stage < previous ? .rollback : .report, step.stage, at: step.at, seq: Int64(i))
            }
            state.steps = SiteTimeline.fold(registeredAt: state.registeredAt, changes: implied + [change])
        }
        sites[key] = state
        return [row.event(body, at: at)]
    }
}
