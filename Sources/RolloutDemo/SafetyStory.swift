import RolloutCore

/// The demo's safety inspections of a site (illustrative): a few sites in a hundred are inspected
/// while they are being built, mostly with general findings fixed within days; a major finding
/// stops work in a quiet spell of the site's own history (between two of its stage changes, so no
/// progress falls inside the stop) and is lifted by the re-inspection before the next change. One
/// contractor has a bad record: three times the findings, more of them major, slower fixes (the
/// late ones escalated by the platform when their deadline ran out).
extension DemoCampaign {
    /// The demo's contractors (illustrative names); the last has the bad record.
    public static var contractors: [String] { SafetyStory.contractors }
}

struct SafetyStory {
    /// The contractors of the demo (illustrative names); the last has the bad record.
    static let contractors = (1...9).map { "重庆某通信工程有限公司（示例\(["一", "二", "三", "四", "五", "六", "七", "八", "九"][$0 - 1])）" }
    /// The contractor with the bad record.
    static var troubled: String { contractors.last! }

    /// The contractor building an operator's sites in a region.
    static func contractor(region: String, operator op: Operator) -> String {
        let h = (region + op.rawValue).unicodeScalars.reduce(UInt32(2166136261)) { ($0 ^ $1.value) &* 16777619 }
        return contractors[Int(h % UInt32(contractors.count))]
    }

    /// The categories' weights: project hazards first, as the published inspections find them.
    static let categories: [(SafetyFinding.Category, Double)] = [(.workAtHeight, 0.24), (.electrical, 0.16), (.fire, 0.14), (.towerFoundation, 0.10),
                                                                  (.traffic, 0.08), (.management, 0.14), (.documents, 0.10), (.other, 0.04)]
    static let texts: [SafetyFinding.Category: String] = [
        .workAtHeight: "登高作业人员未系安全带", .electrical: "临时用电未设漏电保护", .fire: "施工现场未配灭火器",
        .towerFoundation: "铁塔基础养护期不足即组立", .traffic: "占道施工未设警示标志", .management: "未开展班前安全交底",
        .documents: "特种作业人员证件未备案", .other: "材料堆放占用消防通道",
    ]

    /// The events of the site's inspection, if it has one, before the clock.
    static func events(index i: Int, site: SiteKey, region: String, times: [Instant], clock: Cutoff, seed: UInt64) -> [NewEvent] {
        var rng = SeededRandom(seed: seed, stream: 0x5AFE, item: UInt64(i))
        let contractor = contractor(region: region, operator: site.operator)
        let bad = contractor == troubled
        guard rng.chance(bad ? 0.09 : 0.03) else { return [] }
        // A quiet spell of at least a week between two of the site's changes.
        let sorted = times.sorted()
        let gaps = zip(sorted, sorted.dropFirst()).filter { $0.1.seconds - $0.0.seconds >= 8 * 86_400 }
        guard !gaps.isEmpty else { return [] }
        let (from, to) = gaps[Int(rng.unit() * Double(gaps.count))]
        let inspected = from.adding(seconds: 86_400 + Int64(rng.uniform(9...11) * 3600))
        let room = Double(to.seconds - inspected.seconds) / 86_400 - 1   // days before the next change
        let category = categories[rng.pick(weights: categories.map(\.1))].0
        let major = rng.chance(bad ? 0.35 : 0.10)
        let inspector = "\(region)区县安监站"
        let ref = "AJ-\(site.code)"
        let finding = SafetyFinding(ref: "\(ref)-1", inspectionRef: ref, site: site, regionCode: region, contractor: contractor, inspector: inspector,
                                    category: category, severity: major ? .major : .general, text: texts[category]!, responsible: site.operator.rawValue,
                                    deadline: inspected.adding(days: major ? 3 : 7))
        var out: [NewEvent] = []
        func add(_ body: EventBody, at t: Instant, by actor: String) {
            if clock.includes(t) { out.append(NewEvent(body, occurredAt: t, recordedAt: t, actor: actor)) }
        }
        add(.findingRecorded(finding), at: inspected, by: "district-\(region)")
        // The fix, then the re-inspection; a major one is closed within the quiet spell.
        let fixDays = major ? min(room * 0.5, rng.uniform(1...3)) : rng.uniform(bad ? 4...14 : 1...6)
        let fixed = inspected.adding(seconds: Int64(fixDays * 86_400))
        // A fix not reported by the deadline: the platform escalates it within a minute of it running out.
        let sweep = finding.deadline.adding(seconds: 60)
        if fixed > sweep, clock.includes(sweep) {
            out.append(NewEvent(.findingStep(ref: finding.ref, step: .escalated(deadline: finding.deadline)), occurredAt: finding.deadline,
                                recordedAt: sweep, actor: "system"))
        }
        add(.findingStep(ref: finding.ref, step: .rectified(note: "已整改")), at: fixed, by: "\(site.operator.rawValue)-import")
        let recheck = fixed.adding(seconds: Int64((major ? min(room * 0.4, 1.5) : rng.uniform(1...3)) * 86_400))
        if !major && rng.chance(bad ? 0.3 : 0.1) {
            add(.findingStep(ref: finding.ref, step: .reopened(note: "复查未通过", deadline: recheck.adding(days: 5))), at: recheck, by: "district-\(region)")
            let again = recheck.adding(seconds: Int64(rng.uniform(1...4) * 86_400))
            add(.findingStep(ref: finding.ref, step: .rectified(note: "再次整改")), at: again, by: "\(site.operator.rawValue)-import")
            add(.findingStep(ref: finding.ref, step: .accepted(note: "复查通过")), at: again.adding(days: 2), by: "district-\(region)")
        } else {
            add(.findingStep(ref: finding.ref, step: .accepted(note: "复查通过")), at: recheck, by: "district-\(region)")
        }
        return out
    }
}
