import RolloutCore

extension Catalogue {
    /// The assessment scorecard (考核): its parts, its page and its refusals.
    static let scorecardTexts: [String: (zh: String, en: String)] = [
        "page_scorecard": ("考核评分", "Scorecard"),
        "page_scorecard_intro": ("各区县按各项工作加权评分（0–100）；尚无数据的项目不计权重。建设进度按时间进度折算目标；核验在现场核验上线前按与铁塔记录一致的站点占比（对账一致率）；问题按未超时限的占比；报送按近 {days} 天区县报送周期的按时率；5G 应用按运营中项目数、5G 用户按近 3 个月增长率，均以最好的区县为 100 分。",
                                 "Each district's weighted score over the levers (0–100); a part without data weighs nothing. Build: against the target pro rata to the time gone by; verified: until field verification exists, the share of the operator sites whose record China Tower's confirms (the reconciliation rate); obstacles: the open ones still within their clock; reporting: the district office's periods of the last {days} days reported on time; 5G applications: projects in operation, and 5G subscribers: growth over the last 3 months, each against the best district (100)."),
        "page_scorecard_weights": ("现行权重", "Weights in force"),
        "page_scorecard_weights_standard": ("（默认权重）", "(the standard weights)"),
        "page_scorecard_weights_set": ("（{by} 于 {at} 设定）", "(set by {by} at {at})"),
        "page_scorecard_set_weights": ("设定权重", "Set the weights"),
        "page_scorecard_rank": ("名次", "Rank"),
        "page_scorecard_change": ("较上期通报", "Since the last bulletin"),
        "page_scorecard_score": ("得分", "Score"),
        "page_scorecard_no_data": ("暂无数据", "no data yet"),
        "page_scorecard_previous": ("上期通报截至 {value}。", "The last bulletin was cut off at {value}."),
        "page_scorecard_no_previous": ("尚无通报，无名次变化。", "No bulletin yet: no rank change."),
        "page_scorecard_done": ("权重已设定", "The weights were set"),
        "bulletin_scorecard": ("十、考核评分", "10. Scorecard"),
        "scorecard_part_build": ("建设进度", "Build progress"),
        "scorecard_part_verified": ("核验通过率", "Verified share"),
        "scorecard_part_obstacles": ("问题按时办理", "Obstacles within their clock"),
        "scorecard_part_reporting": ("按时报送", "Reporting on time"),
        "scorecard_part_safety": ("安全生产", "Safety"),
        "scorecard_part_applications": ("5G 应用", "5G applications"),
        "scorecard_part_subscribers": ("5G 用户增长", "5G subscriber growth"),
        "scorecard_bad_part": ("未知的考核项“{value}”（build、verified、obstacles、reporting、safety、applications、subscribers）",
                               "unknown part “{value}” (build, verified, obstacles, reporting, safety, applications, subscribers)"),
        "scorecard_bad_weight": ("考核项“{value}”的权重须为 0 到 1000 的数", "the weight of “{value}” must be a number from 0 to 1,000"),
        "scorecard_zero_weights": ("权重之和须大于零", "the weights must sum to more than zero"),
    ]
}
