extension Reconciliation.PairingTimeline {
    /// A site's index among `list` (timelines in ``Reconciliation/ordered(_:_:)``'s order, as the
    /// store gives them), by halving; else by a walk (timelines given in another order).
    func index(of key: SiteKey, in list: [Reconciliation.Timeline]) -> Int? {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Reconciliation.ordered(list[mid].key, key) { lo = mid + 1 } else { hi = mid }
        }
        if lo < list.count && list[lo].key == key { return lo }
        return list.firstIndex { $0.key == key }
    }

    /// The part of the pairing at a cutoff that concerns one site: an operator site's pair (or
    /// its candidates, or it alone with no tower), or a China Tower site's pairs (or it alone).
    /// What ``pairing(at:region:operator:)`` gives, restricted to the pairs and lists naming the
    /// site, from the site's own towers and operator sites instead of every site's (a site's page
    /// made the whole district's pairing and queue).
    public func pairing(ofSite key: SiteKey, at cutoff: Cutoff) -> Reconciliation.Pairing {
        func registered(_ t: Reconciliation.Timeline) -> Bool { t.steps.first.map { cutoff.includes($0.at) } ?? false }
        /// An operator site's pair, or its candidates, or whether it stands alone.
        func place(_ k: Int) -> (pair: Reconciliation.Pair?, ambiguous: [SiteKey]?, alone: Bool) {
            let o = operators[k]
            guard registered(o) else { return (nil, nil, false) }
            if let c = named[k], registered(towers[c.tower]) {
                return (Reconciliation.Pair(operatorSite: o.key, towerSite: towers[c.tower].key, named: true, distance: c.distance), nil, false)
            }
            guard Reconciliation.expectsTower(o.host) else { return (nil, nil, false) }
            let here = near[k].filter { registered(towers[$0.tower]) }
            if here.count == 1 {
                return (Reconciliation.Pair(operatorSite: o.key, towerSite: towers[here[0].tower].key, named: false, distance: here[0].distance), nil, false)
            }
            if here.count > 1 { return (nil, here.map { towers[$0.tower].key }.sorted { $0.code < $1.code }, false) }
            return (nil, nil, true)
        }
        let none = Reconciliation.Pairing(pairs: [], ambiguous: [:], operatorOnly: [], towerOnly: [])
        if key.operator == .tower {
            guard let i = index(of: key, in: towers), registered(towers[i]) else { return none }
            let pairs = operatorsOf(tower: i).compactMap { k in place(Int(k)).pair.flatMap { $0.towerSite == key ? $0 : nil } }
            return Reconciliation.Pairing(pairs: pairs, ambiguous: [:], operatorOnly: [], towerOnly: pairs.isEmpty ? [key] : [])
        }
        guard let k = index(of: key, in: operators) else { return none }
        let p = place(k)
        return Reconciliation.Pairing(pairs: p.pair.map { [$0] } ?? [], ambiguous: p.ambiguous.map { [key: $0] } ?? [:],
                                      operatorOnly: p.alone ? [key] : [], towerOnly: [])
    }
}
