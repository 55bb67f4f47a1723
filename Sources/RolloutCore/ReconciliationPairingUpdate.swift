extension Reconciliation.Timeline {
    /// Whether the other stands where this one does, on the same thing, naming the same tower:
    /// all that decides what it can pair with.
    public func samePlace(_ o: Reconciliation.Timeline) -> Bool {
        key == o.key && regionCode == o.regionCode && lat == o.lat && lon == o.lon && host == o.host && towerSiteCode == o.towerSiteCode
    }
}

extension Reconciliation.PairingTimeline {
    /// The pairing of `timelines` without searching for near towers again, when they are this
    /// pairing's sites in the same places and only their steps changed (the stage reports of a
    /// day's imports); nil when a site came, went or moved (then the search is made again).
    public func updated(_ timelines: [Reconciliation.Timeline]) -> Self? {
        var ops: [Reconciliation.Timeline] = [], tows: [Reconciliation.Timeline] = []
        ops.reserveCapacity(operators.count); tows.reserveCapacity(towers.count)
        for t in timelines {
            if t.key.operator == .tower {
                guard tows.count < towers.count, towers[tows.count].samePlace(t) else { return nil }
                tows.append(t)
            } else {
                guard ops.count < operators.count, operators[ops.count].samePlace(t) else { return nil }
                ops.append(t)
            }
        }
        guard ops.count == operators.count, tows.count == towers.count else { return nil }
        return Self(radius: radius, timelines: timelines, operators: ops, towers: tows, named: named, near: near, places: places,
                    towerStart: towerStart, towerOperators: towerOperators)
    }
}
