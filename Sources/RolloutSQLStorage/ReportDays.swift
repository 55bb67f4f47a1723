import RolloutCore
import RolloutStorage
import SQLKit

/// What each operator reported, counted by Shanghai day (of recording), kind and actor: the
/// `report_days` table, kept as events are appended (the log itself is never changed, so the
/// counts only grow). It answers "an operator's reports over the last days" without reading the
/// events one by one.
struct ReportDays {
    struct Key: Hashable { var op: String; var day: DayNumber; var kind: String; var actor: String }
    private(set) var counts: [Key: Int] = [:]
    /// The receipts of reports (`report.received`), which are not counted here.
    static let receiptKind = "report.received"

    /// Fills the table from the log (a migration, a rebuild).
    static let fill = """
        INSERT INTO report_days (operator, day, kind, actor, events)
        SELECT operator, (recorded_at + \(ShanghaiCalendar.offset)) / 86400, kind, actor, COUNT(*) FROM events
        WHERE operator IS NOT NULL AND kind <> '\(receiptKind)' GROUP BY operator, (recorded_at + \(ShanghaiCalendar.offset)) / 86400, kind, actor
        """

    mutating func add(_ event: NewEvent, operator op: String) {
        counts[Key(op: op, day: ShanghaiCalendar.day(of: event.recordedAt), kind: event.body.kind, actor: event.actor), default: 0] += 1
    }

    /// Adds another set of counts to these.
    mutating func merge(_ other: ReportDays) {
        counts.merge(other.counts, uniquingKeysWith: +)
    }

    /// Adds the counts of the events just inserted (in the same transaction).
    func write(db: any SQLDatabase) async throws {
        let rows: [[any Encodable & Sendable]] = counts.map { k, n in [k.op, Int64(k.day), k.kind, k.actor, Int64(n)] }
        try await db.insertRows("report_days", columns: ["operator", "day", "kind", "actor", "events"], rows: rows,
                                suffix: "ON CONFLICT (operator, day, kind, actor) DO UPDATE SET events = report_days.events + excluded.events")
    }
}
