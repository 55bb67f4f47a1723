import Testing
@testable import RolloutCore

/// The verification fold and its tally on random logs against a naive reading written out the
/// plain way: each site's highest stage kept event by event, events sorted by number, openings
/// taken in sorted order. The fold keeps only whether a site stands built and skips the sort when
/// the events come in order; the tally counts the openings in any order.
@Suite struct VerificationFoldTests {
    /// The fold as it was first written: every report sets the site's stage.
    static func naive(_ events: [LoggedEvent], at moment: ReadMoment) -> [SiteKey: Verification.Opening] {
        var stage: [SiteKey: Stage] = [:], openings: [SiteKey: Verification.Opening] = [:]
        var rules: [(at: Instant, rule: EvidenceRule)] = []
        for logged in events.sorted(by: { $0.seq < $1.seq }) {
            let e = logged.event
            guard moment.asOf.includes(e.occurredAt), moment.knownAt?.includes(e.recordedAt) ?? true else { continue }
            switch e.body {
            case .evidenceRuleSet(let r):
                rules.insert((e.occurredAt, r), at: rules.firstIndex { $0.at > e.occurredAt } ?? rules.endIndex)
            case .stageReported(let site, let s, _):
                let was = stage[site]
                if s > (was ?? .planned) { stage[site] = s }
                if s.isBuilt, !(was?.isBuilt ?? false) {
                    openings[site] = .init(site: site, reportedAt: e.occurredAt, recordedAt: e.recordedAt, reportedBy: e.actor,
                                           needsEvidence: rules.last { $0.at <= e.recordedAt }?.rule.required == true, photos: [],
                                           firstPhotoAt: nil, drawn: false, decision: nil, decidedAt: nil, decidedBy: nil, standing: true)
                }
            case .stageRolledBack(let site, let s, _):
                stage[site] = s
                if !s.isBuilt { openings[site]?.standing = false }
            case .evidenceAttached(let p):
                guard var o = openings[p.site], o.standing, o.decision == nil else { continue }
                o.photos.append(p)
                if o.firstPhotoAt == nil { o.firstPhotoAt = e.occurredAt }
                openings[p.site] = o
            case .spotCheckDrawn(let s):
                for site in s.sites where openings[site]?.state == .accepted { openings[site]?.drawn = true }
            case .verificationDecided(let site, let d):
                guard var o = openings[site], o.standing, o.decision == nil else { continue }
                o.decision = d; o.decidedAt = e.occurredAt; o.decidedBy = e.actor
                openings[site] = o
            default: continue
            }
        }
        return openings
    }

    static func at(_ hours: Int) -> Instant { Instant(seconds: 1_588_291_200 + Int64(hours) * 3_600) }

    /// A random log of a few sites: reports at any stage, rollbacks to any stage, photos good and
    /// bad, decisions, spot checks and rules switched on and off, recorded up to three days late.
    static func randomLog(_ r: inout SeededRandom) -> [LoggedEvent] {
        let sites = (0..<8).map { SiteKey(operator: $0 % 3 == 0 ? .ctcc : .cmcc, code: "S\($0)") }
        var items: [LoggedEvent] = []
        for i in 0..<(20 + Int.random(in: 0..<120, using: &r)) {
            let site = sites[Int.random(in: 0..<sites.count, using: &r)]
            let stage = Stage.allCases[Int.random(in: 0..<Stage.allCases.count, using: &r)]
            let body: EventBody
            switch Int.random(in: 0..<10, using: &r) {
            case 0...3: body = .stageReported(site: site, stage: r.chance(0.5) ? stage : .onAir, note: nil)
            case 4: body = .stageRolledBack(site: site, stage: stage, reason: "r")
            case 5, 6: body = .evidenceAttached(VerificationTests.photo(site, r.chance(0.4) ? [.tooFar] : [], sha: "\(i)"))
            case 7: body = .verificationDecided(site: site, decision: r.chance(0.5) ? .verified(note: "") : .rejected(reason: "x"))
            case 8: body = .spotCheckDrawn(SpotCheck(week: ShanghaiCalendar.day(of: at(0)), seed: 1, rate: 0.1, sites: [site]))
            default: body = .evidenceRuleSet(EvidenceRule(required: r.chance(0.7)))
            }
            let field = at(Int.random(in: 0..<240, using: &r))
            items.append(LoggedEvent(seq: Int64(i + 1), event: NewEvent(body, occurredAt: field, recordedAt: field.adding(seconds: Int64(Int.random(in: 0..<72, using: &r)) * 3_600),
                                                                          actor: "a\(Int.random(in: 0..<3, using: &r))")))
        }
        return items
    }

    @Test func theFoldAndTheTallyEqualTheNaiveReadingOnRandomLogs() {
        var r = SeededRandom(seed: 41)
        for round in 0..<300 {
            var log = Self.randomLog(&r)
            // Half the time the events come out of order, as a caller might pass them.
            if round % 2 == 1 { log.shuffle(using: &r) }
            for _ in 0..<4 {
                let asOf = Cutoff(before: Self.at(Int.random(in: 0..<260, using: &r)))
                let moment = r.chance(0.5) ? ReadMoment(asOf: asOf) : ReadMoment(asOf: asOf, knownAt: Cutoff(before: Self.at(Int.random(in: 0..<300, using: &r))))
                let v = Verification(log, at: moment), expected = Self.naive(log, at: moment)
                #expect(v.openings == expected, "round \(round)")
                // What a reader keeps between folds makes the same fold.
                #expect(Verification(log.filter(Verification.changesOpenings), at: moment).openings == expected, "round \(round)")
                // The tally: per operator, the states of the current openings that needed evidence and the sorted days to decision.
                let regionOf = Dictionary(uniqueKeysWithValues: expected.keys.map { ($0, $0.code < "S4" ? "500101" : "500102") })
                let tally = VerificationTally(v, regionOf: regionOf)
                let current = expected.values.filter { ($0.standing || $0.state == .rejected) && $0.needsEvidence }
                for op in ["cmcc", "ctcc"] {
                    let mine = current.filter { $0.site.operator.rawValue == op }
                    let line = tally.operator(op)
                    #expect(line.openings == mine.count)
                    for s in Verification.State.allCases { #expect(line.count(s) == mine.filter { $0.state == s }.count) }
                    #expect(line.decisionDays == mine.compactMap { o in o.decidedAt.map { Double($0.seconds - o.recordedAt.seconds) / 86_400 } }.sorted())
                }
                #expect(tally.city.openings == current.count && tally.region("500101").openings + tally.region("500102").openings == current.count)
            }
        }
    }
}
