import RolloutCore

/// Random campaign logs for the storage tests, and the answer a from-scratch fold gives.
struct RandomLog {
    var rng: UInt64
    static let base = ShanghaiCalendar.parseInstant("2020-03-01")!

    mutating func next(_ n: Int) -> Int {
        rng = rng &* 6364136223846793005 &+ 1442695040888963407
        return Int((rng >> 33) % UInt64(max(n, 1)))
    }

    /// Events in the order the platform learned them; `prefix` names the sites and obstacles (for
    /// several logs appended to one store), `base` is when the first site is registered.
    mutating func events(sites: Int, prefix: String = "", base: Instant = RandomLog.base) -> [NewEvent] {
        var out: [NewEvent] = []
        for s in 0..<sites {
            let key = SiteKey(operator: [.cmcc, .ctcc, .cucc][next(3)], code: "\(prefix)S\(s)")
            let region = ["500101", "500102", "500103"][next(3)]
            let reg = base.adding(seconds: Int64(next(6 * 86_400)))
            var recorded = reg.adding(seconds: Int64(next(86_400)))
            out.append(NewEvent(.siteRegistered(SiteRegistration(site: key, regionCode: region, name: "站\(s)", lat: 30, lon: 108, kind: .macro, host: s % 3 == 0 ? .streetLamp : .newTower)),
                                occurredAt: reg, recordedAt: recorded, actor: "t"))
            for _ in 0..<next(8) {
                recorded = recorded.adding(seconds: Int64(1 + next(2 * 86_400)))
                let occurred = min(recorded, reg.adding(seconds: Int64(next(10 * 86_400)) - 3600))
                let stage = Stage.allCases[next(Stage.allCases.count)]
                let body: EventBody = next(7) == 0 ? .stageRolledBack(site: key, stage: stage, reason: "返工")
                    : .stageReported(site: key, stage: stage, note: nil)
                out.append(NewEvent(body, occurredAt: occurred, recordedAt: recorded, actor: "t"))
            }
            if next(3) == 0 {
                let opened = reg.adding(seconds: Int64(next(4 * 86_400)))
                let openedKnown = opened.adding(seconds: Int64(next(3 * 86_400)))
                let o = ObstacleOpening(org: key.operator.rawValue, ref: "\(prefix)O\(s)", site: key, regionCode: region, operator: key.operator,
                                        category: ObstacleCategory.allCases[next(10)], responsible: nil, description: "'; DROP TABLE events; --")
                out.append(NewEvent(.obstacleOpened(o), occurredAt: opened, recordedAt: openedKnown, actor: "t"))
                if next(2) == 0 {
                    let resolved = opened.adding(seconds: Int64(next(5 * 86_400)))
                    let resolvedKnown = max(resolved, openedKnown).adding(seconds: Int64(1 + next(86_400)))
                    out.append(NewEvent(.obstacleResolved(org: o.org, ref: o.ref), occurredAt: resolved, recordedAt: resolvedKnown, actor: "t"))
                    // Now and then it comes back (dispatched meanwhile), and is resolved again.
                    if next(3) == 0 {
                        let reopened = max(resolved, resolvedKnown).adding(seconds: Int64(1 + next(2 * 86_400)))
                        out.append(NewEvent(.obstacleStep(org: o.org, ref: o.ref, step: .reopened(reason: "复发")), occurredAt: reopened, recordedAt: reopened, actor: "t"))
                        // Now and then a resolution learned late, dated before the first: the spell moves back.
                        let lateResolution = next(3) == 0 && resolved.seconds > opened.seconds
                        if lateResolution {
                            let early = opened.adding(seconds: Int64(next(Int(resolved.seconds - opened.seconds))))
                            out.append(NewEvent(.obstacleResolved(org: o.org, ref: o.ref), occurredAt: early, recordedAt: reopened.adding(seconds: 1), actor: "t"))
                        }
                        let dispatched = reopened.adding(seconds: Int64(1 + next(86_400)))
                        out.append(NewEvent(.obstacleStep(org: o.org, ref: o.ref, step: .dispatched(unit: "grid", note: "")), occurredAt: dispatched, recordedAt: dispatched, actor: "t"))
                        if next(2) == 0 {
                            let again = dispatched.adding(seconds: Int64(1 + next(3 * 86_400)))
                            out.append(NewEvent(.obstacleResolved(org: o.org, ref: o.ref), occurredAt: again, recordedAt: again, actor: "t"))
                            // Now and then a reopening learned late, dated between the first resolution and the reopening known.
                            if !lateResolution && next(3) == 0 && reopened.seconds - resolved.seconds > 2 {
                                let between = resolved.adding(seconds: Int64(1 + next(Int(reopened.seconds - resolved.seconds) - 1)))
                                out.append(NewEvent(.obstacleStep(org: o.org, ref: o.ref, step: .reopened(reason: "迟报复发")), occurredAt: between,
                                                    recordedAt: again.adding(seconds: Int64(1 + next(86_400))), actor: "t"))
                            }
                        }
                    }
                }
            }
        }
        // Interleave the sites by recorded time; each site's own events keep their order.
        return out.enumerated().sorted { ($0.element.recordedAt, $0.offset) < ($1.element.recordedAt, $1.offset) }.map(\.element)
    }

    /// The counters a from-scratch fold of the events gives at a moment.
    static func expected(_ events: [NewEvent], at moment: ReadMoment) -> CounterValues {
        let known = events.enumerated().filter { moment.knownAt?.includes($0.element.recordedAt) ?? true }
        var values = CounterValues()
        var registrations: [SiteKey: (SiteRegistration, Instant)] = [:]
        var changes: [SiteKey: [StageChange]] = [:]
        // Each obstacle's opening and its openings (true) and resolutions (false) after it.
        var obstacles: [String: (ObstacleOpening, Instant, [(Instant, Bool)])] = [:]
        for (i, e) in known {
            switch e.body {
            case .siteRegistered(let r): registrations[r.site] = (r, e.occurredAt)
            case .stageReported(let s, let st, _): changes[s, default: []].append(StageChange(.report, st, at: e.occurredAt, seq: Int64(i)))
            case .stageRolledBack(let s, let st, _): changes[s, default: []].append(StageChange(.rollback, st, at: e.occurredAt, seq: Int64(i)))
            case .obstacleOpened(let o): obstacles[o.entity] = (o, e.occurredAt, [])
            case .obstacleResolved(let org, let ref): obstacles[ObstacleOpening.entity(org: org, ref: ref)]?.2.append((e.occurredAt, false))
            case .obstacleStep(let org, let ref, .reopened): obstacles[ObstacleOpening.entity(org: org, ref: ref)]?.2.append((e.occurredAt, true))
            case .obstacleStep, .dispatchRuleSet: break
            case .targetSet, .resourceOffered, .obstacleEscalated, .bulletinIssued, .supervision, .supervisionRuleSet, .resourceRequested, .resourceRequestAnswered,
                 .reportReceived, .reportingRuleSet, .workingCalendarSet, .reportingEscalated,
                 .reconciliationResolved, .reconciliationThresholdsSet, .scorecardWeightsSet,
                 .applicationRecorded, .subscribersReported, .subscriberTargetSet, .investmentReported, .findingRecorded, .findingStep, .contractorSet,
                 .evidenceRuleSet, .evidenceAttached, .verificationDecided, .spotCheckDrawn: break
            }
        }
        for (key, (r, at)) in registrations {
            let steps = SiteTimeline.fold(registeredAt: at, changes: changes[key] ?? [])
            if let stage = SiteTimeline.stage(of: steps, at: moment.asOf) {
                values.add(CounterKey(regionCode: r.regionCode, operatorCode: key.operator.rawValue, metric: Metric.stage(stage)), 1)
            }
            if r.host.isShared && moment.asOf.includes(at) {
                values.add(CounterKey(regionCode: r.regionCode, operatorCode: key.operator.rawValue, metric: Metric.sharedSites), 1)
            }
            for rec in SiteTimeline.buildRecords(steps) where moment.asOf.includes(rec.builtAt) {
                values.add(CounterKey(regionCode: "", operatorCode: key.operator.rawValue, metric: Metric.toBuilt(rec.stage, bucket: rec.bucket)), 1)
            }
        }
        for (o, opened, changes) in obstacles.values where moment.asOf.includes(opened) {
            // Open when the last change before the moment (in field time) is an opening.
            var open = true
            for (at, opens) in changes.sorted(by: { $0.0 < $1.0 }) where moment.asOf.includes(at) { open = opens }
            // Resolved at the first resolution after the last reopening (a resolution of a resolved one changes nothing).
            var resolvedAt: Instant? = nil
            for (at, opens) in changes.sorted(by: { $0.0 < $1.0 }) where moment.asOf.includes(at) {
                if opens { resolvedAt = nil } else if resolvedAt == nil { resolvedAt = at }
            }
            if let r = resolvedAt {
                let bucket = DurationBuckets.bucket(seconds: r.seconds - opened.seconds)
                values.add(CounterKey(regionCode: "", operatorCode: "", metric: Metric.resolvedIn(o.category, bucket: bucket)), 1)
            }
            guard open else { continue }
            values.add(CounterKey(regionCode: o.regionCode, operatorCode: o.operator?.rawValue ?? "", metric: Metric.openObstacles(o.category)), 1)
        }
        return values
    }

    /// Moments to read at: midnights, instants inside days, with and without known_at.
    mutating func moments(_ events: [NewEvent], count: Int) -> [ReadMoment] {
        let times = events.flatMap { [$0.occurredAt, $0.recordedAt] }
        var out: [ReadMoment] = []
        for i in 0..<count {
            let t = times[next(times.count)].adding(seconds: Int64(next(3)) - 1)
            let asOf = i % 3 == 0 ? Cutoff.endOf(day: ShanghaiCalendar.day(of: t)) : Cutoff(before: t)
            var knownAt: Cutoff? = nil
            if i % 2 == 1 {
                let k = times[next(times.count)]
                knownAt = i % 4 == 1 ? Cutoff.endOf(day: ShanghaiCalendar.day(of: k)) : Cutoff(before: k)
            }
            out.append(ReadMoment(asOf: asOf, knownAt: knownAt))
        }
        return out
    }
}
