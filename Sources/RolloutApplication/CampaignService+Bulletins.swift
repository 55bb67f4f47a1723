import RolloutAccess
import RolloutCore
import RolloutStorage

extension CampaignService {
    /// What the bulletin for the end of `day` (a date) says.
    public func bulletinContent(day asOf: String) async throws -> BulletinContent {
        let (stored, moment) = try await self.moment(asOf: asOf, knownAt: asOf)
        let f = try await figures(stored.campaign, at: moment)
        var previous: BulletinContent.Previous? = nil
        var listedThen: Set<String> = []
        let supervision = try await store.events(kinds: CampaignService.supervisionKinds)
        func active(_ m: ReadMoment) -> Set<String> { Set(Supervision.listings(supervision, at: m).values.filter(\.isActive).map(\.region)) }
        if let last = try await store.bulletins().first(where: { $0.cutoff < moment.asOf.before }) {
            let day = ShanghaiCalendar.dateString(last.cutoff.adding(seconds: -1))
            let (_, m) = try await self.moment(asOf: day, knownAt: day)
            let p = try await counts(stored.campaign, at: m)
            previous = .init(day: day, regions: p.regions, summary: p.summary)
            listedThen = active(m)
        }
        let listedNow = active(moment)
        var series = try await progressByDay(region: nil, operator: nil, stored.campaign, at: moment)
        if !series.isEmpty { series[series.count - 1].progress = f.summary.progress }
        let rec = try await reconciliationFigures(at: moment)
        var recByRegion: [String: ReconciliationView.Figure] = [:]
        for r in f.regions {
            let fig = rec.figure(region: r.regionCode)
            if fig.rate.paired > 0 || fig.open > 0 { recByRegion[r.regionCode] = fig }
        }
        let overdue = try await obstacles(ObstacleQuery(status: .open, overdue: true, perPage: 1000), at: moment).obstacles
        return BulletinContent(campaign: stored, moment: moment, day: asOf, summary: f.summary, regions: f.regions, previous: previous,
                               series: series, overdue: overdue, names: try await regionsByCode(),
                               elapsed: f.summary.periodElapsed ?? stored.campaign.elapsed(at: moment.asOf.before),
                               listed: listedNow.sorted(), listedSince: listedNow.subtracting(listedThen).sorted(),
                               delistedSince: listedThen.subtracting(listedNow).sorted(),
                               lateReporting: try await reporting(stored.campaign, at: moment, days: 7).organisations.filter { $0.consecutiveMisses > 0 },
                               reconciliation: rec.figure(), reconciliationByRegion: recByRegion,
                               scorecard: try await scorecard(stored.campaign, at: moment),
                               safety: try await safety(stored.campaign, at: moment), adoption: try await adoption(stored.campaign, at: moment),
                               investments: try await investments(stored.campaign, at: moment))
    }

    /// Issues the bulletin for the end of `day` as the principal: refuses a cut-off in the future or
    /// one that has a bulletin already. `render` makes its document (HTML) and its tables (CSV),
    /// which are stored with their SHA-256 and returned as they are for every later read.
    public func issueBulletin(day asOf: String, by principal: Principal,
                              render: (BulletinContent) -> (html: String, csv: String)) async throws -> BulletinInfo {
        guard Access.allows(principal.role, .issueBulletin) else {
            throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue])
        }
        guard case .day? = ShanghaiCalendar.parse(asOf) else { throw RolloutError("bulletin_needs_day", ["value": asOf]) }
        let content = try await bulletinContent(day: asOf)
        let (html, csv) = render(content)
        let c = try await campaign()
        return try await store.issueBulletin(cutoff: content.moment.asOf.before, html: html, csv: csv,
                                             sha256: AccountService.sha256(html), csvSha256: AccountService.sha256(csv),
                                             actor: principal.account, via: principal.token, now: c.now(clock))
    }

    /// The bulletins issued, the latest cut-off first.
    public func bulletins() async throws -> [BulletinInfo] { try await store.bulletins() }

    /// A bulletin's stored bytes.
    public func bulletin(id: Int64) async throws -> StoredBulletin? { try await store.bulletin(id: id) }
}
