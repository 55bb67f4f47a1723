import RolloutCore

extension Catalogue {
    /// The messages of reconciling operators' records with China Tower's.
    static let reconciliationTexts: [String: (zh: String, en: String)] = [
        "reconciliation_bad_gap": ("阶段差异天数须为 1 到 365，“{value}”不是", "the days a stage gap may last must be 1 to 365; “{value}” is not"),
        "reconciliation_bad_distance": ("位置差异须为 1 到 5000 米，“{value}”不是", "the distance the two may differ by must be 1 to 5,000 m; “{value}” is not"),
    ]
}
