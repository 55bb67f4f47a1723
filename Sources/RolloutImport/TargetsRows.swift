import RolloutCore
import RolloutStorage

/// Checks the rows of a `targets` file: the city office's plan, of sites (the default `measure`)
/// or of 5G subscribers (`measure` = `subscribers_5g`).
///
/// A site target line is one milestone of its key (region, operator, key area), keyed by its due
/// date: a key may have several, cumulative. A changed milestone needs a reason (a reallocation);
/// a milestone's date moves with `moved_from` and a reason; both values stay in the history. An
/// unchanged line changes nothing. The plan of every key the file touches must stay cumulative.
struct TargetsRows: RowChecker {
    private var current: Targets?
    private var adoption: Adoption?
    private var seen: [String: Int] = [:]
    /// The milestones this file sets, with their rows, and the dates it moves away from.
    private var planned: [String: [(due: Instant, target: Int, row: Int)]] = [:]
    private var movedAway: [String: Set<DayNumber>] = [:]

    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any ImportChecks) async throws {
        let always = ReadMoment(asOf: Cutoff(before: Instant(seconds: .max)))
        if current == nil { current = Targets(try await session.targetRecords(), at: always) }
        if adoption == nil, header.index["measure"] != nil { adoption = try await Adoption.recorded(in: session) }
    }

    mutating func check(_ row: inout RowReader) -> [NewEvent] {
        let region = row.region()
        let op = row.operator(required: false)
        var target: Int? = nil
        if let t = row.required("target") {
            target = Int(t)
            if target == nil || target! < 0 { row.fail("target", "bad_target", ["value": t]); target = nil }
        }
        let due = row.date("due", required: true, notFuture: false)
        let movedFrom = row.date("moved_from", required: false, notFuture: false)
        let keyArea = row.text("key_area"), reason = row.text("reason")
        var subscribers = false
        if let m = row.text("measure") {
            switch m.lowercased() {
            case "sites", "站数", "基站", "目标站数": break
            case "subscribers_5g", "5g用户数", "用户数", "5g用户": subscribers = true
            default: row.fail("measure", "bad_measure", ["value": m])
            }
        }
        if subscribers, keyArea != nil { row.fail("key_area", "key_area_not_for_subscribers") }
        if subscribers, movedFrom != nil { row.fail("moved_from", "moved_from_not_for_subscribers") }
        guard row.isValid, let region, let target, let due else { return [] }
        if subscribers { return subscriberTarget(&row, SubscriberTarget(regionCode: region.code, operator: op, target: target, due: due, reason: reason)) }
        // A milestone is due by the end of its day, within the plan.
        let dueAt = ShanghaiCalendar.endOfDay(due)
        let plan = row.context.campaign
        guard dueAt >= plan.start && dueAt <= plan.deadline else {
            row.fail("due", "due_outside_plan", ["value": ShanghaiCalendar.dateString(dueAt), "start": ShanghaiCalendar.dateString(plan.start),
                                                 "deadline": ShanghaiCalendar.dateString(plan.deadline)])
            return []
        }
        let setting = TargetSetting(regionCode: region.code, operator: op, keyArea: keyArea, target: target,
                                    due: dueAt, reason: reason, movedFrom: movedFrom.map(ShanghaiCalendar.endOfDay))
        if let first = seen[setting.milestone] {
            row.fail("due", "duplicate_in_file", ["value": "\(region.code) \(ShanghaiCalendar.dateString(dueAt))", "first": "\(first)"])
            return []
        }
        seen[setting.milestone] = row.number
        let existing = current?.milestones[setting.milestone]?.setting
        if let from = setting.movedFrom {
            let old = TargetSetting.milestone(entity: setting.entity, due: from)
            guard current?.milestones[old] != nil else {
                row.fail("moved_from", "no_milestone_to_move", ["value": ShanghaiCalendar.dateString(from)])
                return []
            }
            guard ShanghaiCalendar.day(of: from) != ShanghaiCalendar.day(of: dueAt) else {
                row.fail("moved_from", "milestone_not_moved", ["value": ShanghaiCalendar.dateString(from)])
                return []
            }
            guard existing == nil else {
                row.fail("due", "milestone_exists", ["value": ShanghaiCalendar.dateString(dueAt)])
                return []
            }
            guard reason != nil else {
                row.fail("reason", "move_reason_required", ["old": ShanghaiCalendar.dateString(from), "value": ShanghaiCalendar.dateString(dueAt)])
                return []
            }
            movedAway[setting.entity, default: []].insert(ShanghaiCalendar.day(of: from))
        } else if let old = existing {
            if old.target == target { return [] }
            if reason == nil {
                row.fail("reason", "reason_required", ["old": "\(old.target)", "value": "\(target)"])
                return []
            }
        }
        planned[setting.entity, default: []].append((dueAt, target, row.number))
        return [row.event(.targetSet(setting))]
    }

    /// Every key's plan, as the file leaves it, must not fall from one milestone to a later one.
    mutating func finish() -> [ImportError] {
        var errors: [ImportError] = []
        for (entity, rows) in planned {
            var byDay: [DayNumber: (due: Instant, target: Int, row: Int?)] = [:]
            for m in current?.milestones.values ?? [:].values where m.setting.entity == entity {
                byDay[ShanghaiCalendar.day(of: m.setting.due)] = (m.setting.due, m.setting.target, nil)
            }
            for day in movedAway[entity] ?? [] { byDay[day] = nil }
            for r in rows { byDay[ShanghaiCalendar.day(of: r.due)] = (r.due, r.target, r.row) }
            // The first fall of the plan as the file leaves it, on the row that made it.
            guard let fall = MilestonePlan(byDay.values.map { .init(target: $0.target, due: $0.due) }).firstFall else { continue }
            let row = byDay[ShanghaiCalendar.day(of: fall.later.due)]?.row ?? byDay[ShanghaiCalendar.day(of: fall.earlier.due)]?.row ?? 0
            errors.append(ImportError(row: row, column: "", code: "milestone_not_cumulative",
                                      arguments: ["value": "\(fall.later.target)", "due": ShanghaiCalendar.dateString(fall.later.due),
                                                  "earlier": "\(fall.earlier.target)", "earlier_due": ShanghaiCalendar.dateString(fall.earlier.due)]))
        }
        return errors.sorted { $0.row < $1.row }
    }

    /// A subscriber target line: checked like a site target's, against the subscriber targets.
    private mutating func subscriberTarget(_ row: inout RowReader, _ t: SubscriberTarget) -> [NewEvent] {
        if let first = seen[t.entity] {
            row.fail("region_code", "duplicate_in_file", ["value": t.regionCode, "first": "\(first)"])
            return []
        }
        seen[t.entity] = row.number
        if let old = adoption?.targets[t.entity]?.target {
            if old.target == t.target && old.due == t.due { return [] }
            if t.reason == nil {
                row.fail("reason", "reason_required", ["old": "\(old.target)", "value": "\(t.target)"])
                return []
            }
        }
        return [row.event(.subscriberTargetSet(t))]
    }
}
