import Foundation
import RolloutCore
import RolloutStorage

/// Listed supervision as the pages and the API see it at a moment.
public struct SupervisionView: Encodable, Sendable, Equatable {
    /// The rule in force at the moment (its share and how many bulletins in a row).
    public var rule: Supervision.Rule
    /// Every region's latest listing (active or delisted), by region code.
    public var listings: [Supervision.Listing]
    /// Regions the rule proposes for listing (below its share in the last bulletins, not listed).
    public var proposals: [String]
    /// The bulletins the proposals were read from (their cut-offs).
    public var bulletinsRead: [String]
}

extension CampaignService {
    /// The kinds of event of listed supervision: listings, reviews, delistings, rule changes.
    public static let supervisionKinds = ["supervision.listed", "supervision.reviewed", "supervision.delisted", "supervision.rule_set"]

    /// The listings, the rule and the proposals at a moment.
    public func supervision(asOf: String? = nil, knownAt: String? = nil) async throws -> SupervisionView {
        let (c, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        let events = try await store.events(kinds: Self.supervisionKinds)
        let listings = Supervision.listings(events, at: moment)
        let rule = Supervision.rule(events, at: moment)
        // The bulletins issued by the moment, the last ones first read as they were issued.
        let issued = try await store.bulletins().filter { moment.asOf.includes($0.issuedAt) }.sorted { $0.cutoff < $1.cutoff }
        var read: [(regions: [RegionFigures], elapsed: Double)] = []
        var days: [String] = []
        for b in issued.suffix(rule.consecutive) {
            let day = ShanghaiCalendar.dateString(b.cutoff.adding(seconds: -1))
            let (_, m) = try await self.moment(asOf: day, knownAt: day)
            read.append((try await figures(c.campaign, at: m).regions, c.campaign.elapsed(at: b.cutoff)))
            days.append(day)
        }
        let active = Set(listings.values.filter(\.isActive).map(\.region))
        return SupervisionView(rule: rule, listings: listings.values.sorted { ($0.isActive ? 0 : 1, $0.region) < ($1.isActive ? 0 : 1, $1.region) },
                               proposals: Supervision.proposals(rule: rule, bulletins: read, listed: active), bulletinsRead: days)
    }

    /// The regions listed (and not delisted) at a moment: flagged on every page.
    public func listedRegions(at moment: ReadMoment) async throws -> Set<String> {
        Set(Supervision.listings(try await store.events(kinds: Self.supervisionKinds), at: moment).values.filter(\.isActive).map(\.region))
    }

    /// Takes a step of listed supervision now, as the city office: checked against the region's listing.
    public func supervise(region: String, step: Supervision.Step, by principal: Principal) async throws -> Supervision.Listing {
        guard Access.allows(principal.role, .supervise) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        try await checkRegion(region)
        let c = try await campaign()
        let now = c.now(clock)
        let current = Supervision.listings(try await store.events(kinds: Self.supervisionKinds), at: ReadMoment(asOf: .including(now)))[region]
        let next = try Supervision.apply(step, region: region, to: current, at: now)
        let result = try await store.append([NewEvent(.supervision(region: region, step: step), occurredAt: now, recordedAt: now,
                                                      actor: principal.account, via: principal.token)])
        if result.applied == 0 { throw RolloutError("supervision_already_listed", kind: .conflict, ["value": region]) }
        return next
    }

    /// Sets the rule that proposes listings, as the city office.
    public func setSupervisionRule(_ rule: Supervision.Rule, by principal: Principal) async throws {
        guard Access.allows(principal.role, .supervise) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        let checked = try rule.validated()
        let now = try await campaign().now(clock)
        _ = try await store.append([NewEvent(.supervisionRuleSet(checked), occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)])
    }
}
