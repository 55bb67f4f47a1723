extension Catalogue {
    /// Messages of the forecast's back-test and track record.
    static let forecastTexts: [String: (zh: String, en: String)] = [
        "backtest_bad_step": ("回测间隔须为 1 到 366 天，“{value}”不是", "the back-test step must be 1 to 366 days (as 7d); “{value}” is not"),
        "backtest_bad_day": ("回测日期须写作 YYYY-MM-DD，“{value}”不是", "a back-test day is written YYYY-MM-DD; “{value}” is not"),
        "backtest_out_of_range": ("回测日期须在攻坚期内（{start} 至 {deadline} 之前）：“{value}”不在其中",
                                  "a back-test day must lie in the campaign (from {start} to before {deadline}); “{value}” does not"),
        "backtest_empty": ("起止日期之间没有回测日（起 {from}，止 {to}）", "there is no day to replay between {from} and {to}"),
        "backtest_no_outcome": ("截止日 {value} 尚未到来，日志里还没有结果可比",
                                "the deadline {value} has not come yet: the log holds no outcome to compare with"),
        "page_track_record": ("预测的历史表现", "Forecast track record"),
        "page_track_intro": ("过去每周末（按当时已知的数据）所作的预测：当时预计到今天和到截止日完成多少，与今天日志中的实际数对照。80% 区间应有约八成包含实际数。",
                             "The forecasts made at the end of each past week (on what was known then): what each expected by today and by the deadline, against what the log shows today. About eight in ten 80 % ranges should hold the actual count."),
        "page_city": ("全市", "The city"),
        "page_track_made_on": ("预测日期", "Made on"),
        "page_track_progress_then": ("当时完成", "Progress then"),
        "page_track_expected_now": ("预计到 {value}", "Expected by {value}"),
        "page_track_range": ("80% 区间", "80 % range"),
        "page_track_held": ("区间含实际数", "Range held it"),
        "page_track_yes": ("是", "yes"),
        "page_track_no": ("否", "no"),
        "page_track_expected_deadline": ("预计截止日", "Expected at the deadline"),
        "page_track_chance": ("达标概率", "Chance of the target"),
        "page_track_outcome": ("截止日实际完成", "Progress at the deadline"),
        "page_track_summary": ("过去 {ranges} 次预测中，有 {held} 次的 80% 区间包含了今天的实际完成数 {value}。",
                               "{held} of the last {ranges} forecasts' 80 % ranges held today's progress, {value}."),
        "page_track_none": ("还没有可对照的历史预测（攻坚开始两周后才有）", "No past forecast to compare yet (the first comes two weeks after the start)"),
    ]
}
