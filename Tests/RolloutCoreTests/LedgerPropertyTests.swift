import Testing
@testable import RolloutCore

/// The incremental fold against a naive recomputation, on random logs with late, out-of-order
/// reports and rollbacks: the counters as of any (as_of, known_at) must equal folding, from
/// scratch, the events known at known_at and reading the stage at as_of.
@Suite struct LedgerPropertyTests {
    struct Generator {
        var rng: UInt64
        mutating func next(_ n: Int) -> Int {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Int((rng >> 33) % UInt64(n))
        }
    }

    static let base = Instant(seconds: 1_577_808_000)  // 2020-01-01T00:00+08:00

    /// A random log of a few sites: events appended in recorded order, field times scattered.
    static func randomLog(seed: UInt64) -> [LoggedEvent] {
        var g = Generator(rng: seed)
        var events: [NewEvent] = []
        for s in 0..<(1 + g.next(4)) {
            let key = SiteKey(operator: [.cmcc, .ctcc][g.next(2)], code: "S\(s)")
            let reg = base.adding(seconds: Int64(g.next(10 * 86_400)))
            var recorded = reg.adding(seconds: Int64(g.next(86_400)))
            events.append(NewEvent(.siteRegistered(Fixtures.registration(key, region: ["500101", "500102"][g.next(2)])),
                                   occurredAt: reg, recordedAt: recorded, actor: "t"))
            for _ in 0..<g.next(9) {
                recorded = recorded.adding(seconds: Int64(1 + g.next(3 * 86_400)))
                // Field times before or after the registration, sometimes long before they are recorded.
                let occurred = min(recorded, reg.adding(seconds: Int64(g.next(20 * 86_400)) - 86_400))
                let stage = Stage.allCases[g.next(Stage.allCases.count)]
                let body: EventBody = g.next(6) == 0 ? .stageRolledBack(site: key, stage: stage, reason: "返工")
                    : .stageReported(site: key, stage: stage, note: nil)
                events.append(NewEvent(body, occurredAt: occurred, recordedAt: recorded, actor: "t"))
            }
        }
        // The platform learns in recorded order (each site's own events stay in order).
        events.sort { $0.recordedAt < $1.recordedAt }
        return events.enumerated().map { LoggedEvent(seq: Int64($0.offset + 1), event: $0.element) }
    }

    /// The number of sites at each stage, by folding from scratch.
    static func naive(_ log: [LoggedEvent], asOf: Cutoff, knownAt: Cutoff?) -> [Stage: Int] {
        let known = log.filter { knownAt?.includes($0.event.recordedAt) ?? true }
        var out: [Stage: Int] = [:]
        var registrations: [SiteKey: Instant] = [:]
        for e in known { if case .siteRegistered(let r) = e.event.body { registrations[r.site] = e.event.occurredAt } }
        for (key, reg) in registrations {
            let changes = known.compactMap { e -> StageChange? in
                switch e.event.body {
                case .stageReported(let s, let st, _) where s == key: StageChange(.report, st, at: e.event.occurredAt, seq: e.seq)
                case .stageRolledBack(let s, let st, _) where s == key: StageChange(.rollback, st, at: e.event.occurredAt, seq: e.seq)
                default: nil
                }
            }
            // Apply the rules by hand, in field order; a change dated before the registration shows the site existed then.
            let start = min(reg, changes.map(\.occurredAt).min() ?? reg)
            var stage: Stage? = asOf.includes(start) ? .planned : nil
            for c in changes.sorted(by: { ($0.occurredAt, $0.seq) < ($1.occurredAt, $1.seq) }) where asOf.includes(c.occurredAt) {
                guard let cur = stage else { continue }
                stage = c.move == .report ? max(cur, c.stage) : min(cur, c.stage)
            }
            if let stage { out[stage, default: 0] += 1 }
        }
        return out
    }

    /// The stage-duration counters, from each site's timeline folded from scratch on what was known.
    static func naiveDurations(_ log: [LoggedEvent], asOf: Cutoff, knownAt: Cutoff?) -> [String: Int] {
        let known = log.filter { knownAt?.includes($0.event.recordedAt) ?? true }
        var out: [String: Int] = [:]
        for e in known {
            guard case .siteRegistered(let r) = e.event.body else { continue }
            let changes = known.compactMap { c -> StageChange? in
                switch c.event.body {
                case .stageReported(let s, let st, _) where s == r.site: StageChange(.report, st, at: c.event.occurredAt, seq: c.seq)
                case .stageRolledBack(let s, let st, _) where s == r.site: StageChange(.rollback, st, at: c.event.occurredAt, seq: c.seq)
                default: nil
                }
            }
            let steps = SiteTimeline.fold(registeredAt: e.event.occurredAt, changes: changes)
            for rec in SiteTimeline.buildRecords(steps) where asOf.includes(rec.builtAt) {
                out[r.site.operator.rawValue + "|" + Metric.toBuilt(rec.stage, bucket: rec.bucket), default: 0] += 1
            }
        }
        return out
    }

    @Test(arguments: 0..<300)
    func incrementalFoldEqualsNaiveRecomputation(seed: Int) throws {
        let log = Self.randomLog(seed: UInt64(seed) &+ 17)
        // Apply in batches, as the storage does: states carried over, histories loaded only when needed.
        var sites: [SiteKey: SiteState] = [:]
        var deltas: [CounterDelta] = []
        var index = 0
        var g = Generator(rng: UInt64(seed))
        while index < log.count {
            let batch = Array(log[index..<min(log.count, index + 1 + g.next(4))])
            index += batch.count
            let needs = Ledger.sitesNeedingHistory(batch.map(\.event), states: sites)
            var histories: [SiteKey: [StageChange]] = [:]
            for key in needs where sites[key] != nil {
                histories[key] = log.filter { $0.seq < batch[0].seq && $0.event.body.site == key }.compactMap { e in
                    switch e.event.body {
                    case .stageReported(_, let st, _): StageChange(.report, st, at: e.event.occurredAt, seq: e.seq)
                    case .stageRolledBack(_, let st, _): StageChange(.rollback, st, at: e.event.occurredAt, seq: e.seq)
                    default: nil
                    }
                }
            }
            var ledger = Ledger(sites: sites, histories: histories)
            for e in batch { try ledger.apply(e) }
            sites = ledger.sites
            deltas += ledger.deltas
        }
        let times = log.flatMap { [$0.event.occurredAt, $0.event.recordedAt] }
        for _ in 0..<12 {
            let t = Cutoff(before: times[g.next(times.count)].adding(seconds: Int64(g.next(3)) - 1))
            let k: Cutoff? = g.next(3) == 0 ? nil : Cutoff(before: times[g.next(times.count)].adding(seconds: Int64(g.next(3)) - 1))
            var counted: [Stage: Int] = [:]
            var durations: [String: Int] = [:]
            for d in deltas where t.includes(d.occurredAt) && (k?.includes(d.recordedAt) ?? true) {
                if d.key.metric.hasPrefix(Metric.toBuiltPrefix) {
                    durations[d.key.operatorCode + "|" + d.key.metric, default: 0] += d.delta
                } else if d.key.metric.hasPrefix("stage.") {
                    counted[Stage(rawValue: String(d.key.metric.dropFirst("stage.".count)))!, default: 0] += d.delta
                }
            }
            let expected = Self.naive(log, asOf: t, knownAt: k)
            #expect(counted.filter { $0.value != 0 } == expected, "seed \(seed) as of \(t) known at \(String(describing: k))")
            #expect(durations.filter { $0.value != 0 } == Self.naiveDurations(log, asOf: t, knownAt: k), "seed \(seed)")
        }
        // The stored timeline of each site is the full fold of its known changes.
        for (key, state) in sites {
            let changes = log.compactMap { e -> StageChange? in
                guard e.event.body.site == key else { return nil }
                switch e.event.body {
                case .stageReported(_, let st, _): return StageChange(.report, st, at: e.event.occurredAt, seq: e.seq)
                case .stageRolledBack(_, let st, _): return StageChange(.rollback, st, at: e.event.occurredAt, seq: e.seq)
                default: return nil
                }
            }
            #expect(state.steps == SiteTimeline.fold(registeredAt: state.registeredAt, changes: changes))
        }
    }
}
