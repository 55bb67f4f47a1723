/// Verification as known now, as a step function of the as-of instant: for each site, where its
/// opening stands after each field instant at which a fold of the log could see it change. A
/// tally as of any instant is then a look-up per site, not a fold of every event (a summary or an
/// overview at a new date folded the 0.84 million kept events at `--scale 10` each time).
///
/// Exact by construction: a site's standing is the fold's own (``Verification``) over the site's
/// events, the spot checks that drew it and the evidence rules. When these came in the log in the
/// order of their field instants, a fold as of an instant is the fold of a prefix, so one pass
/// gives every step; otherwise (a report sent late, after later facts of the site) the site is
/// folded again as of each of its instants.
public struct VerificationTimeline: Sendable {
    /// Where a site's opening stands from just after a field instant on.
    struct Step: Sendable, Equatable {
        /// The instant (seconds) after which it holds.
        var after: Int64
        /// The index of the opening's state in ``Verification/State/allCases`` while it is
        /// current (standing, or rejected until a new report); -1 otherwise.
        var state: Int8
        /// Whether evidence was asked of it (only those are counted).
        var needsEvidence: Bool
        /// Days from its report to its decision, when decided; NaN otherwise.
        var decisionDays: Double

        func sameStanding(_ o: Step) -> Bool {
            state == o.state && needsEvidence == o.needsEvidence && (decisionDays == o.decisionDays || (decisionDays.isNaN && o.decisionDays.isNaN))
        }
    }

    private static let states = Verification.State.allCases

    /// The events folded, in log order.
    private let events: [LoggedEvent]
    /// The evidence rules' places in `events`.
    private let rules: [Int32]
    /// The sites, and where each one's events (its own and the spot checks that drew it) and steps are.
    private let sites: [SiteKey]
    private let eventStart: [Int32], eventIndexes: [Int32]
    private let stepStart: [Int32], steps: [Step]
    /// Each site's cell (its region and operator) in `cells`.
    private let cellOf: [Int32]
    private let cells: [(region: String, op: String)]

    /// The timeline of `events` (verification's kinds, in any order), each site in its region
    /// (`regionOf`; a site without one counts in region `""`, as ``VerificationTally`` counts it).
    public init(_ events: [LoggedEvent], regionOf: [SiteKey: String]) {
        let inOrder = events.indices.dropFirst().allSatisfy { events[$0 - 1].seq < events[$0].seq }
        let ordered = inOrder ? events : events.sorted { $0.seq < $1.seq }
        var index: [SiteKey: Int] = [:], sites: [SiteKey] = [], lists: [[Int32]] = [], rules: [Int32] = []
        func slot(_ s: SiteKey) -> Int {
            if let i = index[s] { return i }
            index[s] = sites.count; sites.append(s); lists.append([])
            return sites.count - 1
        }
        for (i, logged) in ordered.enumerated() {
            switch logged.event.body {
            case .evidenceRuleSet: rules.append(Int32(i))
            case .stageReported(let s, _, _), .stageRolledBack(let s, _, _), .verificationDecided(let s, _):
                let k = slot(s); lists[k].append(Int32(i))
            case .evidenceAttached(let p):
                let k = slot(p.site); lists[k].append(Int32(i))
            case .spotCheckDrawn(let c):
                for s in c.sites { let k = slot(s); lists[k].append(Int32(i)) }
            default: continue
            }
        }
        var eventStart: [Int32] = [0], eventIndexes: [Int32] = [], stepStart: [Int32] = [0], steps: [Step] = []
        var cellIndex: [String: Int] = [:], cells: [(region: String, op: String)] = [], cellOf: [Int32] = []
        eventStart.reserveCapacity(sites.count + 1); stepStart.reserveCapacity(sites.count + 1); cellOf.reserveCapacity(sites.count)
        for (k, site) in sites.enumerated() {
            eventIndexes += lists[k]
            eventStart.append(Int32(eventIndexes.count))
            steps += Self.steps(of: site, Self.merged(lists[k], rules, site: site, events: ordered))
            stepStart.append(Int32(steps.count))
            let region = regionOf[site] ?? ""
            let key = region + "|" + site.operator.rawValue
            if let c = cellIndex[key] { cellOf.append(Int32(c)) } else {
                cellIndex[key] = cells.count; cellOf.append(Int32(cells.count)); cells.append((region, site.operator.rawValue))
            }
        }
        self.events = ordered; self.rules = rules; self.sites = sites
        self.eventStart = eventStart; self.eventIndexes = eventIndexes; self.stepStart = stepStart; self.steps = steps
        self.cellOf = cellOf; self.cells = cells
    }

    /// A site's events merged with the rules in log order, the spot checks cut down to the site.
    private static func merged(_ own: [Int32], _ rules: [Int32], site: SiteKey, events: [LoggedEvent]) -> [LoggedEvent] {
        var out: [LoggedEvent] = []
        out.reserveCapacity(own.count + rules.count)
        var a = 0, b = 0
        while a < own.count || b < rules.count {
            let i: Int32
            if b == rules.count || (a < own.count && own[a] < rules[b]) { i = own[a]; a += 1 } else { i = rules[b]; b += 1 }
            var logged = events[Int(i)]
            if case .spotCheckDrawn(let c) = logged.event.body, c.sites.count > 1 {
                logged.event.body = .spotCheckDrawn(SpotCheck(week: c.week, seed: c.seed, rate: c.rate, sites: [site]))
            }
            out.append(logged)
        }
        return out
    }

    /// A site's steps, from its events (and the rules) in log order.
    private static func steps(of site: SiteKey, _ list: [LoggedEvent]) -> [Step] {
        // No opening ever: nothing to count.
        guard list.contains(where: { if case .stageReported(_, let s, _) = $0.event.body { s.isBuilt } else { false } }) else { return [] }
        var out: [Step] = []
        func record(_ o: Verification.Opening?, after: Int64) {
            let step: Step
            if let o, o.isCurrent {
                step = Step(after: after, state: Int8(states.firstIndex(of: o.state)!), needsEvidence: o.needsEvidence,
                            decisionDays: o.decidedAt.map { Double($0.seconds - o.recordedAt.seconds) / 86_400 } ?? .nan)
            } else {
                step = Step(after: after, state: -1, needsEvidence: false, decisionDays: .nan)
            }
            if let last = out.last, last.sameStanding(step) { return }
            if out.isEmpty && step.state < 0 { return }
            out.append(step)
        }
        let inFieldOrder = list.indices.dropFirst().allSatisfy { list[$0 - 1].event.occurredAt <= list[$0].event.occurredAt }
        if inFieldOrder {
            // As of any instant the fold sees a prefix of the list: one pass.
            var v = Verification(), built: Set<SiteKey> = []
            for (k, logged) in list.enumerated() {
                v.apply(logged.event, built: &built)
                if k + 1 < list.count, list[k + 1].event.occurredAt == logged.event.occurredAt { continue }
                record(v.openings[site], after: logged.event.occurredAt.seconds)
            }
        } else {
            for t in Set(list.map { $0.event.occurredAt.seconds }).sorted() {
                record(Verification(list, at: ReadMoment(asOf: Cutoff(before: Instant(seconds: t + 1)))).openings[site], after: t)
            }
        }
        return out
    }

    /// The step of site `k` in force as of a cutoff (nil: no opening then).
    private func step(_ k: Int, _ before: Int64) -> Step? {
        var i = Int(stepStart[k + 1]) - 1
        let first = Int(stepStart[k])
        while i >= first && steps[i].after >= before { i -= 1 }
        return i >= first && steps[i].state >= 0 ? steps[i] : nil
    }

    /// The tally as of a cutoff: the same as ``VerificationTally`` of the fold as of it, known now.
    public func tally(at asOf: Cutoff) -> VerificationTally {
        let t = asOf.before.seconds, n = Self.states.count
        var counts = [Int](repeating: 0, count: cells.count * n)
        var days = [[Double]](repeating: [], count: cells.count)
        for k in sites.indices {
            guard let s = step(k, t), s.needsEvidence else { continue }
            let c = Int(cellOf[k])
            counts[c * n + Int(s.state)] += 1
            if !s.decisionDays.isNaN { days[c].append(s.decisionDays) }
        }
        var lines: [String: [String: VerificationTally.Line]] = [:]
        for (c, cell) in cells.enumerated() {
            var line = VerificationTally.Line()
            for (j, state) in Self.states.enumerated() { line.add(state, count: counts[c * n + j]) }
            guard line.openings > 0 else { continue }
            line.add(decisionDays: days[c])
            lines[cell.region, default: [:]][cell.op] = line
        }
        return VerificationTally(cells: lines)
    }

    /// The current openings as of a cutoff, known now, of the sites `picked` for their state then,
    /// each folded from its own events: the same openings as the whole fold's.
    public func openings(at asOf: Cutoff, picked: (SiteKey, Verification.State) -> Bool) -> [Verification.Opening] {
        let t = asOf.before.seconds
        var out: [Verification.Opening] = []
        for k in sites.indices {
            guard let s = step(k, t), picked(sites[k], Self.states[Int(s.state)]) else { continue }
            let own = eventIndexes[Int(eventStart[k])..<Int(eventStart[k + 1])]
            let list = Self.merged(Array(own), rules, site: sites[k], events: events)
            if let o = Verification(list, at: ReadMoment(asOf: asOf)).openings[sites[k]] { out.append(o) }
        }
        return out
    }

    /// The evidence rule in force as of a moment.
    public func rule(at moment: ReadMoment) -> EvidenceRule? {
        Verification(rules.map { events[Int($0)] }, at: moment).rule
    }
}
