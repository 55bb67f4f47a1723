import Foundation

extension Reconciliation.Sweep {
    /// Sweeps the pairing's timelines under `thresholds` (whose radius the pairing was made with),
    /// with every resolution logged (each counts from its instant on).
    public init(_ pairing: Reconciliation.PairingTimeline, thresholds: Reconciliation.Thresholds, resolutions: [Reconciliation.LoggedResolution]) {
        let maker = Maker(pairing, thresholds: thresholds, resolutions: resolutions)
        var changes: [Change] = []
        var pairChanges = [[(at: Int64, d: Int8)]](repeating: [], count: pairing.towers.count)
        for k in pairing.operators.indices { maker.operatorSite(k, into: &changes) { pairChanges[$0].append(($1, $2)) } }
        for i in pairing.towers.indices { maker.tower(i, pairs: pairChanges[i], into: &changes) }
        self.init(thresholds: thresholds, regions: maker.regions, changes: changes, places: pairing.places)
    }

    /// What one operator site counts at a moment: the tower it is paired with (-1: none) and its counts.
    struct SiteState: Equatable {
        var tower = -1
        var paired: Int8 = 0, agreeing: Int8 = 0, open: Int8 = 0, openWithTower: Int8 = 0
    }

    /// Follows one site at a time through its changes, as the pairing, the mismatches and the
    /// queue of the records at each moment would count it.
    struct Maker {
        /// The resolutions of one mismatch, in log order: when, and on which values.
        typealias Resolved = [(at: Int64, operatorValue: String?, towerValue: String?)]
        let pairing: Reconciliation.PairingTimeline, thresholds: Reconciliation.Thresholds
        var byEntity: [String: Resolved] = [:], resolvedTimes: [SiteKey: [Int64]] = [:]
        var regionIndex: [String: Int32] = [:], regions: [String] = []
        let opIndex: [Operator: Int8], registeredAt: [Int64], gap: Int64

        init(_ pairing: Reconciliation.PairingTimeline, thresholds: Reconciliation.Thresholds, resolutions: [Reconciliation.LoggedResolution],
             regions known: [String]? = nil) {
            self.pairing = pairing; self.thresholds = thresholds
            for r in resolutions {
                byEntity[r.resolution.entity, default: []].append((r.at.seconds, r.resolution.operatorValue, r.resolution.towerValue))
                // A site named by a resolution is followed through its resolutions too (a pair's
                // mismatch names both sites; a missing operator, the tower alone).
                if let o = r.resolution.operatorSite { resolvedTimes[o, default: []].append(r.at.seconds) }
                else if let t = r.resolution.towerSite { resolvedTimes[t, default: []].append(r.at.seconds) }
            }
            if let known {
                regions = known
                for (i, r) in known.enumerated() { regionIndex[r] = Int32(i) }
            } else {
                for list in [pairing.towers, pairing.operators] {
                    for t in list where regionIndex[t.regionCode] == nil { regionIndex[t.regionCode] = Int32(regions.count); regions.append(t.regionCode) }
                }
            }
            opIndex = Dictionary(uniqueKeysWithValues: Operator.allCases.filter { $0 != .tower }.enumerated().map { ($1, Int8($0)) })
            registeredAt = pairing.towers.map { $0.steps.first?.at.seconds ?? .max }
            gap = Int64(thresholds.gapDays) * 86_400
        }

        /// The towers an operator site can pair with (by index): its named one and those near.
        func candidates(_ k: Int) -> [Int] {
            var out = pairing.near[k].map(\.tower)
            if let c = pairing.named[k] { out.append(c.tower) }
            return out
        }

        /// Whether a mismatch with these values is open at a cutoff: not resolved on the same
        /// values by its latest resolution before it.
        func isOpen(_ kind: Reconciliation.MismatchKind, _ o: SiteKey?, _ t: SiteKey?, _ ov: String?, _ tv: String?, before b: Int64) -> Bool {
            guard let list = byEntity[Reconciliation.entity(kind, operatorSite: o, towerSite: t)],
                  let latest = list.last(where: { $0.at < b }) else { return true }
            return !(latest.operatorValue == ov && latest.towerValue == tv)
        }

        /// A timeline's stage at a cutoff and since when (it is registered by then).
        func stage(_ t: Reconciliation.Timeline, before b: Int64) -> (Stage, Int64) {
            var s = t.steps[0]
            for step in t.steps where step.at.seconds < b { s = step }
            return (s.stage, s.at.seconds)
        }

        /// What operator site `k` counts at a cutoff.
        func state(_ k: Int, before b: Int64) -> SiteState {
            let o = pairing.operators[k]
            guard let first = o.steps.first, first.at.seconds < b else { return SiteState() }
            let followed = resolvedTimes[o.key] != nil
            var tower = -1, distance = 0.0
            if let c = pairing.named[k], registeredAt[c.tower] < b {
                tower = c.tower; distance = c.distance
            } else if Reconciliation.expectsTower(o.host) {
                var count = 0
                for c in pairing.near[k] where registeredAt[c.tower] < b { count += 1; tower = c.tower; distance = c.distance }
                if count > 1 { return SiteState() }
                if count == 0 {
                    let open = !followed || isOpen(.towerMissing, o.key, nil, o.host.rawValue, nil, before: b)
                    return SiteState(tower: -1, open: open ? 1 : 0)
                }
            } else {
                return SiteState()
            }
            let t = pairing.towers[tower]
            let (os, _) = stage(o, before: b), (ts, tSince) = stage(t, before: b)
            var open: Int8 = 0
            if os >= .installed && ts < .powerReady
                && (!followed || isOpen(.stagesConflict, o.key, t.key, os.rawValue, ts.rawValue, before: b)) { open += 1 }
            if ts >= .powerReady && os < .installed && tSince + gap < b
                && (!followed || isOpen(.stageGap, o.key, t.key, os.rawValue, ts.rawValue, before: b)) { open += 1 }
            if distance > thresholds.apartMetres
                && (!followed || isOpen(.apart, o.key, t.key, Reconciliation.position(lat: o.lat, lon: o.lon),
                                        Reconciliation.position(lat: t.lat, lon: t.lon), before: b)) { open += 1 }
            return SiteState(tower: tower, paired: 1, agreeing: open == 0 ? 1 : 0, open: open, openWithTower: open)
        }

        /// Operator site `k`'s changes, and each pair it makes or unmakes (`pair(tower, at, ±1)`).
        func operatorSite(_ k: Int, into changes: inout [Change], pair: (Int, Int64, Int8) -> Void) {
            let o = pairing.operators[k]
            guard !o.steps.isEmpty else { return }
            let region = regionIndex[o.regionCode] ?? 0, op = opIndex[o.key.operator] ?? -1
            // Every instant its counts can change at: its steps, those of every tower it can pair
            // with (and the ends of their gaps), its resolutions.
            var instants = o.steps.map(\.at.seconds)
            for c in candidates(k) { for s in pairing.towers[c].steps { instants.append(s.at.seconds); instants.append(s.at.seconds + gap) } }
            if let followed = resolvedTimes[o.key] { instants += followed }
            instants.sort()
            var previous = SiteState(), last = Int64.min
            for at in instants where at != last {
                last = at
                // The state of every cutoff after this instant (and up to the next).
                let now = state(k, before: at + 1)
                if now == previous { continue }
                if now.tower != previous.tower {
                    if previous.tower >= 0 { pair(previous.tower, at, -1) }
                    if now.tower >= 0 { pair(now.tower, at, 1) }
                }
                let d = Change(at: at, site: Int32(k), region: region, op: op, paired: now.paired - previous.paired,
                               agreeing: now.agreeing - previous.agreeing, open: now.open - previous.open,
                               openWithTower: now.openWithTower - previous.openWithTower)
                if d.paired != 0 || d.agreeing != 0 || d.open != 0 || d.openWithTower != 0 { changes.append(d) }
                previous = now
            }
        }

        /// China Tower site `i`'s changes, from every pair made and unmade with it: registered with
        /// no operator site paired with it, an open mismatch (an operator missing) of its district,
        /// whose value is its stage.
        func tower(_ i: Int, pairs unsorted: [(at: Int64, d: Int8)], into changes: inout [Change]) {
            let t = pairing.towers[i]
            guard let first = t.steps.first else { return }
            let followed = resolvedTimes[t.key]
            let pairs = unsorted.sorted { $0.at < $1.at }
            var instants = [first.at.seconds] + pairs.map(\.at)
            if let followed { instants += followed + t.steps.map(\.at.seconds) }
            instants.sort()
            var paired = 0, next = 0, was: Int8 = 0, last = Int64.min
            for at in instants where at != last {
                last = at
                while next < pairs.count && pairs[next].at <= at { paired += Int(pairs[next].d); next += 1 }
                let b = at + 1
                var open: Int8 = first.at.seconds < b && paired == 0 ? 1 : 0
                if open == 1, followed != nil, !isOpen(.operatorMissing, nil, t.key, nil, stage(t, before: b).0.rawValue, before: b) { open = 0 }
                if open != was {
                    changes.append(Change(at: at, site: -1 - Int32(i), region: regionIndex[t.regionCode] ?? 0, op: -1, paired: 0, agreeing: 0,
                                          open: open - was, openWithTower: open - was))
                    was = open
                }
            }
        }
    }
}
