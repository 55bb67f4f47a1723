import RolloutCore

/// The life of one demo site: its stages with realistic durations, the obstacles that delayed it,
/// the operator's reports of it (some stages skipped and implied, some reported days late), and
/// now and then a rollback.
struct SiteStory {
    /// Typical obstacle frequencies by category (share of obstacles), the stage each one holds up,
    /// the median days to resolve it, and who is responsible.
    static let obstacleProfile: [(ObstacleCategory, weight: Double, blocks: Stage, median: Double, responsible: String)] = [
        (.access, 0.24, .siteSecured, 10, "物业"), (.power, 0.20, .powerReady, 12, "电力公司"),
        (.permit, 0.09, .designed, 15, "区县政府"), (.siting, 0.12, .siteSecured, 14, "区县政府"),
        (.complaint, 0.10, .civilDone, 9, "街道办事处"), (.rent, 0.08, .siteSecured, 8, "物业"),
        (.transmission, 0.07, .transmissionReady, 6, "中国铁塔"), (.equipment, 0.04, .installed, 10, "设备厂商"),
        (.safety, 0.02, .civilDone, 4, "区县应急管理局"), (.other, 0.04, .designed, 5, "区县政府"),
    ]

    static let descriptions: [ObstacleCategory: [String]] = [
        .access: ["物业不同意进场施工", "业主阻挠，要求补偿", "小区业委会未同意安装"],
        .power: ["市电引入排队中，等待供电公司勘察", "变压器容量不足，需增容", "电力报装审批未完成"],
        .permit: ["规划许可未批复", "占道施工审批未通过"],
        .siting: ["选址范围内无合适站址", "候选站址不满足覆盖要求，需重新选址"],
        .complaint: ["居民担心电磁辐射，投诉要求停工", "周边住户联名反对建站"],
        .rent: ["租金谈判未达成一致", "业主要价过高"],
        .transmission: ["光缆未到位", "传输管道被占用，需新建管道"],
        .equipment: ["AAU设备到货延迟", "BBU板卡缺货"],
        .safety: ["塔桅基础存在安全隐患，停工整改", "高处作业安全检查未通过"],
        .other: ["施工队伍不足", "雨季暂停施工"],
    ]

    struct Obstacle {
        var category: ObstacleCategory
        var openedAt: Instant
        var resolvedAt: Instant
        var responsible: String
        var description: String
    }

    var registeredAt: Instant
    var stageTimes: [(Stage, Instant)] = []
    var obstacles: [Obstacle] = []
    /// A rollback, when one happened: (the moment, the stage moved back to, re-reached at).
    var rollback: (at: Instant, to: Stage, redoneAt: Instant)?

    /// Draws a site's life ending on air at `onAir` (or planned to be, if it lies beyond the clock).
    init(onAir: Instant, host: Host, lagging: Bool, rng: inout SeededRandom) {
        let obstacleChance = lagging ? 0.42 : 0.24
        var planned: [(ObstacleCategory, Double, Stage, Double, String)] = []
        if rng.chance(obstacleChance) {
            let p = SiteStory.obstacleProfile[rng.pick(weights: SiteStory.obstacleProfile.map(\.weight))]
            planned.append((p.0, p.weight, p.blocks, p.median, p.responsible))
            if rng.chance(0.15) {
                let q = SiteStory.obstacleProfile[rng.pick(weights: SiteStory.obstacleProfile.map(\.weight))]
                if q.blocks != p.blocks { planned.append((q.0, q.weight, q.blocks, q.median, q.responsible)) }
            }
        }
        let tower = host == .newTower
        // Days each stage takes after the previous one, with the delay of an obstacle that blocks it.
        var days: [(Stage, Double, (ObstacleCategory, Double, String)?)] = []
        let base: [(Stage, Double, Double)] = [
            (.siteSecured, 12, 0.5), (.designed, 5, 0.4), (.civilDone, tower ? 18 : 4, 0.4), (.powerReady, 6, 0.5),
            (.transmissionReady, 3, 0.5), (.installed, 2, 0.4), (.onAir, 1.5, 0.4),
        ]
        for (stage, median, sigma) in base {
            var d = rng.logNormal(median: median, sigma: sigma)
            var blocking: (ObstacleCategory, Double, String)? = nil
            if let o = planned.first(where: { $0.2 == stage }) {
                let resolve = rng.logNormal(median: o.3, sigma: 0.6)
                blocking = (o.0, resolve, o.4)
                d += resolve
            }
            days.append((stage, d, blocking))
        }
        let rolledBack = rng.chance(0.004)
        let total = days.reduce(0) { $0 + $1.1 } + (rolledBack ? 4 : 0)
        registeredAt = onAir.adding(seconds: -Int64(total * 86_400))
        var t = registeredAt
        for (stage, d, blocking) in days {
            let start = t
            t = t.adding(seconds: Int64(d * 86_400))
            if stage == .onAir, rolledBack {
                let back = start.adding(seconds: 86_400)
                rollback = (back, .transmissionReady, back.adding(seconds: 2 * 86_400))
                t = onAir
            }
            if stage == .onAir { t = onAir }
            stageTimes.append((stage, t))
            if let (category, resolve, responsible) = blocking {
                let opened = start.adding(seconds: Int64(rng.uniform(0.2...1.5) * 86_400))
                let texts = SiteStory.descriptions[category]!
                obstacles.append(Obstacle(category: category, openedAt: opened,
                                          resolvedAt: max(opened.adding(seconds: 3600), opened.adding(seconds: Int64(resolve * 86_400))),
                                          responsible: responsible, description: texts[Int(rng.unit() * Double(texts.count))]))
            }
        }
        stageTimes.append((.accepted, onAir.adding(seconds: Int64(rng.logNormal(median: 18, sigma: 0.4) * 86_400))))
    }
}
