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
    ]
}
