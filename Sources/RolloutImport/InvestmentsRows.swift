import RolloutCore
import RolloutStorage

/// Checks the rows of an `investments` file: planned and actual spend by region, operator and
/// year, in whole yuan. A row that says what is recorded already changes nothing; one that differs
/// is a correction (a new record: the earlier one still reads as of earlier moments).
struct InvestmentsRows: RowChecker {
    private var current: Investments?
    private var seen: [String: Int] = [:]

    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any ImportChecks) async throws {
        if current == nil {
            current = Investments(try await session.loggedEvents(kinds: Investments.kinds), at: ReadMoment(asOf: Cutoff(before: Instant(seconds: .max))))
        }
    }

    mutating func check(_ row: inout RowReader) -> [NewEvent] {
        var year: Int? = nil
        if let y = row.required("year") {
            year = Int(y)
            if year == nil { row.fail("year", "investment_bad_year", ["value": y, "first": "", "last": ""]) }
        }
        let region = row.region()
        let op = row.operator()
        let planned = row.yuan("planned_cny"), actual = row.yuan("actual_cny")
        guard row.isValid, let year, let region, let op else { return [] }
        let figure = InvestmentFigure(regionCode: region.code, operator: op, year: year, plannedCNY: planned, actualCNY: actual)
        do { _ = try figure.validated(campaign: row.context.campaign) } catch let e as RolloutError {
            let column = e.code == "investment_bad_year" ? "year" : e.code == "investment_empty" ? "actual_cny" : (planned.map { !(0...InvestmentFigure.maxCNY).contains($0) } ?? false) ? "planned_cny" : "actual_cny"
            row.fail(column, e.code, e.arguments)
            return []
        } catch { return [] }
        if let first = seen[figure.entity] {
            row.fail("year", "duplicate_in_file", ["value": "\(region.code) \(op.rawValue) \(year)", "first": "\(first)"])
            return []
        }
        seen[figure.entity] = row.number
        if current?.records[figure.entity] == figure { return [] }
        return [row.event(.investmentReported(figure))]
    }
}

extension RowReader {
    /// A whole number of yuan, when given: no fraction, no sign, at most a trillion.
    mutating func yuan(_ column: String) -> Int64? {
        guard let v = text(column) else { return nil }
        let digits = v.replacingOccurrences(of: ",", with: "")
        guard let n = Int64(digits) else { fail(column, "investment_bad_amount", ["value": v]); return nil }
        guard (0...InvestmentFigure.maxCNY).contains(n) else { fail(column, "investment_bad_amount", ["value": v]); return nil }
        return n
    }
}
