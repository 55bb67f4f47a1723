import Testing
@testable import RolloutCore

/// A timeline grown from an earlier one (only the sites the appended events name folded again,
/// the sites registered since moved) against the timeline of the whole log, and a timeline read
/// back from its bytes against the one written; damaged bytes are refused, never a crash.
@Suite struct VerificationTimelineGrowthTests {
    /// A random log with registrations (some sites registered again in another region).
    static func log(_ r: inout SeededRandom) -> [LoggedEvent] {
        var log = VerificationFoldTests.randomLog(&r)
        for (i, e) in log.enumerated() where r.chance(0.15) {
            let site = SiteKey(operator: r.chance(0.5) ? .ctcc : .cmcc, code: "S\(Int.random(in: 0..<8, using: &r))")
            log[i] = LoggedEvent(seq: e.seq, event: NewEvent(.siteRegistered(SiteRegistration(site: site, regionCode: r.chance(0.5) ? "500101" : "500102",
                                                                                                name: site.code, lat: 29.5, lon: 106.5, kind: .macro)),
                                                             occurredAt: e.event.occurredAt, recordedAt: e.event.recordedAt, actor: "a"))
        }
        return log
    }

    /// Each site's region: its latest registration in log order.
    static func regions(_ log: [LoggedEvent]) -> [SiteKey: String] {
        var out: [SiteKey: String] = [:]
        for e in log { if case .siteRegistered(let reg) = e.event.body { out[reg.site] = reg.regionCode } }
        return out
    }

    static func same(_ a: VerificationTimeline, _ b: VerificationTimeline, _ log: [LoggedEvent], _ note: Comment) {
        for t in Set(log.flatMap { [$0.event.occurredAt.seconds, $0.event.occurredAt.seconds + 1] }) {
            let asOf = Cutoff(before: Instant(seconds: t))
            #expect(a.tally(at: asOf) == b.tally(at: asOf), note)
            #expect(Set(a.sites(at: asOf) { _, s in s == .rejected }) == Set(b.sites(at: asOf) { _, s in s == .rejected }), note)
        }
    }

    @Test func aTimelineGrownFromAnEarlierOneEqualsTheTimelineOfTheWholeLog() {
        var r = SeededRandom(seed: 91)
        for round in 0..<300 {
            let log = Self.log(&r)
            let kinds = log.filter { Verification.kinds.contains($0.event.body.kind) && Verification.changesOpenings($0) }
            // Grown from a cut after the last rule (a rule appended since makes the timeline again).
            let lastRule = log.lastIndex { if case .evidenceRuleSet = $0.event.body { true } else { false } } ?? -1
            let cut = Int.random(in: (lastRule + 1)...log.count, using: &r)
            let before = Array(log[..<cut]), since = log[cut...]
            let earlier = VerificationTimeline(before.filter { kinds.contains($0) }, regionOf: Self.regions(before))
            var named = Set<SiteKey>()
            for e in since { named.formUnion(VerificationTimeline.sites(of: e)) }
            // Every event of each named site, as the log now holds it (its registrations among them).
            var own: [SiteKey: [LoggedEvent]] = [:]
            for site in named {
                own[site] = log.filter { e in
                    if case .siteRegistered(let reg) = e.event.body { return reg.site == site }
                    return VerificationTimeline.sites(of: e).contains(site)
                }.shuffled(using: &r)
            }
            let registeredSince = Self.regions(Array(since))
            let grown = earlier.updated(refolding: own, regions: registeredSince)
            let whole = VerificationTimeline(kinds, regionOf: Self.regions(log))
            Self.same(grown, whole, log, "round \(round), cut \(cut) of \(log.count)")
            // Grown again with nothing new, it stays the same.
            Self.same(grown.updated(refolding: [:], regions: [:]), whole, log, "round \(round)")
        }
    }

    @Test func aTimelineReadBackFromItsBytesIsTheSame() throws {
        var r = SeededRandom(seed: 92)
        for round in 0..<100 {
            let log = Self.log(&r)
            let kinds = log.filter { Verification.kinds.contains($0.event.body.kind) }
            let timeline = VerificationTimeline(kinds, regionOf: Self.regions(log))
            let rules = kinds.filter { if case .evidenceRuleSet = $0.event.body { true } else { false } }
            let back = try VerificationTimeline(bytes: timeline.bytes(), rules: rules)
            #expect(back.bytes() == timeline.bytes(), "round \(round)")
            Self.same(back, timeline, log, "round \(round)")
            for t in Set(log.map(\.event.occurredAt.seconds)) {
                #expect(back.rule(at: ReadMoment(asOf: Cutoff(before: Instant(seconds: t)))) == timeline.rule(at: ReadMoment(asOf: Cutoff(before: Instant(seconds: t)))))
            }
        }
    }

    /// Bytes cut short, lengthened, or with a count, a length, an operator, a cell or a state
    /// changed: each is refused or reads back as some timeline, never a crash or a huge allocation.
    @Test func damagedBytesAreRefusedNotACrash() {
        var r = SeededRandom(seed: 93)
        var refused = 0, total = 0
        for _ in 0..<40 {
            let log = Self.log(&r)
            let good = VerificationTimeline(log.filter { Verification.kinds.contains($0.event.body.kind) }, regionOf: Self.regions(log)).bytes()
            var cases: [[UInt8]] = [[], Array(good.prefix(3)), Array(good.dropLast()), good + [0], Array("RVT2".utf8) + good.dropFirst(4)]
            for _ in 0..<30 {
                var bad = good
                let at = Int.random(in: 0..<bad.count, using: &r)
                switch Int.random(in: 0..<4, using: &r) {
                case 0: bad = Array(bad.prefix(at))
                case 1: bad[at] = UInt8.random(in: 0...255, using: &r)
                case 2:   // a count or a length of 32 bits, made huge
                    for k in at..<min(bad.count, at + 4) { bad[k] = 0xFF }
                default: bad.insert(contentsOf: [0x7F, 0xFF, 0xFF, 0xFF], at: at)
                }
                cases.append(bad)
            }
            for bad in cases {
                total += 1
                if (try? VerificationTimeline(bytes: bad, rules: [])) == nil { refused += 1 }
            }
        }
        // The obvious damages (empty, cut, lengthened, another format) are always among the refused.
        #expect(refused >= 40 * 5 && refused < total)
    }
}
