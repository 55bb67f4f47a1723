import RolloutCore
import RolloutStorage

/// Checks the rows of a `targets` file: the city office's allocation, of sites (the default
/// `measure`) or of 5G subscribers (`measure` = `subscribers_5g`). A changed target needs a reason
/// (a reallocation); both values stay in the history. An unchanged line changes nothing.
struct TargetsRows: RowChecker {
    private var current: Targets?
    private var adoption: Adoption?
    private var seen: [String: Int] = [:]

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
        guard row.isValid, let region, let target, let due else { return [] }
        if subscribers { return subscriberTarget(&row, SubscriberTarget(regionCode: region.code, operator: op, target: target, due: due, reason: reason)) }
        let setting = TargetSetting(regionCode: region.code, operator: op, keyArea: keyArea, target: target,
                                    due: due, reason: reason)
        if let first = seen[setting.entity] {
            row.fail("region_code", "duplicate_in_file", ["value": region.code, "first": "\(first)"])
            return []
        }
        seen[setting.entity] = row.number
        if let old = current?.lines[setting.entity]?.setting {
            if old.target == target && old.due == due { return [] }
            if reason == nil {
                row.fail("reason", "reason_required", ["old": "\(old.target)", "value": "\(target)"])
                return []
            }
        }
        return [row.event(.targetSet(setting))]
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
