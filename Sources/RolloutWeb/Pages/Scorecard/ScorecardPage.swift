import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// The assessment scorecard (考核评分): each district's weighted score and its parts as of any
/// moment, its rank and the change since the last bulletin; the city office sets the weights.
enum ScorecardPage {
    struct Form: Decodable {
        var build: String?, verified: String?, obstacles: String?, reporting: String?, safety: String?, applications: String?, subscribers: String?
        var lang: String?

        /// The weights the form gives; a field left empty weighs nothing, one that is no number is refused.
        func weights() throws -> Scorecard.Weights {
            let given: [(Scorecard.Part, String?)] = [(.build, build), (.verified, verified), (.obstacles, obstacles), (.reporting, reporting),
                                                      (.safety, safety), (.applications, applications), (.subscribers, subscribers)]
            var values: [Scorecard.Part: Double] = [:]
            for (part, text) in given {
                let t = (text ?? "").trimmingCharacters(in: .whitespaces)
                if t.isEmpty { continue }
                guard let v = Double(t) else { throw RolloutError("scorecard_bad_weight", ["value": part.rawValue]) }
                values[part] = v
            }
            return Scorecard.Weights(values)
        }
    }

    struct Model {
        var view: ScorecardView
        var office: Bool
        var done: Bool
        var error: RolloutError?
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.scorecard) { request, context in
            try await page(request, context, service: service, error: nil)
        }
        router.on(.scorecardAction) { request, context in
            let form = try await request.form(Form.self, upTo: 16 * 1024)
            return try await FormSubmission.handle(perform: {
                try await service.setScorecardWeights(try form.weights(), by: try context.requirePrincipal())
                return "\(Route.scorecard.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&done=1"
            }, again: { e in try await page(request, context, service: service, error: e) })
        }
        router.on(.apiScorecard) { request, _ in
            let view = try await service.scorecard(asOf: request.query("as_of"), knownAt: request.query("known_at"))
            return try JSONResponse.ok(ScorecardJSON(view))
        }
        router.on(.apiScorecardWeights) { request, context in
            let body = try await request.json([String: Double].self, upTo: 16 * 1024)
            let set = try await service.setScorecardWeights(Scorecard.Weights(values: body), by: try context.requirePrincipal())
            return try JSONResponse.ok(set.values)
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service)
        let view = try await service.scorecard(try await service.campaign().campaign, at: c.moment)
        let m = Model(view: view, office: c.principal.map { Access.allows($0.role, .setReporting) } ?? false,
                      done: request.query("done") != nil, error: error)
        return HTMLPage.html(self.view(m, context: c), status: error.map(JSONResponse.status) ?? .ok)
    }
}

/// The scorecard as the API answers it: every key always there, `null` where a part has no data.
struct ScorecardJSON: Encodable {
    struct Line: Encodable {
        var region_code: String
        var name: String
        var name_en: String
        var rank: Int?
        var rank_change: Int?
        var score: Double?
        var parts: [String: Double?]
        var built: Int
        var target: Int?
        var pro_rata_target: Double?
        var open_obstacles: Int
        var overdue_obstacles: Int
        var reporting_periods: Int?
        var missed_periods: Int?
        var applications_in_operation: Int?
        var subscriber_growth: Double?
        var paired_sites: Int?
        var agreeing_sites: Int?
        var safety_per_100_sites: Double?
        var evidence_openings: Int?
        var evidence_verified: Int?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(region_code, forKey: .region_code); try c.encode(name, forKey: .name); try c.encode(name_en, forKey: .name_en)
            try c.encode(rank, forKey: .rank); try c.encode(rank_change, forKey: .rank_change); try c.encode(score, forKey: .score)
            try c.encode(parts, forKey: .parts); try c.encode(built, forKey: .built); try c.encode(target, forKey: .target)
            try c.encode(pro_rata_target, forKey: .pro_rata_target); try c.encode(open_obstacles, forKey: .open_obstacles)
            try c.encode(overdue_obstacles, forKey: .overdue_obstacles); try c.encode(reporting_periods, forKey: .reporting_periods)
            try c.encode(missed_periods, forKey: .missed_periods)
            try c.encode(applications_in_operation, forKey: .applications_in_operation); try c.encode(subscriber_growth, forKey: .subscriber_growth)
            try c.encode(paired_sites, forKey: .paired_sites); try c.encode(agreeing_sites, forKey: .agreeing_sites)
            try c.encode(safety_per_100_sites, forKey: .safety_per_100_sites)
            try c.encode(evidence_openings, forKey: .evidence_openings); try c.encode(evidence_verified, forKey: .evidence_verified)
        }
        enum CodingKeys: String, CodingKey {
            case region_code, name, name_en, rank, rank_change, score, parts, built, target, pro_rata_target, open_obstacles, overdue_obstacles
            case reporting_periods, missed_periods, applications_in_operation, subscriber_growth, paired_sites, agreeing_sites, safety_per_100_sites
            case evidence_openings, evidence_verified
        }
    }
    var as_of: String
    var weights: [String: Double]
    var weights_set_at: String?
    var weights_set_by: String?
    var reporting_days: Int
    var previous_bulletin_cutoff: String?
    var regions: [Line]

    init(_ v: ScorecardView) {
        as_of = ShanghaiCalendar.iso8601(v.at)
        weights = Dictionary(uniqueKeysWithValues: Scorecard.Part.allCases.map { ($0.rawValue, v.weights[$0]) })
        weights_set_at = v.weightsSet.map { ShanghaiCalendar.iso8601($0.at) }
        weights_set_by = v.weightsSet?.by
        reporting_days = v.reportingDays
        previous_bulletin_cutoff = v.previous.map { ShanghaiCalendar.iso8601($0.cutoff) }
        regions = v.lines.map { l in
            Line(region_code: l.region, name: v.regions[l.region]?.nameZh ?? l.region, name_en: v.regions[l.region]?.nameEn ?? l.region,
                 rank: l.rank, rank_change: v.rankChange(l.region), score: l.score.map(Scorecard.rounded),
                 parts: Dictionary(uniqueKeysWithValues: Scorecard.Part.allCases.map { p in (p.rawValue, (l.parts[p] ?? nil).map(Scorecard.rounded)) }),
                 built: l.inputs.built, target: l.inputs.target, pro_rata_target: l.inputs.proRataTarget.map(Scorecard.rounded),
                 open_obstacles: l.inputs.openObstacles, overdue_obstacles: l.inputs.overdueObstacles,
                 reporting_periods: l.inputs.reportingPeriods, missed_periods: l.inputs.missedPeriods,
                 applications_in_operation: l.inputs.applicationsInOperation,
                 subscriber_growth: l.inputs.subscriberGrowth.map(Adoption.rounded),
                 paired_sites: l.inputs.pairedSites, agreeing_sites: l.inputs.agreeingSites,
                 safety_per_100_sites: l.inputs.safetyPer100.map(Adoption.rounded),
                 evidence_openings: l.inputs.evidenceOpenings, evidence_verified: l.inputs.evidenceVerified)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(as_of, forKey: .as_of); try c.encode(weights, forKey: .weights); try c.encode(weights_set_at, forKey: .weights_set_at)
        try c.encode(weights_set_by, forKey: .weights_set_by); try c.encode(reporting_days, forKey: .reporting_days)
        try c.encode(previous_bulletin_cutoff, forKey: .previous_bulletin_cutoff); try c.encode(regions, forKey: .regions)
    }
    enum CodingKeys: String, CodingKey { case as_of, weights, weights_set_at, weights_set_by, reporting_days, previous_bulletin_cutoff, regions }
}
