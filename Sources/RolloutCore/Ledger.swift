/// What the projections keep of a site: where it is and its timeline.
public struct SiteState: Hashable, Codable, Sendable {
    /// The site as registered (its host and resource updated when a sharing request is accepted).
    public var registration: SiteRegistration
    /// The field time of the registration.
    public var registeredAt: Instant
    /// When the platform learned of the registration.
    public var registeredRecordedAt: Instant
    /// The timeline: from when the site stood at each stage, oldest first.
    public var steps: [TimelineStep]
    /// The latest field time of the site's stage changes (the distant past before the first one):
    /// a change dated at or after it can be applied without the site's history.
    public var lastOccurredAt: Instant

    /// A site's state as stored.
    public init(registration: SiteRegistration, registeredAt: Instant, registeredRecordedAt: Instant,
                steps: [TimelineStep], lastOccurredAt: Instant) {
        self.registration = registration; self.registeredAt = registeredAt
        self.registeredRecordedAt = registeredRecordedAt; self.steps = steps; self.lastOccurredAt = lastOccurredAt
    }

    /// The stage the site stands at after all known changes.
    public var stage: Stage { steps.last!.stage }

    /// Since when the site has been built without interruption, as far as is known; nil when it is not built.
    public var builtSince: Instant? {
        guard stage.isBuilt else { return nil }
        var since = steps.last!.at
        for step in steps.reversed() { if step.stage.isBuilt { since = step.at } else { break } }
        return since
    }
}

/// What the projections keep of an obstacle: how it was raised and everything that happened to it
/// since (its marks); the fields below the marks are what the marks say now, kept for the indexes.
public struct ObstacleState: Hashable, Codable, Sendable {
    /// The obstacle as it was raised.
    public var opening: ObstacleOpening
    /// When it was raised, in field time.
    public var openedAt: Instant
    /// When the platform learned it was raised.
    public var openedRecordedAt: Instant
    /// Resolutions, escalation and the dispatching steps, in log order.
    public var marks: [ObstacleMark]
    /// Set while the obstacle stands resolved (a reopening clears it).
    public var resolvedAt: Instant?
    /// When the platform learned of that resolution.
    public var resolvedRecordedAt: Instant?
    /// When it was escalated to the city (by a district or when its clock ran out), and why.
    public var escalatedAt: Instant?
    /// When the platform learned of the escalation.
    public var escalatedRecordedAt: Instant?
    /// Why it was escalated.
    public var escalationReason: String?

    /// An obstacle as raised, with the marks it has had since.
    public init(opening: ObstacleOpening, openedAt: Instant, openedRecordedAt: Instant, marks: [ObstacleMark] = []) {
        self.opening = opening; self.openedAt = openedAt; self.openedRecordedAt = openedRecordedAt
        self.marks = []
        for m in marks { add(m) }
    }

    /// Every unit it was ever dispatched to.
    public var units: Set<String> {
        Set(marks.compactMap { if case .step(.dispatched(let u, _)) = $0.what { u } else { nil } })
    }

    /// Whether it was ever reopened (its resolution then depends on the moment).
    public var wasReopened: Bool { marks.contains { if case .step(.reopened) = $0.what { true } else { false } } }

    /// The situation with every mark known.
    public var situation: ObstacleSituation { ObstacleWorkflow.situation(openedAt: openedAt, marks: marks) }

    /// Adds a mark and brings the summary fields up to date.
    public mutating func add(_ mark: ObstacleMark) {
        marks.append(mark)
        let s = situation
        resolvedAt = s.resolvedAt
        resolvedRecordedAt = s.resolvedAt == nil ? nil : marks.last { m in if case .resolved = m.what { m.at == s.resolvedAt } else { false } }?.recordedAt
        escalatedAt = s.escalatedAt
        escalatedRecordedAt = s.escalatedAt == nil ? nil : marks.first { if case .escalated = $0.what { true } else { false } }?.recordedAt
        escalationReason = s.escalationReason
    }

    enum CodingKeys: String, CodingKey {
        case opening, openedAt, openedRecordedAt, marks, resolvedAt, resolvedRecordedAt, escalatedAt, escalatedRecordedAt, escalationReason
    }

    /// States stored before the marks were kept (schema < 8) read their resolution and escalation as marks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        opening = try c.decode(ObstacleOpening.self, forKey: .opening)
        openedAt = try c.decode(Instant.self, forKey: .openedAt)
        openedRecordedAt = try c.decode(Instant.self, forKey: .openedRecordedAt)
        resolvedAt = try c.decodeIfPresent(Instant.self, forKey: .resolvedAt)
        resolvedRecordedAt = try c.decodeIfPresent(Instant.self, forKey: .resolvedRecordedAt)
        escalatedAt = try c.decodeIfPresent(Instant.self, forKey: .escalatedAt)
        escalatedRecordedAt = try c.decodeIfPresent(Instant.self, forKey: .escalatedRecordedAt)
        escalationReason = try c.decodeIfPresent(String.self, forKey: .escalationReason)
        if let marks = try c.decodeIfPresent([ObstacleMark].self, forKey: .marks) {
            self.marks = marks
        } else {
            var marks: [ObstacleMark] = []
            if let e = escalatedAt {
                marks.append(ObstacleMark(.escalated(reason: escalationReason ?? ""), at: e, recordedAt: escalatedRecordedAt ?? e, actor: ""))
            }
            if let r = resolvedAt { marks.append(ObstacleMark(.resolved, at: r, recordedAt: resolvedRecordedAt ?? r, actor: "")) }
            self.marks = marks
        }
    }
}

/// A target line as it stood from one event on.
public struct TargetRecord: Hashable, Codable, Sendable {
    /// The target line.
    public var setting: TargetSetting
    /// When it was set, in field time.
    public var setAt: Instant
    /// When the platform learned it.
    public var recordedAt: Instant
    /// The setting event's position in the log, which breaks ties at the same field time.
    public var seq: Int64

    /// A target line from the event that set it.
    public init(setting: TargetSetting, setAt: Instant, recordedAt: Instant, seq: Int64) {
        self.setting = setting; self.setAt = setAt; self.recordedAt = recordedAt; self.seq = seq
    }
}

/// The fold of appended events into projection changes, for the entities one append touches.
///
/// The storage loads the states of the touched entities (and, for a site that receives a change
/// dated before its latest one, that site's stage history), applies the events in log order, and
/// writes back what the ledger changed, all in the transaction of the append. A rebuild runs the
/// same ledger over the whole log, so the projections are always what the log says.
public struct Ledger: Sendable {
    /// The states of the sites loaded or registered, as the applied events left them.
    public private(set) var sites: [SiteKey: SiteState]
    /// The states of the obstacles loaded or raised, by entity name, as the applied events left them.
    public private(set) var obstacles: [String: ObstacleState]
    /// Stage histories loaded for sites that receive out-of-order changes.
    public private(set) var histories: [SiteKey: [StageChange]]
    /// What the applied events changed.
    public private(set) var deltas: [CounterDelta] = []
    /// The sites whose state the applied events changed, to write back.
    public private(set) var changedSites: Set<SiteKey> = []
    /// The obstacles (by entity name) whose state the applied events changed, to write back.
    public private(set) var changedObstacles: Set<String> = []
    /// The target lines the applied events set.
    public private(set) var newTargets: [TargetRecord] = []
    /// The resources the applied events offered, each with the field time of its offer.
    public private(set) var newResources: [(offer: ResourceOffer, at: Instant)] = []

    /// The `lastOccurredAt` of a site with no stage change yet.
    public static let noChangeYet = Instant(seconds: Int64.min)

    /// A ledger over the states and stage histories the storage loaded for the touched entities.
    public init(sites: [SiteKey: SiteState] = [:], obstacles: [String: ObstacleState] = [:],
                histories: [SiteKey: [StageChange]] = [:]) {
        self.sites = sites; self.obstacles = obstacles; self.histories = histories
    }

    /// The sites whose stage history must be loaded before the events can be applied: those that
    /// receive a change dated before one they already have.
    public static func sitesNeedingHistory(_ events: [NewEvent], states: [SiteKey: SiteState]) -> Set<SiteKey> {
        var last: [SiteKey: Instant] = [:]
        var needs: Set<SiteKey> = []
        for e in events {
            switch e.body {
            case .siteRegistered(let r): last[r.site] = Ledger.noChangeYet
            case .stageReported(let s, _, _), .stageRolledBack(let s, _, _):
                let known = last[s] ?? states[s]?.lastOccurredAt
                if let known, e.occurredAt < known { needs.insert(s) }
                last[s] = max(known ?? e.occurredAt, e.occurredAt)
            default: break
            }
        }
        return needs
    }

    /// Applies one logged event. Throws a ``RolloutError`` when the event breaks a rule of the log;
    /// the ledger is then unchanged.
    public mutating func apply(_ logged: LoggedEvent) throws {
        let e = logged.event
        switch e.body {
        case .siteRegistered(let r):
            guard sites[r.site] == nil else {
                throw RolloutError("site_exists", kind: .conflict, ["operator": r.site.operator.rawValue, "value": r.site.code])
            }
            let steps = [TimelineStep(at: e.occurredAt, stage: .planned)]
            sites[r.site] = SiteState(registration: r, registeredAt: e.occurredAt, registeredRecordedAt: e.recordedAt,
                                      steps: steps, lastOccurredAt: Ledger.noChangeYet)
            if histories[r.site] == nil { histories[r.site] = [] }
            emit(site: r, transitions: [Transition(at: e.occurredAt, from: nil, to: .planned)], sign: 1, recordedAt: e.recordedAt)
            if r.host.isShared {
                deltas.append(CounterDelta(key: CounterKey(regionCode: r.regionCode, operatorCode: r.site.operator.rawValue, metric: Metric.sharedSites),
                                           occurredAt: e.occurredAt, recordedAt: e.recordedAt, delta: 1))
            }
            changedSites.insert(r.site)
        case .stageReported(let s, let stage, _):
            try change(StageChange(.report, stage, at: e.occurredAt, seq: logged.seq), of: s, recordedAt: e.recordedAt)
        case .stageRolledBack(let s, let stage, let reason):
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw RolloutError("rollback_needs_reason", ["value": stage.rawValue])
            }
            try change(StageChange(.rollback, stage, at: e.occurredAt, seq: logged.seq), of: s, recordedAt: e.recordedAt)
        case .obstacleOpened(let o):
            guard obstacles[o.entity] == nil else { throw RolloutError("obstacle_exists", kind: .conflict, ["value": o.ref]) }
            obstacles[o.entity] = ObstacleState(opening: o, openedAt: e.occurredAt, openedRecordedAt: e.recordedAt)
            deltas.append(CounterDelta(key: obstacleKey(o), occurredAt: e.occurredAt, recordedAt: e.recordedAt, delta: 1))
            changedObstacles.insert(o.entity)
        case .obstacleResolved(let org, let ref):
            let entity = ObstacleOpening.entity(org: org, ref: ref)
            guard let state = obstacles[entity] else { throw RolloutError("unknown_obstacle", kind: .notFound, ["value": ref]) }
            // A resolution re-sent for a resolved obstacle changes nothing.
            guard state.resolvedAt == nil else { return }
            guard e.occurredAt >= state.openedAt else { throw RolloutError("resolved_before_opened") }
            try mark(org: org, ref: ref, .resolved, e)
        case .obstacleEscalated(let org, let ref, let reason):
            try mark(org: org, ref: ref, .escalated(reason: reason), e)
        case .obstacleStep(let org, let ref, let step):
            try mark(org: org, ref: ref, .step(step), e)
        case .targetSet(let t):
            guard t.target >= 0 else { throw RolloutError("bad_target") }
            if t.movedFrom != nil, (t.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw RolloutError("move_reason_required", ["old": ShanghaiCalendar.dateString(t.movedFrom!), "value": ShanghaiCalendar.dateString(t.due)])
            }
            newTargets.append(TargetRecord(setting: t, setAt: e.occurredAt, recordedAt: e.recordedAt, seq: logged.seq))
        case .resourceOffered(let r):
            newResources.append((r, e.occurredAt))
        case .contractorSet(let site, let name):
            // The site's registration names the contractor from then on (as the host after a sharing request).
            guard var state = sites[site] else { break }
            state.registration.contractor = name
            sites[site] = state
            changedSites.insert(site)
        case .resourceRequestAnswered(let r, let accepted, _):
            // Accepted: the site is hosted by the resource from then on; the sharing counter follows.
            guard accepted, var state = sites[r.site] else { break }
            let wasShared = state.registration.host.isShared
            state.registration.host = r.host
            state.registration.resourceId = r.resourceId
            sites[r.site] = state
            changedSites.insert(r.site)
            if !wasShared && r.host.isShared {
                deltas.append(CounterDelta(key: CounterKey(regionCode: state.registration.regionCode, operatorCode: r.site.operator.rawValue,
                                                           metric: Metric.sharedSites), occurredAt: e.occurredAt, recordedAt: e.recordedAt, delta: 1))
            }
        case .bulletinIssued, .supervision, .supervisionRuleSet, .resourceRequested, .dispatchRuleSet, .reportReceived, .reportingRuleSet,
             .workingCalendarSet, .reportingEscalated, .reconciliationResolved, .reconciliationThresholdsSet, .scorecardWeightsSet,
             .applicationRecorded, .subscribersReported, .subscriberTargetSet, .investmentReported, .findingRecorded, .findingStep,
             .evidenceRuleSet, .evidenceAttached, .verificationDecided, .spotCheckDrawn:
            break  // read from the log itself (bulletins: their bytes are kept beside it)
        }
    }

    private mutating func change(_ c: StageChange, of site: SiteKey, recordedAt: Instant) throws {
        guard var state = sites[site] else {
            throw RolloutError("unknown_site", kind: .notFound, ["operator": site.operator.rawValue, "value": site.code])
        }
        let before = state.steps
        if c.occurredAt >= state.lastOccurredAt {
            // The first change may be dated before the registration: the site existed from then.
            if c.occurredAt < state.steps[0].at { state.steps[0].at = c.occurredAt }
            SiteTimeline.advance(&state.steps, by: c)
        } else {
            guard let history = histories[site] else {
                preconditionFailure("the storage must load the history of \(site.entity) before applying an out-of-order change")
            }
            state.steps = SiteTimeline.fold(registeredAt: state.registeredAt, changes: history + [c])
        }
        histories[site]?.append(c)
        state.lastOccurredAt = max(state.lastOccurredAt, c.occurredAt)
        sites[site] = state
        changedSites.insert(site)
        guard before != state.steps else { return }
        // What changed: the new timeline's moves less the old one's (a multiset difference).
        var count: [Transition: Int] = [:]
        for t in SiteTimeline.transitions(state.steps) { count[t, default: 0] += 1 }
        for t in SiteTimeline.transitions(before) { count[t, default: 0] -= 1 }
        for (t, n) in count.sorted(by: { ($0.key.at, $0.key.to) < ($1.key.at, $1.key.to) }) where n != 0 {
            emit(site: state.registration, transitions: [t], sign: n, recordedAt: recordedAt)
        }
        // The stage durations the forecast learns from change with the time the site was built.
        var records: [BuildRecord: Int] = [:]
        for r in SiteTimeline.buildRecords(state.steps) { records[r, default: 0] += 1 }
        for r in SiteTimeline.buildRecords(before) { records[r, default: 0] -= 1 }
        for (r, n) in records.sorted(by: { ($0.key.builtAt, $0.key.stage, $0.key.bucket) < ($1.key.builtAt, $1.key.stage, $1.key.bucket) }) where n != 0 {
            deltas.append(CounterDelta(key: CounterKey(regionCode: "", operatorCode: site.operator.rawValue,
                                                       metric: Metric.toBuilt(r.stage, bucket: r.bucket)),
                                       occurredAt: r.builtAt, recordedAt: recordedAt, delta: n))
        }
    }

    private mutating func emit(site r: SiteRegistration, transitions: [Transition], sign: Int, recordedAt: Instant) {
        for t in transitions {
            if let from = t.from {
                deltas.append(CounterDelta(key: CounterKey(regionCode: r.regionCode, operatorCode: r.site.operator.rawValue,
                                                           metric: Metric.stage(from)),
                                           occurredAt: t.at, recordedAt: recordedAt, delta: -sign))
            }
            deltas.append(CounterDelta(key: CounterKey(regionCode: r.regionCode, operatorCode: r.site.operator.rawValue,
                                                       metric: Metric.stage(t.to)),
                                       occurredAt: t.at, recordedAt: recordedAt, delta: sign))
        }
    }

    /// Adds a mark to an obstacle when the workflow allows it.
    private mutating func mark(org: String, ref: String, _ what: ObstacleMark.What, _ e: NewEvent) throws {
        let entity = ObstacleOpening.entity(org: org, ref: ref)
        guard var state = obstacles[entity] else { throw RolloutError("unknown_obstacle", kind: .notFound, ["value": ref]) }
        guard e.occurredAt >= state.openedAt else { throw RolloutError("step_before_opened", ["value": ref]) }
        let was = state.situation, marksBefore = state.marks
        if let refusal = ObstacleWorkflow.refusal(what, ref: ref, on: was) { throw refusal }
        state.add(ObstacleMark(what, at: e.occurredAt, recordedAt: e.recordedAt, actor: e.actor))
        obstacles[entity] = state
        recount(state, before: marksBefore, recordedAt: e.recordedAt)
        changedObstacles.insert(entity)
    }

    /// The open-obstacle counter and the count of the category's resolution times follow the
    /// obstacle's spells of standing resolved (down and counted at each resolution, back at the
    /// reopening that ends it), in field time: a mark dated before others already known moves
    /// them where it belongs, as a late stage report does a site's.
    private mutating func recount(_ state: ObstacleState, before: [ObstacleMark], recordedAt: Instant) {
        func changes(_ marks: [ObstacleMark]) -> [CounterKey: [Instant: Int]] {
            var out: [CounterKey: [Instant: Int]] = [:]
            for spell in ObstacleWorkflow.resolvedSpells(marks: marks) {
                let took = CounterKey(regionCode: "", operatorCode: "", metric: Metric.resolvedIn(
                    state.opening.category, bucket: DurationBuckets.bucket(seconds: spell.resolved.seconds - state.openedAt.seconds)))
                out[obstacleKey(state.opening), default: [:]][spell.resolved, default: 0] -= 1
                out[took, default: [:]][spell.resolved, default: 0] += 1
                if let back = spell.reopened {
                    out[obstacleKey(state.opening), default: [:]][back, default: 0] += 1
                    out[took, default: [:]][back, default: 0] -= 1
                }
            }
            return out
        }
        var diff = changes(state.marks)
        for (key, byTime) in changes(before) { for (at, n) in byTime { diff[key, default: [:]][at, default: 0] -= n } }
        for key in diff.keys.sorted() {
            for (at, n) in diff[key]!.sorted(by: { $0.key < $1.key }) where n != 0 {
                deltas.append(CounterDelta(key: key, occurredAt: at, recordedAt: recordedAt, delta: n))
            }
        }
    }

    private func obstacleKey(_ o: ObstacleOpening) -> CounterKey {
        CounterKey(regionCode: o.regionCode, operatorCode: o.operator?.rawValue ?? "", metric: Metric.openObstacles(o.category))
    }
}
