import RolloutCore
import RolloutStorage

/// Checks the rows of a `subscribers` file: an operator's 5G subscribers and traffic per region
/// and month. A month's figure dates from the month's last second (or now, for the running month);
/// a row that says what is recorded already changes nothing, one that differs is a correction.
struct SubscribersRows: RowChecker {
    private var current: Adoption?
    private var seen: [String: Int] = [:]

    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any ImportChecks) async throws {
        if current == nil { current = try await Adoption.recorded(in: session) }
    }

    mutating func check(_ row: inout RowReader) -> [NewEvent] {
        let month = row.month("month")
        let op = row.operator()
        let region = row.region()
        let count = row.count("subscribers_5g")
        let traffic = row.number("traffic_tb", required: false)
        guard row.isValid, let month, let op, let region else { return [] }
        let figure = SubscriberFigure(month: month, operator: op, regionCode: region.code, subscribers: count, trafficTB: traffic)
        // The figure's own rules (counts, traffic, one of the two), as the core states them.
        do { _ = try figure.validated(now: row.context.now) } catch let e as RolloutError {
            let column = e.code == "subscribers_bad_traffic" ? "traffic_tb" : e.code == "subscribers_future_month" ? "month" : "subscribers_5g"
            row.fail(column, e.code, ["value": row.text(column) ?? e.arguments["value"] ?? ""])
            return []
        } catch { return [] }
        if let first = seen[figure.entity] {
            row.fail("month", "duplicate_in_file", ["value": "\(op.rawValue) \(region.code) \(month)", "first": "\(first)"])
            return []
        }
        seen[figure.entity] = row.number
        if current?.figures[figure.entity] == figure { return [] }
        return [row.event(.subscribersReported(figure), at: SubscriberFigure.occurredAt(month, reportedAt: row.context.now))]
    }
}

extension RowReader {
    /// A month (`YYYY-MM`, or a date whose month it is), not after the import's own month.
    mutating func month(_ column: String) -> YearMonth? {
        guard let v = required(column) else { return nil }
        let parsed = YearMonth(v) ?? ShanghaiCalendar.parseDay(String(v.prefix(10))).map { YearMonth(of: ShanghaiCalendar.start(of: $0)) }
        guard let month = parsed else { fail(column, "bad_month", ["value": v]); return nil }
        guard month <= YearMonth(of: context.now) else { fail(column, "subscribers_future_month", ["value": month.description]); return nil }
        guard month.lastSecond >= context.dates.earliest else {
            fail(column, "too_early", ["value": v, "latest": ShanghaiCalendar.dateString(context.dates.latestPlanned), "earliest": ShanghaiCalendar.dateString(context.dates.earliest)])
            return nil
        }
        return month
    }

    /// A whole number, when given (its range is the figure's rule).
    mutating func count(_ column: String) -> Int? {
        guard let v = text(column) else { return nil }
        guard let n = Int(v) else { fail(column, "subscribers_bad_count", ["value": v]); return nil }
        return n
    }
}
