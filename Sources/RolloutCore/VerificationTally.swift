/// How the openings that needed evidence stand at a moment, counted for the city, each operator,
/// each region and each operator in a region: how many are accepted, in the queue, verified,
/// rejected or still awaiting evidence, their shares, and the median days from a report to a
/// person's decision. Pure: folded from a ``Verification`` and the sites' regions.
public struct VerificationTally: Hashable, Sendable {
    /// One group's counts.
    public struct Line: Hashable, Sendable {
        /// The openings that needed evidence, current (standing, or rejected until a new report).
        public private(set) var openings = 0
        /// How many stand in each state.
        public private(set) var counts: [Verification.State: Int] = [:]
        /// Days from each decided opening's report (recorded) to its decision, sorted.
        public private(set) var decisionDays: [Double] = []

        /// An empty line.
        public init() {}

        /// Counts one opening.
        mutating func add(_ o: Verification.Opening) {
            add(o.state, decisionDays: o.decidedAt.map { Double($0.seconds - o.recordedAt.seconds) / 86_400 })
        }

        /// Counts one opening by its state and, when decided, the days from its report to the decision.
        mutating func add(_ state: Verification.State, decisionDays days: Double?) {
            openings += 1
            counts[state, default: 0] += 1
            if let days { decisionDays.append(days) }
        }

        /// Counts `n` openings in a state at once.
        mutating func add(_ state: Verification.State, count n: Int) {
            guard n > 0 else { return }
            openings += n
            counts[state, default: 0] += n
        }

        /// Adds days from report to decision.
        mutating func add(decisionDays days: [Double]) { decisionDays += days }

        /// Adds another line's openings (a region's from its cells).
        mutating func merge(_ other: Line) {
            openings += other.openings
            for (state, n) in other.counts { counts[state, default: 0] += n }
            decisionDays += other.decisionDays
        }

        /// Sorts the days to decision once every opening is counted.
        mutating func finish() { decisionDays.sort() }

        /// How many stand in a state.
        public func count(_ state: Verification.State) -> Int { counts[state] ?? 0 }
        /// The verified sites: accepted + verified.
        public var verified: Int { count(.accepted) + count(.verified) }
        /// The built sites whose claim is not backed yet: awaiting evidence or in the queue.
        public var unverified: Int { count(.awaitingEvidence) + count(.inQueue) }
        /// A state's share of the openings; nil without any.
        public func share(_ state: Verification.State) -> Double? {
            openings > 0 ? Double(count(state)) / Double(openings) : nil
        }
        /// The verified share (accepted + verified) of the openings; nil without any.
        public var verifiedShare: Double? { openings > 0 ? Double(verified) / Double(openings) : nil }
        /// The median days from report to a person's decision; nil before any decision.
        public var medianDaysToDecision: Double? { decisionDays.medianOfSorted }
    }

    /// The city's line.
    public private(set) var city = Line()
    /// Each operator's line, by its code.
    public private(set) var operators: [String: Line] = [:]
    /// Each region's line, by its code.
    public private(set) var regions: [String: Line] = [:]
    /// Each operator's line in each region, by region code then operator code.
    public private(set) var cells: [String: [String: Line]] = [:]

    /// Counts the current openings that needed evidence (openings from before evidence are not
    /// counted: nothing could be asked of them).
    public init(_ v: Verification, regionOf: [SiteKey: String]) {
        // Counts do not depend on the order: the openings are taken as they are kept, not sorted
        // as ``Verification/current`` sorts them (a sixth of a summary's time at `--scale 10`).
        // Each is counted once, in its cell; the regions', operators' and city's lines are the
        // cells merged (counting each opening in four lines took four times the look-ups: an
        // eighth of an overview's time at `--scale 10`).
        var cells: [String: [String: Line]] = [:]
        for o in v.openings.values where o.isCurrent && o.needsEvidence {
            cells[regionOf[o.site] ?? "", default: [:]][o.site.operator.rawValue, default: Line()].add(o)
        }
        self.init(cells: cells)
    }

    /// The lines of openings counted per cell (by region code, then operator code), merged into
    /// the regions', operators' and city's.
    init(cells counted: [String: [String: Line]]) {
        for (region, byOperator) in counted {
            for (op, line) in byOperator {
                city.merge(line)
                operators[op, default: Line()].merge(line)
                regions[region, default: Line()].merge(line)
            }
        }
        func finished(_ l: Line) -> Line { var l = l; l.finish(); return l }
        city.finish()
        operators = operators.mapValues(finished)
        regions = regions.mapValues(finished)
        cells = counted.mapValues { $0.mapValues(finished) }
    }

    /// A region's line (empty when it has none).
    public func region(_ code: String) -> Line { regions[code] ?? Line() }
    /// An operator's line (empty when it has none).
    public func `operator`(_ code: String) -> Line { operators[code] ?? Line() }
    /// An operator's line in a region (empty when it has none).
    public func cell(region: String, operator op: String) -> Line { cells[region]?[op] ?? Line() }
}
