import Foundation

extension Reconciliation.Sweep {
    /// The sweep of `pairing` after a write, grown from this one: when the pairing's near towers
    /// are this sweep's (``PairingTimeline/updated(_:)`` made it: the same sites at the same
    /// indices, only steps changed), only the `named` sites (those the log's events since name,
    /// and those the resolutions logged since name), the towers those can pair with and every
    /// operator site that can pair with those towers are followed again, under every resolution
    /// logged; every other site's changes are kept. Nil when the near towers were found anew or a
    /// named site is not among the pairing's (then sweep it whole).
    public func updated(_ pairing: Reconciliation.PairingTimeline, named: [SiteKey], resolutions: [Reconciliation.LoggedResolution]) -> Self? {
        guard pairing.places === places, pairing.radius == thresholds.pairMetres else { return nil }
        let maker = Maker(pairing, thresholds: thresholds, resolutions: resolutions, regions: regions)
        let keys = Set(named)
        var towerAffected = [Bool](repeating: false, count: pairing.towers.count)
        var operatorAffected = [Bool](repeating: false, count: pairing.operators.count)
        var towers: [Int] = [], operators: [Int] = []
        func affectTower(_ t: Int) { if !towerAffected[t] { towerAffected[t] = true; towers.append(t) } }
        func affectOperator(_ k: Int) { if !operatorAffected[k] { operatorAffected[k] = true; operators.append(k) } }
        for key in keys {
            if key.operator == .tower {
                guard let i = pairing.index(of: key, in: pairing.towers) else { return nil }
                affectTower(i)
            } else {
                guard let k = pairing.index(of: key, in: pairing.operators) else { return nil }
                affectOperator(k)
                for t in maker.candidates(k) { affectTower(t) }
            }
        }
        // The operator sites that can pair with those towers can change pairs (a tower named
        // registers later: two near become one), so the other towers they can pair with can gain
        // or lose an operator site; a tower's count is made again from all its operator sites.
        for t in towers { for k in pairing.operatorsOf(tower: t) { affectOperator(Int(k)) } }
        let firstTowers = towers.count
        for k in operators { for t in maker.candidates(k) { affectTower(t) } }
        for t in towers[firstTowers...] { for k in pairing.operatorsOf(tower: t) { affectOperator(Int(k)) } }
        var fresh: [Change] = []
        var pairChanges: [Int: [(at: Int64, d: Int8)]] = [:]
        for k in operators {
            maker.operatorSite(k, into: &fresh) { t, at, d in if towerAffected[t] { pairChanges[t, default: []].append((at, d)) } }
        }
        for t in towers { maker.tower(t, pairs: pairChanges[t] ?? [], into: &fresh) }
        fresh.sort { $0.at < $1.at }
        // The kept changes of the other sites and the new ones, merged in time order.
        var out: [Change] = []
        out.reserveCapacity(changes.count + fresh.count)
        var j = 0
        for c in changes where !(c.site >= 0 ? operatorAffected[Int(c.site)] : towerAffected[Int(-1 - c.site)]) {
            while j < fresh.count && fresh[j].at < c.at { out.append(fresh[j]); j += 1 }
            out.append(c)
        }
        out += fresh[j...]
        return Self(thresholds: thresholds, regions: regions, changes: out, sorted: true, places: places)
    }
}
