import Foundation
import RolloutCore
import RolloutStorage
import Tracing
import NIOConcurrencyHelpers

/// The reads every outside view shares (API, pages, exports), so they show the same numbers for
/// the same moment: it checks the moment against the campaign and the clock, then reads.
public struct CampaignService: Sendable {
    let store: any CampaignStore
    /// The wall clock `rollout` passed down (a demo's frozen clock wins over it).
    public let clock: WallClock
    /// The figures of recent moments, for as long as the log does not grow.
    private let cache = NIOLockedValueBox<(lastSeq: Int64, entries: [ReadMoment: (Summary, [RegionFigures])])>((-1, [:]))
    /// The same, uncalibrated (``counts(_:at:)``).
    private let countCache = NIOLockedValueBox<(lastSeq: Int64, entries: [ReadMoment: (Summary, [RegionFigures])])>((-1, [:]))
    private let stored = NIOLockedValueBox<StoredCampaign?>(nil)
    private let outlineGeometries = NIOLockedValueBox<[String: String]?>(nil)
    /// The campaign's regions (``regionList()``).
    let regionCache = NIOLockedValueBox<[Region]?>(nil)
    /// Events of a few kinds kept from one read to the next (safety, reporting, evidence rules).
    let kept = KeptEvents()
    /// Every registered site's region and position, taken from the registrations' places up to a
    /// version of the log and grown from there (``registeredSites()``).
    let verificationSites = KeptPerVersion<Int64, VerificationSites>()
    /// Verification as known now as a step function of the as-of instant, for a version of the
    /// log (``verificationTimeline()``).
    let verificationTimelines = KeptPerVersion<Int64, VerificationTimeline>()
    /// The keeping of a timeline in the database under way, if any (``keptWritesFinished()``).
    let timelineKeeping = NIOLockedValueBox<Task<Void, Never>?>(nil)
    /// Sites' own events read for a version of the log (``keptOwnEvents(of:seq:)``).
    let ownEventsKept = NIOLockedValueBox<(seq: Int64, events: [SiteKey: [LoggedEvent]])>((-1, [:]))
    /// How many times this service derived the timeline from every kept event (for tests).
    let timelineDerivations = NIOLockedValueBox(0)
    /// Which timelines can pair with which, as known now: a keeper per radius in force, each for the log's version (``pairingTimeline(seq:radius:)``).
    let reconciliationPairings = NIOLockedValueBox<[Double: KeptPerVersion<Int64, Reconciliation.PairingTimeline>]>([:])
    /// Reconciliation's tallies swept over time, as known now: a keeper per set of thresholds, each for the log's version
    /// (``reconciliationSweep(seq:thresholds:)``).
    let reconciliationSweeps = NIOLockedValueBox<[Reconciliation.Thresholds: KeptPerVersion<Int64, Reconciliation.Sweep>]>([:])
    /// The spells each obstacle stood unresolved, as known now, for a version of the log
    /// (``obstacleSpells(seq:)``).
    let obstacleSpellsKept = KeptPerVersion<Int64, ObstacleSpells>()
    /// The reconciliations of the last few moments asked, with the log's version they were read at.
    let reconciliations = NIOLockedValueBox<(seq: Int64, views: [ReconciliationKey: ReconciliationView])>((-1, [:]))
    /// The timelines reconciliation compares, as known now, for a version of the log
    /// (``reconciliationTimelines(seq:knownAt:)``).
    let reconciliationTimelineKeeper = KeptPerVersion<Int64, [Reconciliation.Timeline]>()
    /// The keeping of reconciliation's timelines in the database under way, if any (``keptWritesFinished()``).
    let reconciliationKeeping = NIOLockedValueBox<Task<Void, Never>?>(nil)
    /// How many times this service read every site's timeline for reconciliation (for tests).
    let reconciliationDerivations = NIOLockedValueBox(0)
    /// The log's resolutions and thresholds, with the log's version they were read at.
    let reconciliationLog = NIOLockedValueBox<(seq: Int64, events: [LoggedEvent])?>(nil)
    /// The offered resources' index, per log version and moment.
    let resourceIndexes = NIOLockedValueBox<[String: ResourceMatching.Index]>([:])
    /// The forecasts of past days as known on those days, by key and day: the log is appended at
    /// the clock's time, so what was known at a past instant never changes, and a track record
    /// reads each week once.
    let pastForecasts = NIOLockedValueBox<[String: (progress: Int, target: Int?, forecast: Forecast)]>([:])
    /// The figures' inputs of moments known as of a past instant (``settledSource(at:campaign:)``).
    let settledSources = NIOLockedValueBox(SettledReads())
    /// The most moments kept.
    static let cacheSize = 64

    /// A service over `store`, with `clock` for "now" unless the campaign has a frozen one.
    public init(store: any CampaignStore, clock: WallClock) {
        self.store = store; self.clock = clock
    }

    /// Throws `database_not_ready` (unavailable) unless the database answers a read now: what
    /// `/readyz` tells a balancer. The engine's own message stays out of the answer (anybody may ask).
    public func checkReady() async throws {
        do { _ = try await store.lastSeq() } catch { throw RolloutError("database_not_ready", kind: .unavailable) }
    }

    /// The campaign; throws `no_campaign` in an empty database. Once read it is kept: nothing
    /// changes a campaign after it is created.
    public func campaign() async throws -> StoredCampaign {
        if let c = stored.withLockedValue({ $0 }) { return c }
        guard let c = try await store.campaign() else { throw RolloutError("no_campaign", kind: .conflict) }
        stored.withLockedValue { $0 = c }
        return c
    }

    /// The campaign and the checked moment of a read.
    public func moment(asOf: String?, knownAt: String?) async throws -> (StoredCampaign, ReadMoment) {
        let c = try await campaign()
        let moment = try ReadMoment.validated(asOf: asOf, knownAt: knownAt, campaign: c.campaign, now: c.now(clock))
        return (c, moment)
    }

    /// The campaign summary at a moment.
    public func summary(asOf: String? = nil, knownAt: String? = nil) async throws -> Summary {
        let (c, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await summary(c.campaign, at: moment)
    }

    /// The campaign summary at a checked moment.
    public func summary(_ campaign: Campaign, at moment: ReadMoment) async throws -> Summary {
        try await figures(campaign, at: moment).summary
    }

    /// The regions' outlines (GeoJSON geometry by region code), read once: they are fixed when the
    /// campaign is created.
    public func outlines() async throws -> [String: String] {
        if let o = outlineGeometries.withLockedValue({ $0 }) { return o }
        let o = try await store.outlines()
        outlineGeometries.withLockedValue { $0 = o }
        return o
    }

    /// Every region's figures at a moment, in the campaign's region order (each carries its rank).
    public func regions(asOf: String? = nil, knownAt: String? = nil) async throws -> [RegionFigures] {
        let (c, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await figures(c.campaign, at: moment).regions
    }

    /// The summary and the regions at a checked moment, from one read of the projections.
    ///
    /// Figures depend only on the log and the moment: they are kept until the log grows.
    public func figures(_ campaign: Campaign, at moment: ReadMoment) async throws -> (summary: Summary, regions: [RegionFigures]) {
        try await figures(campaign, at: moment, calibrated: true)
    }

    /// The figures at a moment for what they count and rank (a week's change, a bulletin's
    /// comparison): their forecasts are the model's own, without the reads its calibration takes.
    public func counts(_ campaign: Campaign, at moment: ReadMoment) async throws -> (summary: Summary, regions: [RegionFigures]) {
        try await figures(campaign, at: moment, calibrated: false)
    }

    func figures(_ campaign: Campaign, at moment: ReadMoment, calibrated: Bool) async throws -> (summary: Summary, regions: [RegionFigures]) {
        let seq = try await store.currentSeq()
        let cache = calibrated ? self.cache : self.countCache
        if let hit = cache.withLockedValue({ $0.lastSeq == seq ? $0.entries[moment] : nil }) { return hit }
        return try await withSpan(calibrated ? "service.figures" : "service.counts") { span in
            span.attributes["rollout.as_of"] = ShanghaiCalendar.iso8601(moment.asOf.before)
            return try await computeFigures(campaign, at: moment, calibrated: calibrated, seq: seq)
        }
    }

    private func computeFigures(_ campaign: Campaign, at moment: ReadMoment, calibrated: Bool,
                                seq: Int64) async throws -> (summary: Summary, regions: [RegionFigures]) {
        let cache = calibrated ? self.cache : self.countCache
        let s = calibrated ? try await calibratedSource(at: moment, campaign: campaign) : try await store.figureSource(at: moment, campaign: campaign)
        var result = (Figures.summary(campaign: campaign, regions: s.regions, targets: s.targets, inputs: s.inputs, moment: moment),
                      Figures.regions(campaign: campaign, regions: s.regions, targets: s.targets, inputs: s.inputs, moment: moment))
        if let tally = try await verificationTally(at: moment) {
            result = Figures.withVerification(result, tally: tally.tally, basis: tally.basis)
        }
        cache.withLockedValue { c in
            if c.lastSeq != seq { c = (seq, [:]) }
            if c.entries.count >= CampaignService.cacheSize { c.entries.removeAll() }
            c.entries[moment] = result
        }
        return result
    }

    /// Sites at a moment; the region must be one of the campaign's.
    public func sites(_ query: SiteQuery, asOf: String? = nil, knownAt: String? = nil) async throws -> SitePage {
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        if let region = query.region, try await !store.regions().contains(where: { $0.code == region }) {
            throw RolloutError("unknown_region", ["value": region])
        }
        return try await store.sites(query, at: moment)
    }

    /// One site at a moment; throws `unknown_site` when it did not exist then.
    public func site(_ key: SiteKey, asOf: String? = nil, knownAt: String? = nil) async throws -> SiteDetail {
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        guard let detail = try await store.site(key, at: moment) else {
            throw RolloutError("unknown_site", kind: .notFound, ["operator": key.operator.rawValue, "value": key.code])
        }
        return detail
    }

    /// Throws `unknown_region` unless the code is one of the campaign's regions.
    public func checkRegion(_ code: String?) async throws {
        guard let code else { return }
        if try await !store.regions().contains(where: { $0.code == code }) { throw RolloutError("unknown_region", ["value": code]) }
    }

    /// Obstacles at a moment.
    public func obstacles(_ query: ObstacleQuery, asOf: String? = nil, knownAt: String? = nil) async throws -> ObstaclePage {
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        try await checkRegion(query.region)
        return try await obstacles(query, at: moment)
    }

    /// Late sites at a moment.
    public func lateSites(region: String?, operator op: Operator?, limit: Int = 50, asOf: String? = nil,
                          knownAt: String? = nil) async throws -> LateSites {
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        try await checkRegion(region)
        return try await store.lateSites(region: region, operator: op, limit: limit, at: moment)
    }

    /// The progress day by day since the campaign start; the last day is the moment's exact figure.
    public func progressByDay(region: String?, operator op: Operator?, _ campaign: Campaign,
                              at moment: ReadMoment) async throws -> [DayProgress] {
        try await checkRegion(region)
        return try await store.progressByDay(region: region, operator: op, from: ShanghaiCalendar.day(of: campaign.start), at: moment)
    }

    /// Escalates an obstacle to the city: appends the event; throws when it cannot be escalated.
    public func escalate(org: String, ref: String, reason: String, by principal: Principal) async throws {
        let c = try await campaign()
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 500 else { throw RolloutError("escalation_too_long", ["value": "500"]) }
        let now = c.now(clock)
        guard let current = try await store.obstacle(org: org, ref: ref, at: ReadMoment(asOf: .including(now))) else {
            throw RolloutError("unknown_obstacle", kind: .notFound, ["value": ref])
        }
        guard Access.mayEscalate(region: current.regionCode, principal) else {
            throw RolloutError("forbidden_obstacle", kind: .forbidden, ["value": principal.region ?? "—"])
        }
        if current.status == "escalated" { throw RolloutError("obstacle_already_escalated", kind: .conflict, ["value": ref]) }
        if current.status == "resolved" { throw RolloutError("obstacle_already_resolved", kind: .conflict, ["value": ref]) }
        let result = try await store.append([NewEvent(.obstacleEscalated(org: org, ref: ref, reason: trimmed), occurredAt: now,
                                                      recordedAt: now, actor: principal.account, via: principal.token)])
        if result.applied == 0 { throw RolloutError("obstacle_already_escalated", kind: .conflict, ["value": ref]) }
        await noteReport(by: principal, at: now)
    }

    /// Moves quota between regions now (the city office): checks the move against the targets in
    /// force and the progress made, then appends the adjusted target lines in one append.
    public func moveQuota(_ move: QuotaMove, by principal: Principal) async throws -> [TargetSetting] {
        guard Access.allows(principal.role, .moveQuota) else {
            throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue])
        }
        try await checkRegion(move.from)
        try await checkRegion(move.to)
        let c = try await campaign()
        let now = c.now(clock)
        let moment = ReadMoment(asOf: .including(now))
        let regions = try await figures(c.campaign, at: moment).regions
        var operatorProgress: [String: [Operator: Int]] = [:]
        for r in regions {
            for o in r.operators { if let op = Operator(rawValue: o.operator) { operatorProgress[r.regionCode, default: [:]][op] = o.progress } }
        }
        let settings = try move.settings(targets: try await store.targets(at: moment),
                                         progress: Dictionary(uniqueKeysWithValues: regions.map { ($0.regionCode, $0.progress) }),
                                         operatorProgress: operatorProgress)
        _ = try await store.append(settings.map {
            NewEvent(.targetSet($0), occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)
        })
        return settings
    }

    /// The proposed quota moves at a moment, with their effect.
    public func quotaProposals(asOf: String? = nil) async throws -> (proposals: [QuotaAdvisor.Proposal], effect: QuotaAdvisor.Effect) {
        let (c, moment) = try await self.moment(asOf: asOf, knownAt: nil)
        let f = try await figures(c.campaign, at: moment)
        let proposals = QuotaAdvisor.propose(f.regions)
        return (proposals, QuotaAdvisor.effect(of: proposals.map { ($0.from, $0.to, $0.sites) }, on: f.regions, campaign: f.summary))
    }

    /// One obstacle at a moment; throws `unknown_obstacle` when it was not raised (or known) then.
    public func obstacle(org: String, ref: String, asOf: String? = nil, knownAt: String? = nil) async throws -> ObstacleRow {
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        guard let o = try await store.obstacle(org: org, ref: ref, at: moment) else {
            throw RolloutError("unknown_obstacle", kind: .notFound, ["value": ref])
        }
        return o
    }
}

extension CampaignService {
    /// Records a setting of the office's now, as `principal`: refused without `need` before the
    /// setting is even checked (a role without the right learns nothing of its input), then the
    /// event `make` gives, dated now. Returns what `make` checked.
    func recordNow<T: Sendable>(needs need: Need, by principal: Principal, _ make: () throws -> (EventBody, T)) async throws -> T {
        guard Access.allows(principal.role, need) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        let (body, checked) = try make()
        let now = try await campaign().now(clock)
        _ = try await store.append([NewEvent(body, occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)])
        return checked
    }
}
