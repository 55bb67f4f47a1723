import RolloutApplication
import RolloutCore

/// The reconciliation rate of a page's scope (the city, a district, an operator) and its open
/// mismatches, as one line linking to the queue (for those who read records).
enum ReconciliationLine {
    /// The line, or nothing when no site of the scope is paired and none has a mismatch.
    static func html(_ f: ReconciliationView.Figure?, filter: [(String, String)] = [], _ c: PageContext) -> HTML? {
        guard let f, f.rate.paired > 0 || f.open > 0 else { return nil }
        let rate = c.t("page_reconciliation_rate_line", ["value": c.percent(f.rate.value), "agreeing": "\(f.rate.agreeing)", "paired": "\(f.rate.paired)"])
        let open = "\(c.t("page_reconciliation_open"))\(c.language == .zh ? "：" : ": ")\(f.open)"
        let text: HTML = c.readsRecords ? "<a href=\"\(c.link(Route.reconciliation.pattern, filter))\">\(rate)</a> · \(open)" : "\(rate) · \(open)"
        return "<p class=\"muted\" id=\"reconciliation\">\(text)</p>"
    }
}
