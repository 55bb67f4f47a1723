extension Reconciliation {
    /// The order reconciliation's timelines are kept in: by operator (its code), then site code.
    public static func ordered(_ a: SiteKey, _ b: SiteKey) -> Bool {
        (a.operator.rawValue, a.code) < (b.operator.rawValue, b.code)
    }

    /// `timelines` (in ``ordered(_:_:)``'s order) with those of the `named` sites replaced by
    /// `fresh` (their timelines now, in the same order; a named site without one is gone): one
    /// merge, the others kept as they were.
    public static func updated(_ timelines: [Timeline], named: Set<SiteKey>, fresh: [Timeline]) -> [Timeline] {
        var out: [Timeline] = []
        out.reserveCapacity(timelines.count + fresh.count)
        var j = 0
        for t in timelines where !named.contains(t.key) {
            while j < fresh.count && ordered(fresh[j].key, t.key) { out.append(fresh[j]); j += 1 }
            out.append(t)
        }
        out += fresh[j...]
        return out
    }

    /// `n` of `timelines` drawn by a seed (fewer when there are fewer), for a spot check of kept ones.
    public static func sample(_ timelines: [Timeline], _ n: Int, seed: UInt64) -> [Timeline] {
        guard !timelines.isEmpty else { return [] }
        var r = SeededRandom(seed: seed, stream: 0x4EC0, item: 0)
        return (0..<min(n, timelines.count)).map { _ in timelines[Int(r.next() % UInt64(timelines.count))] }
    }
}
