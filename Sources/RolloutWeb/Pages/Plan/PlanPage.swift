import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// The plan and its investment (规划与投资): the city's milestones, and planned and actual spend by
/// year, region and operator, with spend against plan and per built site, as of any moment; the
/// city office (and an operator, for its own) records spend there or through the API.
enum PlanPage {
    /// A spend record as a form or the API writes it (every field text, checked here).
    struct Input: Decodable {
        var region_code: String?, `operator`: String?, year: String?, planned_cny: String?, actual_cny: String?
        var lang: String?

        /// The record the fields give; a clear error for each field that is wrong.
        func figure() throws -> InvestmentFigure {
            func text(_ v: String?) -> String { (v ?? "").trimmedSpaces }
            guard let op = Operator(codeOrName: text(self.operator)) else { throw RolloutError("unknown_operator", ["value": String(text(self.operator).prefix(40))]) }
            guard let y = Int(text(year)) else { throw RolloutError("investment_bad_year", ["value": String(text(year).prefix(20)), "first": "", "last": ""]) }
            func amount(_ v: String?) throws -> Int64? {
                let t = text(v).replacingOccurrences(of: ",", with: "")
                if t.isEmpty { return nil }
                guard let n = Int64(t) else { throw RolloutError("investment_bad_amount", ["value": String(text(v).prefix(40))]) }
                return n
            }
            return InvestmentFigure(regionCode: text(region_code), operator: op, year: y, plannedCNY: try amount(planned_cny), actualCNY: try amount(actual_cny))
        }
    }

    /// A move of a milestone's date as the form or the API writes it.
    struct Move: Decodable {
        var from: String?, to: String?, region: String?, reason: String?
        var lang: String?
    }

    struct Model {
        var view: InvestmentView
        var summary: Summary
        /// The city's progress day by day (a past milestone's completion on its day).
        var series: [DayProgress]
        var regions: [String: Region]
        /// Whether the account records spend (the form is shown), and the one operator it may name.
        var records: Bool
        var fixedOperator: Operator?
        /// Whether the account moves milestones (the city office).
        var moves: Bool
        /// How many milestones the last move moved, when the page follows one.
        var moved: Int?
        var done: Bool
        var error: RolloutError?
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.plan) { request, context in
            try await page(request, context, service: service, error: nil)
        }
        router.on(.planAction) { request, context in
            let form = try await request.form(Input.self, upTo: 16 * 1024)
            return try await FormSubmission.handle(fixable: [.invalid, .conflict, .forbidden, .notFound], perform: {
                try await service.recordInvestment(try form.figure(), by: try context.requirePrincipal())
                return "\(Route.plan.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&done=1"
            }, again: { e in try await page(request, context, service: service, error: e) })
        }
        router.on(.planMove) { request, context in
            let form = try await request.form(Move.self, upTo: 16 * 1024)
            return try await FormSubmission.handle(fixable: [.invalid, .conflict, .forbidden, .notFound], perform: {
                let n = try await service.moveMilestone(from: form.from ?? "", to: form.to ?? "", region: form.region.flatMap { $0.isEmpty ? nil : $0 },
                                                        reason: form.reason ?? "", by: try context.requirePrincipal())
                return "\(Route.plan.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&moved=\(n)"
            }, again: { e in try await page(request, context, service: service, error: e) })
        }
        router.on(.apiMilestoneMove) { request, context in
            let input = try await request.json(Move.self, upTo: 16 * 1024)
            let n = try await service.moveMilestone(from: input.from ?? "", to: input.to ?? "", region: input.region.flatMap { $0.isEmpty ? nil : $0 },
                                                    reason: input.reason ?? "", by: try context.requirePrincipal())
            return try JSONResponse.ok(["moved": n])
        }
        router.on(.apiInvestments) { request, _ in
            try JSONResponse.ok(InvestmentJSON(try await service.investments(asOf: request.query("as_of"), knownAt: request.query("known_at"))))
        }
        router.on(.apiInvestmentsRecord) { request, context in
            let input = try await request.json(Input.self, upTo: 16 * 1024)
            let changed = try await service.recordInvestment(try input.figure(), by: try context.requirePrincipal())
            return try JSONResponse.ok(["changed": changed])
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service)
        let view = try await service.investments(c.stored.campaign, at: c.moment)
        let summary = try await service.summary(c.stored.campaign, at: c.moment)
        let records = c.principal.map { Access.allows($0.role, .recordInvestment) } ?? false
        let series = try await Dashboard.series(service, region: nil, operator: nil, progress: summary.progress, context: c)
        let m = Model(view: view, summary: summary, series: series, regions: try await service.regionsByCode(), records: records,
                      fixedOperator: c.principal?.role == .operator ? c.principal?.operator : nil,
                      moves: c.principal.map { Access.allows($0.role, .moveQuota) } ?? false,
                      moved: request.query("moved").flatMap { Int($0) }, done: request.query("done") != nil, error: error)
        return HTMLPage.html(self.view(m, context: c), status: error.map(JSONResponse.status) ?? .ok)
    }
}

/// The spend as the API answers it: every key always there, `null` where a figure does not exist.
struct InvestmentJSON: Encodable {
    struct Line: Encodable {
        var key: String, planned_cny: Int64?, actual_cny: Int64?, of_plan: Double?, progress: Int, actual_per_site_cny: Int64?
        var by_year: [String: [String: Int64?]]

        init(_ l: InvestmentView.Line) {
            key = l.key; planned_cny = l.sum.planned; actual_cny = l.sum.actual; of_plan = l.sum.ofPlan; progress = l.progress
            actual_per_site_cny = l.perSite
            by_year = Dictionary(uniqueKeysWithValues: l.byYear.map { ("\($0.key)", ["planned_cny": $0.value.planned, "actual_cny": $0.value.actual]) })
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(key, forKey: .key); try c.encode(planned_cny, forKey: .planned_cny); try c.encode(actual_cny, forKey: .actual_cny)
            try c.encode(of_plan, forKey: .of_plan); try c.encode(progress, forKey: .progress)
            try c.encode(actual_per_site_cny, forKey: .actual_per_site_cny); try c.encode(by_year, forKey: .by_year)
        }
        enum CodingKeys: String, CodingKey { case key, planned_cny, actual_cny, of_plan, progress, actual_per_site_cny, by_year }
    }
    struct Record: Encodable {
        var region_code: String, `operator`: String, year: Int, planned_cny: Int64?, actual_cny: Int64?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(region_code, forKey: .region_code); try c.encode(self.operator, forKey: .operator); try c.encode(year, forKey: .year)
            try c.encode(planned_cny, forKey: .planned_cny); try c.encode(actual_cny, forKey: .actual_cny)
        }
        enum CodingKeys: String, CodingKey { case region_code, `operator`, year, planned_cny, actual_cny }
    }
    var as_of: String
    var years: [Int]
    var city: Line
    var regions: [Line]
    var operators: [Line]
    var records: [Record]

    init(_ v: InvestmentView) {
        as_of = ShanghaiCalendar.iso8601(v.at); years = v.years; city = Line(v.city)
        regions = v.regions.map(Line.init); operators = v.operators.map(Line.init)
        records = v.records.map { Record(region_code: $0.regionCode, operator: $0.operator.rawValue, year: $0.year, planned_cny: $0.plannedCNY, actual_cny: $0.actualCNY) }
    }
}
