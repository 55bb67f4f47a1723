import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// A site's page: what it is and what carries it, its stage timeline, its log with both times
/// (when it happened, when the platform learned it), its obstacles, and for a planned site the
/// resources near it that could carry it.
enum SitePage {
    /// How far the page looks for resources to share.
    static let matchRadius = 1_000.0

    struct Model {
        var detail: SiteDetail
        var region: Region?
        var matches: SiteMatches?
        /// What reconciliation with China Tower says of the site (its district's, at the moment).
        var reconciliation: ReconciliationView.SiteFigure?
        /// The site's safety findings as they stand at the moment (a major open one stops work).
        var findings: [Safety.State] = []
        /// The finding that stops work on the site at the moment, if any.
        var stoppedBy: SafetyFinding? = nil
        /// The site's opening as verification sees it (nil: never on air).
        var opening: Verification.Opening? = nil
        /// An upload that failed, shown above the page.
        var error: RolloutError? = nil
        /// How many photos the last upload kept (from the address after it).
        var uploaded: Int? = nil
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService, cache: ResponseCache) {
        router.on(.site) { request, context in
            let opText = try context.parameters.require("operator")
            guard let op = Operator(codeOrName: opText) else { throw RolloutError("unknown_operator", kind: .notFound, ["value": opText]) }
            let key = SiteKey(operator: op, code: try context.parameters.require("code"))
            let uploaded = request.query("uploaded").flatMap { Int($0) }
            return try await PageHandler.cached(request, context, service: service, cache: cache) { c in
                var m = try await query(service, key, context: c)
                m.uploaded = uploaded
                return view(m, context: c)
            }
        }
    }

    static func query(_ service: CampaignService, _ key: SiteKey, context c: PageContext) async throws -> Model {
        let detail = try await service.site(key, asOf: c.asOf, knownAt: c.knownAt)
        let region = try await service.regionList().first { $0.code == detail.site.regionCode }
        let matches = detail.site.stage == Stage.planned.rawValue
            ? try await service.matches(for: key, radius: matchRadius, limit: 10, asOf: c.asOf) : nil
        let reconciliation = try await service.reconciliation(ofSite: key, region: detail.site.regionCode, at: c.moment)
        let safety = try await service.safety(ofSite: key, at: c.moment)
        let findings = safety.safety.findings.values.filter { $0.finding.site == key }.sorted { $0.inspectedAt < $1.inspectedAt }
        return Model(detail: detail, region: region, matches: matches, reconciliation: reconciliation, findings: findings,
                     stoppedBy: safety.safety.stopWork(key, at: safety.at), opening: try await service.siteVerification(key, at: c.moment))
    }
}
