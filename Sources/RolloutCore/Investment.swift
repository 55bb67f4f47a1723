/// Planned and actual spend on the 5G build (5G投资) by region, operator and year, in yuan: what
/// the `investments` file, the city office's form and operators report. A correction is a new
/// record of the same region, operator and year; the one recorded last stands, and an earlier
/// moment still reads the earlier one.
public struct InvestmentFigure: Hashable, Codable, Sendable {
    /// The region (区县).
    public var regionCode: String
    /// The operator that spends it.
    public var `operator`: Operator
    /// The calendar year the spend is for.
    public var year: Int
    /// Planned spend (计划投资), yuan; nil when the record gives only the actual.
    public var plannedCNY: Int64?
    /// Actual spend so far (完成投资), yuan; nil when the record gives only the plan.
    public var actualCNY: Int64?

    /// A record as reported.
    public init(regionCode: String, operator: Operator, year: Int, plannedCNY: Int64?, actualCNY: Int64?) {
        self.regionCode = regionCode; self.operator = `operator`; self.year = year
        self.plannedCNY = plannedCNY; self.actualCNY = actualCNY
    }

    /// The entity name in the log: one per region, operator and year.
    public var entity: String { "investment:\(regionCode):\(self.operator.rawValue):\(year)" }

    /// The largest amount a record may state: a trillion yuan.
    public static let maxCNY: Int64 = 1_000_000_000_000

    /// Checks a record against the campaign: a year within the plan, amounts whole and 0 to a
    /// trillion, at least one. Throws `investment_bad_year`, `investment_bad_amount`, `investment_empty`.
    public func validated(campaign: Campaign) throws -> InvestmentFigure {
        let years = ShanghaiCalendar.civil(ShanghaiCalendar.day(of: campaign.start)).year...ShanghaiCalendar.civil(ShanghaiCalendar.day(of: campaign.deadline)).year
        guard years.contains(year) else {
            throw RolloutError("investment_bad_year", ["value": "\(year)", "first": "\(years.lowerBound)", "last": "\(years.upperBound)"])
        }
        for v in [plannedCNY, actualCNY].compactMap({ $0 }) where !(0...Self.maxCNY).contains(v) {
            throw RolloutError("investment_bad_amount", ["value": "\(v)"])
        }
        guard plannedCNY != nil || actualCNY != nil else { throw RolloutError("investment_empty") }
        return self
    }
}

/// The spend recorded by a moment: the last record of each region, operator and year known then,
/// and its sums.
public struct Investments: Sendable {
    /// The event kinds the spend is read from.
    public static let kinds = ["investment.reported"]
    /// The record standing per entity.
    public private(set) var records: [String: InvestmentFigure] = [:]

    /// Planned and actual spend summed over some records (nil where no record gives one).
    public struct Sum: Hashable, Sendable {
        /// Planned spend, yuan.
        public var planned: Int64?
        /// Actual spend, yuan.
        public var actual: Int64?

        /// A sum of planned and actual spend (none: nothing recorded).
        public init(planned: Int64? = nil, actual: Int64? = nil) { self.planned = planned; self.actual = actual }

        /// Actual spend as a share of planned; nil without both.
        public var ofPlan: Double? {
            guard let planned, let actual, planned > 0 else { return nil }
            return (Double(actual) / Double(planned) * 10_000).rounded() / 10_000
        }

        /// Actual spend per site; nil without spend or sites.
        public func perSite(_ sites: Int) -> Int64? {
            guard let actual, sites > 0 else { return nil }
            return Int64((Double(actual) / Double(sites)).rounded())
        }
    }

    /// The records as of the moment (field time) and as known then, in log order: the last stands.
    public init(_ events: [LoggedEvent], at moment: ReadMoment) {
        for e in events.sorted(by: { $0.seq < $1.seq }) {
            guard case .investmentReported(let f) = e.event.body, moment.asOf.includes(e.event.occurredAt),
                  moment.knownAt?.includes(e.event.recordedAt) ?? true else { continue }
            records[f.entity] = f
        }
    }

    /// The sum over the records of a region, an operator and a year (nil: all of them).
    public func sum(region: String? = nil, operator op: Operator? = nil, year: Int? = nil) -> Sum {
        var out = Sum()
        for r in records.values where (region == nil || r.regionCode == region) && (op == nil || r.operator == op) && (year == nil || r.year == year) {
            if let p = r.plannedCNY { out.planned = (out.planned ?? 0) + p }
            if let a = r.actualCNY { out.actual = (out.actual ?? 0) + a }
        }
        return out
    }
}
