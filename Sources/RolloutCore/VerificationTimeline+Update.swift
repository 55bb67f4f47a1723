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

    /// `n` of its sites drawn at random by `seed` (a site may be drawn twice), with their places.
    public func sample(_ n: Int, seed: UInt64) -> [(index: Int, site: SiteKey)] {
        guard !sites.isEmpty else { return [] }
        var r = SeededRandom(seed: seed)
        return (0..<n).map { _ in let k = Int.random(in: 0..<sites.count, using: &r); return (k, sites[k]) }
    }

    /// Whether each sampled site (``sample(_:seed:)``) has the steps and the region that a fold of
    /// its events in `own` gives (the log's events up to the version the timeline was made at): a
    /// timeline kept by another build of the program, whose rules of verification may differ, is
    /// checked this way before it is used.
    public func agrees(with own: [SiteKey: [LoggedEvent]], at sample: [(index: Int, site: SiteKey)]) -> Bool {
        sample.allSatisfy { k, site in
            guard k < sites.count, sites[k] == site else { return false }
            let (steps, region) = refold(site, own[site] ?? [])
            let mine = self.steps[Int(stepStart[k])..<Int(stepStart[k + 1])]
            guard mine.count == steps.count, zip(mine, steps).allSatisfy({ $0.after == $1.after && $0.sameStanding($1) }) else { return false }
            return region == nil || cells[Int(cellOf[k])].region == region
        }
    }
}
