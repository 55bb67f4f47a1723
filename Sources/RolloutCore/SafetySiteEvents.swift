extension Safety {
    /// The events of the findings ever recorded on `site`, in the order given: folded at any
    /// moment, they give that site's findings as the fold of every event does (a finding is its
    /// reference's events alone), without folding every finding of the city for one site's page
    /// (at `--scale 100`, two thirds of a site page's time at each new date).
    public static func events(_ events: [LoggedEvent], of site: SiteKey) -> [LoggedEvent] {
        var refs: Set<String> = []
        for e in events { if case .findingRecorded(let f) = e.event.body, f.site == site { refs.insert(f.ref) } }
        guard !refs.isEmpty else { return [] }
        return events.filter { e in
            switch e.event.body {
            case .findingRecorded(let f): refs.contains(f.ref)
            case .findingStep(let ref, _): refs.contains(ref)
            default: false
            }
        }
    }
}
