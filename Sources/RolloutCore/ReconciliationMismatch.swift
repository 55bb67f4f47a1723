import Foundation

extension Reconciliation {
    /// How two records of one base station can disagree.
    public enum MismatchKind: String, Codable, Sendable, CaseIterable {
        /// The operator has installed (or is on air) while China Tower's civil works or power are not done.
        case stagesConflict = "stages_conflict"
        /// China Tower's infrastructure has been ready for longer than the threshold and the operator has not installed.
        case stageGap = "stage_gap"
        /// The two records place the site further apart than the threshold.
        case apart
        /// An operator's site on a tower China Tower builds, with no China Tower record.
        case towerMissing = "tower_missing"
        /// A China Tower record no operator's site stands on.
        case operatorMissing = "operator_missing"
    }

    /// What the office sets: how near an unnamed China Tower site must be to pair, how long a stage
    /// gap may last, how far apart the two records may be.
    public struct Thresholds: Codable, Hashable, Sendable {
        /// Metres within which the only China Tower site of the region pairs with an operator's site that names none.
        public var pairMetres: Double
        /// Days China Tower's ready infrastructure may wait for the operator's installation.
        public var gapDays: Int
        /// Metres the two records may differ by.
        public var apartMetres: Double

        /// Thresholds with every value given.
        public init(pairMetres: Double = 50, gapDays: Int, apartMetres: Double) {
            self.pairMetres = pairMetres; self.gapDays = gapDays; self.apartMetres = apartMetres
        }

        /// Until the office sets others: 50 m to pair, 30 days, 100 m.
        public static let standard = Thresholds(pairMetres: 50, gapDays: 30, apartMetres: 100)

        /// Checks thresholds the office sets: 1 to 1,000 m to pair, 1 to 365 days, 1 to 5,000 m apart.
        public func validated() throws -> Thresholds {
            guard pairMetres >= 1, pairMetres <= 1_000 else { throw RolloutError("reconciliation_bad_pairing", ["value": "\(pairMetres)"]) }
            guard (1...365).contains(gapDays) else { throw RolloutError("reconciliation_bad_gap", ["value": "\(gapDays)"]) }
            guard apartMetres >= 1, apartMetres <= 5_000 else { throw RolloutError("reconciliation_bad_distance", ["value": "\(apartMetres)"]) }
            return self
        }
    }

    /// One disagreement, with both sides' values and since when it has stood.
    public struct Mismatch: Hashable, Sendable {
        /// How the two disagree.
        public var kind: MismatchKind
        /// The operator's site, unless it is missing.
        public var operatorSite: SiteKey?
        /// China Tower's site, unless it is missing.
        public var towerSite: SiteKey?
        /// When the disagreement began (its age is counted from here).
        public var since: Instant
        /// The operator's side: its stage, or its position (`lat,lon`), per kind.
        public var operatorValue: String?
        /// China Tower's side, the same way.
        public var towerValue: String?

        /// Whole days it has stood at a moment.
        public func ageDays(at now: Instant) -> Int { Int(max(0, now.seconds - since.seconds) / 86_400) }

        /// Its name in the log: the kind and the two sites, whatever their values.
        public var entity: String { Reconciliation.entity(kind, operatorSite: operatorSite, towerSite: towerSite) }
    }

    /// A position as a mismatch shows it: `lat,lon` to six decimals (about 0.1 m).
    public static func position(lat: Double, lon: Double) -> String { String(format: "%.6f,%.6f", lat, lon) }

    /// Every disagreement at `now` between paired records, and every record missing its other side.
    public static func mismatches(_ pairing: Pairing, operators: [SiteKey: Record], towers: [SiteKey: Record],
                                  thresholds: Thresholds = .standard, at now: Instant) -> [Mismatch] {
        mismatches(pairing, operator: { operators[$0] }, tower: { towers[$0] }, thresholds: thresholds, at: now)
    }

    /// The same, with each side's record looked up as asked (from timelines kept for the log's
    /// version, without a table of every record made at each moment).
    public static func mismatches(_ pairing: Pairing, operator operators: (SiteKey) -> Record?, tower towers: (SiteKey) -> Record?,
                                  thresholds: Thresholds = .standard, at now: Instant) -> [Mismatch] {
        var out: [Mismatch] = []
        func position(_ r: Record) -> String { Reconciliation.position(lat: r.lat, lon: r.lon) }
        for p in pairing.pairs {
            guard let o = operators(p.operatorSite), let t = towers(p.towerSite) else { continue }
            if o.stage >= .installed && t.stage < .powerReady {
                out.append(Mismatch(kind: .stagesConflict, operatorSite: o.key, towerSite: t.key, since: max(o.stageSince, t.stageSince),
                                    operatorValue: o.stage.rawValue, towerValue: t.stage.rawValue))
            }
            let gapFrom = t.stageSince.adding(days: thresholds.gapDays)
            if t.stage >= .powerReady && o.stage < .installed && gapFrom <= now {
                out.append(Mismatch(kind: .stageGap, operatorSite: o.key, towerSite: t.key, since: gapFrom,
                                    operatorValue: o.stage.rawValue, towerValue: t.stage.rawValue))
            }
            if p.distance > thresholds.apartMetres {
                out.append(Mismatch(kind: .apart, operatorSite: o.key, towerSite: t.key, since: max(o.registeredAt, t.registeredAt),
                                    operatorValue: position(o), towerValue: position(t)))
            }
        }
        for key in pairing.operatorOnly {
            guard let o = operators(key) else { continue }
            out.append(Mismatch(kind: .towerMissing, operatorSite: key, towerSite: nil, since: o.registeredAt, operatorValue: o.host.rawValue, towerValue: nil))
        }
        for key in pairing.towerOnly {
            guard let t = towers(key) else { continue }
            out.append(Mismatch(kind: .operatorMissing, operatorSite: nil, towerSite: key, since: t.registeredAt, operatorValue: nil, towerValue: t.stage.rawValue))
        }
        return out
    }
}
