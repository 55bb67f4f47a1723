import RolloutCore
import RolloutStorage

/// Checks the rows of a `targets` file: the city office's allocation. A changed target needs a
/// reason (a reallocation); both values stay in the history. An unchanged line changes nothing.
struct TargetsRows: RowChecker {
    private var current: Targets?
    private var seen: [String: Int] = [:]

    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any ImportChecks) async throws {
        if current == nil {
            current = Targets(try await session.targetRecords(), at: ReadMoment(asOf: Cutoff(before: Instant(seconds: .max))))
        }
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
        guard row.isValid, let region, let target, let due else { return [] }
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
}
