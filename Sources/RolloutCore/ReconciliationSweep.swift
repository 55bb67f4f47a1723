import Foundation

extension Reconciliation {
    /// What a page shows of reconciliation for the city, a district or an operator: paired sites,
    /// those of them agreeing, and open mismatches (and, of those, the ones naming a China Tower
    /// site: China Tower's count).
    public struct Tally: Hashable, Sendable {
        /// Operator sites paired with a China Tower site.
        public var paired = 0
        /// Of them, those with no open mismatch.
        public var agreeing = 0
        /// Open mismatches.
        public var open = 0
        /// Open mismatches naming a China Tower site (all but a tower missing).
        public var openWithTower = 0

        /// Nothing counted.
        public init() {}

        /// A tally with every count given.
        public init(paired: Int, agreeing: Int, open: Int, openWithTower: Int) {
            self.paired = paired; self.agreeing = agreeing; self.open = open; self.openWithTower = openWithTower
        }

        mutating func add(_ c: Sweep.Change, sign: Int = 1) {
            paired += sign * Int(c.paired); agreeing += sign * Int(c.agreeing); open += sign * Int(c.open); openWithTower += sign * Int(c.openWithTower)
        }
    }

    /// The city's, every district's and every operator's tallies at any moment as known now,
    /// swept once over every change of the log's version: each operator site's pairing and
    /// mismatches change only at its own steps, those of the towers it can pair with, the ends of
    /// their gaps and the resolutions naming it, so each site is followed through its own changes
    /// alone, and a moment's tallies are a sum of the changes before it (a look-up) instead of the
    /// pairing, the mismatches and the queue of every site made again (8–10 s a date at
    /// `--scale 100`). Gives what ``Reconciliation/pair(operators:towers:radius:)``,
    /// ``Reconciliation/mismatches(_:operators:towers:thresholds:at:)``, ``Reconciliation/queue(_:regions:resolutions:)``
    /// and ``Reconciliation/rates(_:queue:regions:)`` give on the records of the moment.
    public struct Sweep: Sendable {
        /// The thresholds it was swept under.
        public let thresholds: Thresholds
        /// A change of one site's counts at an instant: counted in moments whose cutoff is after it.
        struct Change: Sendable {
            /// The instant (seconds): counted when before the cutoff.
            var at: Int64
            /// The site whose change it is: an operator site's index (from 0), or a China Tower
            /// site's (-1 - its index).
            var site: Int32
            /// The district's index, and the operator's (-1: none, a China Tower site's change).
            var region: Int32, op: Int8
            var paired: Int8, agreeing: Int8, open: Int8, openWithTower: Int8
        }
        /// Districts, then operators: the buckets after the city's (index 0).
        let regions: [String], operators: [Operator]
        /// Every change, earliest first.
        let changes: [Change]
        /// Every bucket's tallies before change `i * every` (a look-up adds at most `every` changes).
        let checkpoints: [[Tally]]
        static let every = 1_024
        /// The finding of near towers it was swept on (a pairing with the same one has its sites at the same indices).
        let places: PairingTimeline.Places

        /// How many changes were swept (for benchmarks and tests).
        public var changeCount: Int { changes.count }

        /// A sweep of changes in any order (`sorted`: already earliest first).
        init(thresholds: Thresholds, regions: [String], changes: [Change], sorted isSorted: Bool = false, places: PairingTimeline.Places) {
            self.thresholds = thresholds; self.regions = regions; operators = Operator.allCases.filter { $0 != .tower }
            self.places = places
            let sorted = isSorted ? changes : changes.sorted { $0.at < $1.at }
            var running = [Tally](repeating: Tally(), count: 1 + regions.count + operators.count)
            var checkpoints: [[Tally]] = []
            checkpoints.reserveCapacity(sorted.count / Self.every + 1)
            for (i, c) in sorted.enumerated() {
                if i % Self.every == 0 { checkpoints.append(running) }
                Self.apply(c, to: &running, regions: regions.count)
            }
            if sorted.count % Self.every == 0 { checkpoints.append(running) }
            self.changes = sorted; self.checkpoints = checkpoints
        }

        static func apply(_ c: Change, to tallies: inout [Tally], regions: Int) {
            tallies[0].add(c)
            tallies[1 + Int(c.region)].add(c)
            if c.op >= 0 { tallies[1 + regions + Int(c.op)].add(c) }
        }

        /// The tallies at a cutoff: the city's, each district's and each operator's (China Tower's
        /// is the city's, whose `openWithTower` it shows).
        public func tallies(at cutoff: Cutoff) -> (city: Tally, byRegion: [String: Tally], byOperator: [Operator: Tally]) {
            // The changes before the cutoff: the first at or after it, by halving.
            var lo = 0, hi = changes.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if changes[mid].at < cutoff.before.seconds { lo = mid + 1 } else { hi = mid }
            }
            let c = lo / Self.every
            var t = checkpoints[c]
            for i in (c * Self.every)..<lo { Self.apply(changes[i], to: &t, regions: regions.count) }
            var byRegion: [String: Tally] = [:], byOperator: [Operator: Tally] = [:]
            for (i, r) in regions.enumerated() where t[1 + i] != Tally() { byRegion[r] = t[1 + i] }
            for (j, o) in operators.enumerated() where t[1 + regions.count + j] != Tally() { byOperator[o] = t[1 + regions.count + j] }
            return (t[0], byRegion, byOperator)
        }
    }
}
