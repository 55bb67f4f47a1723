import RolloutCore

extension Catalogue {
    /// The texts of the plan: milestones, their import rules and the plan's views.
    static let planTexts: [String: (zh: String, en: String)] = [
        "import.due_outside_plan": ("完成期限 {value} 不在规划期内（{start} 至 {deadline}）", "the due date {value} lies outside the plan ({start} to {deadline})"),
        "import.no_milestone_to_move": ("原期限 {value} 没有可调整的节点目标", "there is no milestone due {value} to move"),
        "import.milestone_not_moved": ("原期限 {value} 与新期限相同", "the milestone is already due {value}"),
        "import.milestone_exists": ("{value} 已有节点目标，不能把另一节点调整到该日", "a milestone is already due {value}; another cannot move onto it"),
        "import.move_reason_required": ("调整节点期限（{old} → {value}）须填写调整原因", "moving a milestone ({old} → {value}) needs a reason"),
        "move_reason_required": ("调整节点期限（{old} → {value}）须填写调整原因", "moving a milestone ({old} → {value}) needs a reason"),
        "import.milestone_not_cumulative": ("节点目标为累计数：{due} 的 {value} 少于 {earlier_due} 的 {earlier}",
                                            "milestones are cumulative: {value} due {due} is fewer than {earlier} due {earlier_due}"),
        "import.moved_from_not_for_subscribers": ("用户数目标不按节点调整期限", "a subscriber target has no milestone date to move"),
        "quota_not_cumulative": ("调整后目标 {value} 与 {due} 节点的 {later} 站不再累计递增", "after the move, {value} no longer fits the cumulative plan ({later} due {due})"),
        "page_plan": ("规划节点", "The plan's milestones"),
        "page_plan_due": ("节点期限", "Due"),
        "page_plan_target": ("累计目标（新建站数）", "Cumulative target (new sites)"),
        "page_plan_state": ("状态", "State"),
        "page_plan_in_force": ("当前考核节点", "in force"),
        "page_plan_past": ("已过", "past"),
        "page_plan_ahead": ("后续节点", "ahead"),
        "page_plan_expected": ("预计届时新建（80% 区间）", "Expected by then (80 % range)"),
        "page_plan_chance": ("完成概率", "Chance"),
        "page_plan_by_now": ("按计划（当前节点期内按时间折算）截至目前应新建 {value} 站，实际 {progress} 站。",
                             "By the plan (pro rata within the period of the milestone in force), {value} new sites were due by now; {progress} are built."),
        "page_density": ("每万人5G基站数", "5G sites per 10,000 people"),
        "page_density_note": ("常住人口 {value} 万（七普）", "population {value} × 10,000 (2020 census)"),
        "page_density_note_imputed": ("人口 {value} 万，含估算（缺七普数据的区县按面积×同类区县人口密度中位数）",
                                      "population {value} × 10,000, partly estimated (a region without a census figure: its area × the median density of its kind)"),
    ]
}
