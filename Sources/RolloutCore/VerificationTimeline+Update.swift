extension VerificationTimeline {
    /// The timeline after the log grew, without folding every site again: each site in `refolding`
    /// folded again from all of its events as the log now holds them (those of its entity and of its
    /// verification, and the spot checks that drew it, in any order; its region from the latest
    /// registration among them), each site of `regions` (registered since) moved to that region,
    /// and every other site's steps kept as they were.
    ///
    /// Exact when `refolding` holds every site an event appended since named
    /// (``sites(of:)``) and no evidence rule was appended since: a rule may change every site's
    /// standing, and the timeline is then made again from the whole log.
    public func updated(refolding: [SiteKey: [LoggedEvent]], regions: [SiteKey: String]) -> VerificationTimeline {
        var b = Builder(rules: rules, capacity: sites.count + refolding.count)
        var found = Set<SiteKey>()
        for (k, site) in sites.enumerated() {
            let region = regions[site] ?? cells[Int(cellOf[k])].region
            if let own = refolding[site] {
                found.insert(site)
                let (steps, latest) = refold(site, own)
                b.add(site, steps: steps, region: latest ?? region)
            } else {
                b.add(site, steps: steps[Int(stepStart[k])..<Int(stepStart[k + 1])], region: region)
            }
        }
        for site in refolding.keys.filter({ !found.contains($0) }).sorted() {
            let (steps, latest) = refold(site, refolding[site]!)
            b.add(site, steps: steps, region: latest ?? regions[site] ?? "")
        }
        return b.timeline
    }

    /// A site's steps folded from its events (any order, any kinds), and its latest registered region among them.
    private func refold(_ site: SiteKey, _ own: [LoggedEvent]) -> (steps: [Step], region: String?) {
        let list = own.sorted { $0.seq < $1.seq }
        var region: String?
        for e in list { if case .siteRegistered(let r) = e.event.body { region = r.regionCode } }
        let events = list.filter { Verification.kinds.contains($0.event.body.kind) && Verification.changesOpenings($0) }
        return (Self.steps(of: site, Self.merged(events, rules, site: site)), region)
    }

    /// Up to `n` of its sites, drawn at random by `seed`.
    public func sample(_ n: Int, seed: UInt64) -> [SiteKey] {
        guard !sites.isEmpty else { return [] }
        var r = SeededRandom(seed: seed)
        return (0..<n).map { _ in sites[Int.random(in: 0..<sites.count, using: &r)] }
    }

    /// Whether each site of `own` (all of it) has the steps and the region that a fold of its
    /// events gives (the log's events up to the version the timeline was made at): a timeline kept
    /// by another build of the program, whose rules of verification may differ, is checked this
    /// way before it is used.
    public func agrees(with own: [SiteKey: [LoggedEvent]]) -> Bool {
        var remaining = own.count
        for (k, site) in sites.enumerated() {
            guard let events = own[site] else { continue }
            remaining -= 1
            let (steps, region) = refold(site, events)
            let mine = self.steps[Int(stepStart[k])..<Int(stepStart[k + 1])]
            guard mine.count == steps.count, zip(mine, steps).allSatisfy({ $0.after == $1.after && $0.sameStanding($1) }) else { return false }
            if let region, cells[Int(cellOf[k])].region != region { return false }
        }
        return remaining == 0
    }
}
