import Foundation

extension Reconciliation {
    /// The pairing of sites' timelines at any moment, without searching for near towers again at
    /// each: what can pair with what depends only on where the sites stand, what they stand on and
    /// the tower they name (fixed in a timeline), so each operator site's named tower and the towers
    /// near enough are found once; at a moment, those registered by then decide, as
    /// ``Reconciliation/pair(operators:towers:radius:)`` would on the records of that moment. The
    /// overview at a new date at `--scale 10` spent a fifth of its time in that search.
    public struct PairingTimeline: Sendable {
        /// The radius the near towers were found within.
        public let radius: Double
        let operators: [Timeline], towers: [Timeline]
        /// Every timeline by its site.
        let byKey: [SiteKey: Timeline]
        /// Every site's district (fixed in a timeline, so the same at every moment).
        public let regionOf: [SiteKey: String]

        /// A site's record at a cutoff, or nil when it was not registered by then.
        public func record(_ key: SiteKey, at cutoff: Cutoff) -> Record? { byKey[key]?.record(at: cutoff) }

        /// A tower (its index) and how far an operator site is from it, in metres.
        struct Candidate: Sendable { var tower: Int, distance: Double }
        /// Per operator site, the tower it names (same district), if any.
        let named: [Candidate?]
        /// Per operator site on a tower China Tower builds or holds, the towers of its district
        /// within the radius (any registration time).
        let near: [[Candidate]]
        /// Who found the near towers: the same for the pairings ``updated(_:)`` made from this
        /// one (the same sites at the same indices, only their steps changed), so that what was
        /// derived from one can be grown for the other (``Reconciliation/Sweep``).
        public final class Places: Sendable { init() {} }
        /// The finding the near towers come from.
        public let places: Places
        /// Per China Tower site (by index), the operator sites that can pair with it (named or
        /// near), by index: `towerOperators[towerStart[i]..<towerStart[i + 1]]`, in index order.
        let towerStart: [Int32], towerOperators: [Int32]

        /// The timelines of China Tower (`tower`) and the operators, in the order the records are
        /// given at a moment.
        public init(_ timelines: [Timeline], radius: Double) {
            let towers = timelines.filter { $0.key.operator == .tower }, operators = timelines.filter { $0.key.operator != .tower }
            let ever = Cutoff(before: Instant(seconds: .max))
            let towerRecords = towers.map { t in t.record(at: ever) ?? Record(key: t.key, regionCode: t.regionCode, lat: t.lat, lon: t.lon, host: t.host,
                                                                               stage: .planned, stageSince: Instant(seconds: 0), registeredAt: Instant(seconds: 0)) }
            var byCode: [String: Int] = [:]
            for (i, t) in towers.enumerated() where byCode[t.key.code] == nil { byCode[t.key.code] = i }
            var maxLat = 0.0
            for t in timelines where abs(t.lat) > maxLat { maxLat = abs(t.lat) }
            let grid = Grid(towerRecords, radius: radius, maxLat: maxLat)
            var named: [Candidate?] = [], near: [[Candidate]] = []
            named.reserveCapacity(operators.count); near.reserveCapacity(operators.count)
            for o in operators {
                let r = Record(key: o.key, regionCode: o.regionCode, lat: o.lat, lon: o.lon, host: o.host, stage: .planned,
                               stageSince: Instant(seconds: 0), registeredAt: Instant(seconds: 0), towerSiteCode: o.towerSiteCode)
                let n = o.towerSiteCode.flatMap { byCode[$0] }.flatMap { towers[$0].regionCode == o.regionCode ? $0 : nil }
                let around = expectsTower(o.host) ? grid.near(r, radius: radius, in: towerRecords).filter { towers[$0].regionCode == o.regionCode } : []
                named.append(n.map { Candidate(tower: $0, distance: Reconciliation.distance(r, towerRecords[$0])) })
                near.append(around.map { Candidate(tower: $0, distance: Reconciliation.distance(r, towerRecords[$0])) })
            }
            self.radius = radius; self.towers = towers; self.operators = operators; self.named = named; self.near = near
            places = Places()
            (towerStart, towerOperators) = Self.inverse(named: named, near: near, towers: towers.count)
            byKey = Dictionary(timelines.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            regionOf = byKey.mapValues(\.regionCode)
        }

        /// A pairing of `timelines` whose near towers were found already.
        init(radius: Double, timelines: [Timeline], operators: [Timeline], towers: [Timeline], named: [Candidate?], near: [[Candidate]], places: Places,
             towerStart: [Int32], towerOperators: [Int32]) {
            self.radius = radius; self.operators = operators; self.towers = towers; self.named = named; self.near = near; self.places = places
            self.towerStart = towerStart; self.towerOperators = towerOperators
            byKey = Dictionary(timelines.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            regionOf = byKey.mapValues(\.regionCode)
        }

        /// Which operator sites can pair with each tower, from each operator site's towers.
        static func inverse(named: [Candidate?], near: [[Candidate]], towers: Int) -> ([Int32], [Int32]) {
            func each(_ k: Int, _ body: (Int) -> Void) {
                for c in near[k] { body(c.tower) }
                if let c = named[k], !near[k].contains(where: { $0.tower == c.tower }) { body(c.tower) }
            }
            var start = [Int32](repeating: 0, count: towers + 1)
            for k in named.indices { each(k) { start[$0 + 1] += 1 } }
            for i in 0..<towers { start[i + 1] += start[i] }
            var fill = start, list = [Int32](repeating: 0, count: Int(start[towers]))
            for k in named.indices { each(k) { list[Int(fill[$0])] = Int32(k); fill[$0] += 1 } }
            return (start, list)
        }

        /// The operator sites (by index) that can pair with China Tower site `i`, in index order.
        func operatorsOf(tower i: Int) -> ArraySlice<Int32> { towerOperators[Int(towerStart[i])..<Int(towerStart[i + 1])] }

        /// The pairing at a cutoff of the sites registered by then, of one district or the city,
        /// and of one operator's sites with China Tower's or of all: what
        /// ``Reconciliation/pair(operators:towers:radius:)`` gives on the records of that moment.
        public func pairing(at cutoff: Cutoff, region: String? = nil, operator op: Operator? = nil) -> Pairing {
            func registered(_ t: Timeline) -> Bool { t.steps.first.map { cutoff.includes($0.at) } ?? false }
            let towerIn = towers.map { t in registered(t) && (region == nil || t.regionCode == region) }
            var pairs: [Pair] = [], ambiguous: [SiteKey: [SiteKey]] = [:], operatorOnly: [SiteKey] = []
            var paired = [Bool](repeating: false, count: towers.count)
            for (k, o) in operators.enumerated() where (region == nil || o.regionCode == region) && (op == nil || o.key.operator == op) && registered(o) {
                if let c = named[k], towerIn[c.tower] {
                    pairs.append(Pair(operatorSite: o.key, towerSite: towers[c.tower].key, named: true, distance: c.distance))
                    paired[c.tower] = true
                    continue
                }
                guard expectsTower(o.host) else { continue }
                let here = near[k].filter { towerIn[$0.tower] }
                if here.count == 1 {
                    pairs.append(Pair(operatorSite: o.key, towerSite: towers[here[0].tower].key, named: false, distance: here[0].distance))
                    paired[here[0].tower] = true
                } else if here.count > 1 {
                    ambiguous[o.key] = here.map { towers[$0.tower].key }.sorted { $0.code < $1.code }
                } else {
                    operatorOnly.append(o.key)
                }
            }
            let towerOnly = towers.indices.filter { towerIn[$0] && !paired[$0] }.map { towers[$0].key }.sorted { $0.code < $1.code }
            operatorOnly.sort { ($0.operator, $0.code) < ($1.operator, $1.code) }
            return Pairing(pairs: pairs, ambiguous: ambiguous, operatorOnly: operatorOnly, towerOnly: towerOnly)
        }
    }
}
