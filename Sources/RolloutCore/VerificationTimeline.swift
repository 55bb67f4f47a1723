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

    static let states = Verification.State.allCases

    /// A site's region and operator: the cell its opening is counted in.
    struct Cell: Hashable, Sendable {
        var region: String, op: String
    }

    /// The evidence rules, in log order.
    let rules: [LoggedEvent]
    /// The sites, and where each one's steps are.
    let sites: [SiteKey]
    let stepStart: [Int32], steps: [Step]
    /// Each site's cell in `cells`.
    let cellOf: [Int32]
    let cells: [Cell]

    init(rules: [LoggedEvent], sites: [SiteKey], stepStart: [Int32], steps: [Step], cellOf: [Int32], cells: [Cell]) {
        self.rules = rules; self.sites = sites; self.stepStart = stepStart; self.steps = steps; self.cellOf = cellOf; self.cells = cells
    }

    /// How many sites it holds (those with any event verification folds).
    public var siteCount: Int { sites.count }

    /// The timeline of `events` (verification's kinds, in any order), each site in its region
    /// (`regionOf`; a site without one counts in region `""`, as ``VerificationTally`` counts it).
    public init(_ events: [LoggedEvent], regionOf: [SiteKey: String]) {
        let inOrder = events.indices.dropFirst().allSatisfy { events[$0 - 1].seq < events[$0].seq }
        let ordered = inOrder ? events : events.sorted { $0.seq < $1.seq }
        var index: [SiteKey: Int] = [:], sites: [SiteKey] = [], lists: [[Int32]] = [], rules: [LoggedEvent] = []
        func slot(_ s: SiteKey) -> Int {
            if let i = index[s] { return i }
            index[s] = sites.count; sites.append(s); lists.append([])
            return sites.count - 1
        }
        for (i, logged) in ordered.enumerated() {
            if case .evidenceRuleSet = logged.event.body { rules.append(logged); continue }
            for s in Self.sites(of: logged) { let k = slot(s); lists[k].append(Int32(i)) }
        }
        var b = Builder(rules: rules, capacity: sites.count)
        for (k, site) in sites.enumerated() {
            b.add(site, steps: Self.steps(of: site, Self.merged(lists[k].lazy.map { ordered[Int($0)] }, rules, site: site)),
                  region: regionOf[site] ?? "")
        }
        self = b.timeline
    }

    /// The sites whose openings an event of verification's kinds may change (none for a rule: it
    /// may change every site's).
    public static func sites(of logged: LoggedEvent) -> [SiteKey] {
        switch logged.event.body {
        case .stageReported(let s, _, _), .stageRolledBack(let s, _, _), .verificationDecided(let s, _): [s]
        case .evidenceAttached(let p): [p.site]
        case .spotCheckDrawn(let c): c.sites
        default: []
        }
    }

    /// Gathers sites, their steps and their cells into a timeline.
    struct Builder {
        private var sites: [SiteKey] = [], stepStart: [Int32] = [0], steps: [Step] = [], cellOf: [Int32] = []
        private var cellIndex: [Cell: Int32] = [:], cells: [Cell] = []
        private let rules: [LoggedEvent]

        init(rules: [LoggedEvent], capacity: Int) {
            self.rules = rules
            sites.reserveCapacity(capacity); stepStart.reserveCapacity(capacity + 1); cellOf.reserveCapacity(capacity)
        }

        mutating func add(_ site: SiteKey, steps more: some Collection<Step>, region: String) {
            sites.append(site)
            steps.append(contentsOf: more)
            stepStart.append(Int32(steps.count))
            let cell = Cell(region: region, op: site.operator.rawValue)
            if let c = cellIndex[cell] { cellOf.append(c) } else {
                cellIndex[cell] = Int32(cells.count); cellOf.append(Int32(cells.count)); cells.append(cell)
            }
        }

        var timeline: VerificationTimeline {
            VerificationTimeline(rules: rules, sites: sites, stepStart: stepStart, steps: steps, cellOf: cellOf, cells: cells)
        }
    }

    /// A site's events (in log order) merged with the rules (in log order), the spot checks cut down to the site.
    static func merged(_ own: some Sequence<LoggedEvent>, _ rules: [LoggedEvent], site: SiteKey) -> [LoggedEvent] {
        var out: [LoggedEvent] = []
        out.reserveCapacity(own.underestimatedCount + rules.count)
        var b = 0
        for logged in own {
            while b < rules.count && rules[b].seq < logged.seq { out.append(rules[b]); b += 1 }
            if case .spotCheckDrawn(let c) = logged.event.body, c.sites.count > 1 {
                var one = logged
                one.event.body = .spotCheckDrawn(SpotCheck(week: c.week, seed: c.seed, rate: c.rate, sites: [site]))
                out.append(one)
            } else {
                out.append(logged)
            }
        }
        out += rules[b...]
        return out
    }

    /// A site's steps, from its events (and the rules) in log order.
    static func steps(of site: SiteKey, _ list: [LoggedEvent]) -> [Step] {
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

    /// The sites `picked` for their state as of a cutoff, known now (those with a current opening then).
    public func sites(at asOf: Cutoff, picked: (SiteKey, Verification.State) -> Bool) -> [SiteKey] {
        let t = asOf.before.seconds
        return sites.indices.compactMap { k in
            guard let s = step(k, t), picked(sites[k], Self.states[Int(s.state)]) else { return nil }
            return sites[k]
        }
    }

    /// A site's opening as of a moment, folded from its own events (in any order: those of its
    /// entity and of its verification, and the spot checks that drew it) and the rules: the
    /// same opening as the whole fold's.
    public func opening(of site: SiteKey, own: [LoggedEvent], at moment: ReadMoment) -> Verification.Opening? {
        Verification(Self.merged(own.sorted { $0.seq < $1.seq }, rules, site: site), at: moment).openings[site]
    }

    /// The evidence rule in force as of a moment.
    public func rule(at moment: ReadMoment) -> EvidenceRule? {
        Verification(rules, at: moment).rule
    }
}
