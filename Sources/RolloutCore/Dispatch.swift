/// Network-wide dispatching (全网调度): the units an obstacle can be sent to, and the routing table
/// that says, per category, which unit clears it by default and in how many days (its service-level
/// clock). The city office edits the table; every change is an event, so the table at any moment is
/// the defaults overlaid with the changes made up to then.
public enum Dispatch {
    /// The units that clear obstacles: departments of the city and districts, and the operators and
    /// China Tower (by their codes). Their names are in the catalogue (`unit_<code>`).
    public static let departments = ["grid", "district_gov", "property", "police", "transport", "municipal", "planning"]

    /// Every unit code an obstacle can be dispatched to.
    public static var units: [String] { departments + Operator.allCases.map(\.rawValue) }

    /// In a routing rule: the operator of the obstacle's site (the district government when the
    /// obstacle has no operator).
    public static let siteOperator = "site_operator"

    /// Whether a code names a unit.
    public static func isUnit(_ code: String) -> Bool { units.contains(code) }

    /// One line of the routing table.
    public struct Rule: Codable, Hashable, Sendable {
        /// The obstacle category the rule routes.
        public var category: ObstacleCategory
        /// A unit code, or ``Dispatch/siteOperator``.
        public var unit: String
        /// Days from opening (or reopening) until the clock runs out, not counting the days spent
        /// waiting on the reporter.
        public var slaDays: Int

        /// A rule as given; ``validated()`` checks one the office sets.
        public init(category: ObstacleCategory, unit: String, slaDays: Int) {
            self.category = category; self.unit = unit; self.slaDays = slaDays
        }

        /// Checks a rule the office sets: a known unit, a clock of 1 to 180 days.
        public func validated() throws -> Rule {
            guard unit == Dispatch.siteOperator || Dispatch.isUnit(unit) else { throw RolloutError("unknown_unit", ["value": unit]) }
            guard (1...180).contains(slaDays) else { throw RolloutError("dispatch_bad_sla", ["value": "\(slaDays)"]) }
            return self
        }
    }

    /// The routing table: a rule per category.
    public struct Table: Hashable, Sendable {
        /// The rule per category as set; ``rule(_:)`` takes a missing one from the standard table.
        public private(set) var rules: [ObstacleCategory: Rule]

        /// The table before the office changes it.
        public static let standard = Table(rules: Dictionary(uniqueKeysWithValues: [
            Rule(category: .access, unit: "district_gov", slaDays: 15),
            Rule(category: .power, unit: "grid", slaDays: 20),
            Rule(category: .permit, unit: "planning", slaDays: 25),
            Rule(category: .siting, unit: "district_gov", slaDays: 25),
            Rule(category: .complaint, unit: "district_gov", slaDays: 15),
            Rule(category: .rent, unit: "property", slaDays: 15),
            Rule(category: .transmission, unit: "tower", slaDays: 10),
            Rule(category: .equipment, unit: Dispatch.siteOperator, slaDays: 15),
            Rule(category: .safety, unit: "police", slaDays: 7),
            Rule(category: .other, unit: "district_gov", slaDays: 10),
        ].map { ($0.category, $0) }))

        /// A table of the given rules; a category without one falls back to the standard rule.
        public init(rules: [ObstacleCategory: Rule]) { self.rules = rules }

        /// The rule of a category.
        public func rule(_ category: ObstacleCategory) -> Rule { rules[category] ?? Table.standard.rules[category]! }

        /// The unit an obstacle goes to by default.
        public func unit(for opening: ObstacleOpening) -> String {
            let u = rule(opening.category).unit
            guard u == Dispatch.siteOperator else { return u }
            return opening.operator?.rawValue ?? "district_gov"
        }

        /// The rules in the order of the categories.
        public var ordered: [Rule] { ObstacleCategory.allCases.map(rule) }

        /// The table as the log has it at a moment: the standard table with the office's changes
        /// (events in log order) made up to then.
        public static func at(_ events: [LoggedEvent], moment: ReadMoment) -> Table {
            var table = Table.standard
            for e in events.sorted(by: { $0.seq < $1.seq }) {
                guard case .dispatchRuleSet(let r) = e.event.body, moment.asOf.includes(e.event.occurredAt) else { continue }
                if let k = moment.knownAt, !k.includes(e.event.recordedAt) { continue }
                table.rules[r.category] = r
            }
            return table
        }
    }
}
