import Foundation
import RolloutCore
import RolloutStorage

/// The scorecard at a moment: the weights in force, each district's line, and the ranks at the
/// last bulletin before the moment (for the rank change).
public struct ScorecardView: Sendable {
    /// The moment's field instant (the last second counted).
    public var at: Instant
    /// The weights in force.
    public var weights: Scorecard.Weights
    /// When they were set and by whom; nil while the standard ones stand.
    public var weightsSet: (at: Instant, by: String)?
    /// Every district's line, the best first.
    public var lines: [Scorecard.Line]
    /// The districts by code, for their names.
    public var regions: [String: Region]
    /// The last bulletin's cut-off before the moment, and each district's rank then.
    public var previous: (cutoff: Instant, ranks: [String: Int])?
    /// The window of the reporting part, in days.
    public var reportingDays: Int

    /// Places a district moved up since the last bulletin (negative: down); nil without a rank either time.
    public func rankChange(_ region: String) -> Int? {
        guard let now = lines.first(where: { $0.region == region })?.rank, let before = previous?.ranks[region] else { return nil }
        return before - now
    }
}

extension CampaignService {
    /// The kinds the scorecard's weights are read from.
    public static let scorecardKinds = ["scorecard.weights_set"]
    /// The reporting part's window: the district office's periods ended in the last four weeks.
    public static let scorecardReportingDays = 28

    /// The scorecard as of a written moment.
    public func scorecard(asOf: String? = nil, knownAt: String? = nil) async throws -> ScorecardView {
        let (c, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await scorecard(c.campaign, at: moment)
    }

    /// The scorecard at a moment, with the ranks at the last bulletin issued before it.
    public func scorecard(_ campaign: Campaign, at moment: ReadMoment) async throws -> ScorecardView {
        let events = try await store.events(kinds: Self.scorecardKinds)
        var weights = Scorecard.Weights.standard
        var set: (Instant, String)? = nil
        for e in events where moment.asOf.includes(e.event.occurredAt) && (moment.knownAt?.includes(e.event.recordedAt) ?? true) {
            if case .scorecardWeightsSet(let w) = e.event.body { weights = w; set = (e.event.occurredAt, e.event.actor) }
        }
        let lines = try await scorecardLines(campaign, at: moment, weights: weights)
        var previous: (Instant, [String: Int])? = nil
        // The last bulletin cut off before the moment (and issued by it, when asked as known then),
        // read as that bulletin read its figures: as of its cut-off, as known then.
        let bulletins = try await store.bulletins().filter { $0.cutoff < moment.asOf.before && (moment.knownAt?.includes($0.issuedAt) ?? true) }
        if let last = bulletins.max(by: { $0.cutoff < $1.cutoff }) {
            let then = ReadMoment(asOf: Cutoff(before: last.cutoff), knownAt: Cutoff(before: last.cutoff))
            let earlier = try await scorecardLines(campaign, at: then, weights: weights)
            previous = (last.cutoff.adding(seconds: -1), Dictionary(uniqueKeysWithValues: earlier.compactMap { l in l.rank.map { (l.region, $0) } }))
        }
        return ScorecardView(at: moment.asOf.before.adding(seconds: -1), weights: weights, weightsSet: set, lines: lines,
                             regions: try await regionsByCode(), previous: previous, reportingDays: Self.scorecardReportingDays)
    }

    /// Each district's inputs at a moment, scored with the weights.
    func scorecardLines(_ campaign: Campaign, at moment: ReadMoment, weights: Scorecard.Weights) async throws -> [Scorecard.Line] {
        let regions = try await figures(campaign, at: moment).regions
        let elapsed = campaign.elapsed(at: moment.asOf.before)
        // The plan's pro-rata number of each district, unrounded.
        let targets = try await store.targets(at: moment)
        let last = moment.asOf.before.adding(seconds: -1)
        let open = try await openObstaclesByRegion(at: moment)
        let today = ShanghaiCalendar.dateString(moment.asOf.before.adding(seconds: -1))
        var reporting: [String: (Int, Int)] = [:]
        for s in try await self.reporting(campaign, at: moment, days: Self.scorecardReportingDays).organisations where s.organisation.kind == .district {
            let ended = s.periods.filter { $0.to < today }
            reporting[s.organisation.code] = (ended.count, ended.filter(\.missed).count)
        }
        // Adoption: projects in operation once the campaign has any project; growth where both months are known.
        let adoption = Adoption(try await store.events(kinds: Adoption.kinds), at: moment)
        let anyProject = !adoption.projects.isEmpty
        // Verified: the share of openings whose field evidence is verified once evidence exists;
        // before, (and for a district without such an opening) the reconciliation rate with China Tower's records.
        let reconciliation = try await self.reconciliationFigures(at: moment)
        let evidence = try await verificationTally(at: moment)?.tally
        // Safety: findings per 100 sites, once the campaign has any finding.
        let safety = Safety(try await safetyEvents(), at: moment)
        let tallies = safety.tallies(at: moment.asOf.before.adding(seconds: -1)).regions
        let inputs = regions.map { r in
            var i = Scorecard.Inputs(region: r.regionCode, built: r.rankedProgress, target: r.target, elapsed: elapsed,
                             openObstacles: open[r.regionCode]?.0 ?? 0, overdueObstacles: open[r.regionCode]?.1 ?? 0,
                             reportingPeriods: reporting[r.regionCode]?.0, missedPeriods: reporting[r.regionCode]?.1,
                             applicationsInOperation: anyProject ? adoption.inOperation(region: r.regionCode) : nil,
                             subscriberGrowth: adoption.growth(region: r.regionCode),
                             pairedSites: reconciliation.figure(region: r.regionCode).rate.paired,
                             agreeingSites: reconciliation.figure(region: r.regionCode).rate.agreeing,
                             safetyPer100: safety.findings.isEmpty ? nil : Safety.weightedPer100(tallies[r.regionCode] ?? Safety.Tally(), sites: r.sites))
            if let line = evidence?.region(r.regionCode), line.openings > 0 { i.evidenceOpenings = line.openings; i.evidenceVerified = line.verified }
            i.planned = targets.plan(region: r.regionCode).expected(at: last, campaignStart: campaign.start)
            return i
        }
        return Scorecard.lines(inputs, weights: weights)
    }

    /// Sets the scorecard's weights from now on, as the city office.
    @discardableResult
    public func setScorecardWeights(_ weights: Scorecard.Weights, by principal: Principal) async throws -> Scorecard.Weights {
        try await recordNow(needs: .setReporting, by: principal) { let checked = try weights.validated(); return (.scorecardWeightsSet(checked), checked) }
    }
}
