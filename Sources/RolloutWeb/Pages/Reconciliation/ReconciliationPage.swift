import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// Reconciliation with China Tower (铁塔对账): the rate per district and operator, the queue of
/// mismatches oldest first with both sides' values, and the forms that resolve them (the city
/// office and the district they lie in) and set the thresholds (the city office).
enum ReconciliationPage {
    struct Form: Decodable {
        var action: String?
        var kind: String?
        var `operator`: String?
        var site_code: String?
        var tower_site_code: String?
        var right: String?
        var note: String?
        var pair_metres: String?
        var gap_days: String?
        var apart_metres: String?
        var back: String?
        var lang: String?
    }
    struct ResolveBody: Decodable {
        var kind: String
        var `operator`: String?
        var site_code: String?
        var tower_site_code: String?
        var right: String
        var note: String
    }
    struct ThresholdsBody: Decodable { var pair_metres: Double; var gap_days: Int; var apart_metres: Double }

    /// What the queue is narrowed to.
    struct Filter {
        var region: String?
        var `operator`: Operator?
        var kind: Reconciliation.MismatchKind?
        var status: Reconciliation.Status?

        /// The filter of a request's query; bad values are refused.
        init(_ request: Request, defaultStatus: Reconciliation.Status?) throws {
            region = request.query("region").flatMap { $0.isEmpty ? nil : $0 }
            if let o = request.query("operator"), !o.isEmpty {
                guard let op = Operator(codeOrName: o) else { throw RolloutError("unknown_operator", ["value": o]) }
                self.operator = op
            }
            if let k = request.query("kind"), !k.isEmpty {
                guard let kind = Reconciliation.MismatchKind(rawValue: k) else { throw RolloutError("reconciliation_bad_kind", ["value": k]) }
                self.kind = kind
            }
            status = defaultStatus
            if let s = request.query("status") {
                if s.isEmpty || s == "all" { status = nil } else {
                    guard let st = Reconciliation.Status(rawValue: s) else { throw RolloutError("reconciliation_bad_status", ["value": s]) }
                    status = st
                }
            }
        }
    }

    struct Model {
        var view: ReconciliationView
        var filter: Filter
        var shown: [Reconciliation.Entry]
        var total: Int
        var regions: [Region]
        var principal: Principal?
        var done: Bool
        var error: RolloutError?

        /// Whether the account may resolve a mismatch of this district.
        func mayResolve(_ region: String) -> Bool {
            guard let p = principal else { return false }
            return p.role == .cityOffice || (p.role == .district && p.region == region)
        }
    }

    /// The most mismatches a page lists.
    static let pageSize = 200

    /// The two sites a form or body names.
    static func sites(operator op: String?, siteCode: String?, towerSiteCode: String?) throws -> (SiteKey?, SiteKey?) {
        var operatorSite: SiteKey? = nil
        if let code = siteCode, !code.isEmpty {
            guard let o = op.flatMap(Operator.init(codeOrName:)), o != .tower else { throw RolloutError("unknown_operator", ["value": op ?? ""]) }
            operatorSite = SiteKey(operator: o, code: code)
        }
        let towerSite = towerSiteCode.flatMap { $0.isEmpty ? nil : SiteKey(operator: .tower, code: $0) }
        return (operatorSite, towerSite)
    }

    static func kind(_ text: String?) throws -> Reconciliation.MismatchKind {
        guard let k = Reconciliation.MismatchKind(rawValue: text ?? "") else { throw RolloutError("reconciliation_bad_kind", ["value": text ?? ""]) }
        return k
    }

    static func side(_ text: String?) throws -> Reconciliation.Side {
        guard let s = Reconciliation.Side(rawValue: text ?? "") else { throw RolloutError("reconciliation_bad_side", ["value": text ?? ""]) }
        return s
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.reconciliation) { request, context in
            try await page(request, context, service: service, error: nil)
        }
        router.on(.reconciliationAction) { request, context in
            let form = try await request.form(Form.self, upTo: 64 * 1024)
            return try await FormSubmission.handle(perform: {
                let principal = try context.requirePrincipal()
                switch form.action ?? "" {
                case "resolve":
                    let (o, t) = try sites(operator: form.operator, siteCode: form.site_code, towerSiteCode: form.tower_site_code)
                    _ = try await service.resolveMismatch(kind: try kind(form.kind), operatorSite: o, towerSite: t, right: try side(form.right),
                                                          note: form.note ?? "", by: principal)
                case "thresholds":
                    guard let p = Double(form.pair_metres ?? ""), let g = Int(form.gap_days ?? ""), let a = Double(form.apart_metres ?? "") else {
                        throw RolloutError("reconciliation_bad_thresholds", ["value": [form.pair_metres, form.gap_days, form.apart_metres].map { $0 ?? "" }.joined(separator: ", ")])
                    }
                    try await service.setReconciliationThresholds(Reconciliation.Thresholds(pairMetres: p, gapDays: g, apartMetres: a), by: principal)
                default: throw RolloutError("reporting_bad_action", ["value": form.action ?? ""])
                }
                let back = form.back.flatMap { $0.hasPrefix(Route.reconciliation.pattern + "?") ? $0 : nil } ?? "\(Route.reconciliation.pattern)?"
                return "\(back)&lang=\(FormSubmission.language(form.lang, request).rawValue)&done=1"
            }, again: { e in try await page(request, context, service: service, error: e) })
        }
        router.on(.apiReconciliation) { request, _ in
            let filter = try Filter(request, defaultStatus: nil)
            let view = try await service.reconciliation(asOf: request.query("as_of"), knownAt: request.query("known_at"), region: filter.region)
            let entries = view.entries(region: filter.region, operator: filter.operator, kind: filter.kind, status: filter.status)
            return try JSONResponse.ok(entries.map { MismatchJSON($0, at: view.at) })
        }
        router.on(.apiReconciliationResolve) { request, context in
            let body = try await request.json(ResolveBody.self, upTo: 16 * 1024)
            let (o, t) = try sites(operator: body.operator, siteCode: body.site_code, towerSiteCode: body.tower_site_code)
            let entry = try await service.resolveMismatch(kind: try kind(body.kind), operatorSite: o, towerSite: t, right: try side(body.right),
                                                          note: body.note, by: try context.requirePrincipal())
            return try JSONResponse.ok(MismatchJSON(entry, at: entry.resolution?.at ?? entry.mismatch.since))
        }
        router.on(.apiReconciliationThresholds) { request, context in
            let body = try await request.json(ThresholdsBody.self, upTo: 16 * 1024)
            let set = try await service.setReconciliationThresholds(
                Reconciliation.Thresholds(pairMetres: body.pair_metres, gapDays: body.gap_days, apartMetres: body.apart_metres), by: try context.requirePrincipal())
            return try JSONResponse.ok(ThresholdsJSON(pair_metres: set.pairMetres, gap_days: set.gapDays, apart_metres: set.apartMetres))
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service)
        var filter = try Filter(request, defaultStatus: .open)
        // A district opens on its own mismatches.
        if request.query("region") == nil, let p = c.principal, p.role == .district { filter.region = p.region }
        let read = try await service.reconciliation(at: c.moment, region: filter.region)
        let entries = read.entries(region: filter.region, operator: filter.operator, kind: filter.kind, status: filter.status)
        let m = Model(view: read, filter: filter, shown: Array(entries.prefix(pageSize)), total: entries.count,
                      regions: try await service.regionList(), principal: c.principal, done: request.query("done") != nil, error: error)
        return HTMLPage.html(view(m, context: c), status: error.map(JSONResponse.status) ?? .ok)
    }
}

/// A mismatch as the API answers it.
struct MismatchJSON: Encodable {
    struct ResolutionJSON: Encodable { var right: String; var note: String; var by: String; var at: String }
    var kind: String
    var status: String
    var reopened: Bool
    var age_days: Int
    var since: String
    var region_code: String
    var `operator`: String?
    var site_code: String?
    var tower_site_code: String?
    var operator_value: String?
    var tower_value: String?
    var resolution: ResolutionJSON?

    init(_ e: Reconciliation.Entry, at: Instant) {
        let m = e.mismatch
        kind = m.kind.rawValue; status = e.status.rawValue; reopened = e.reopened; age_days = m.ageDays(at: at)
        since = ShanghaiCalendar.iso8601(m.since); region_code = e.regionCode
        self.operator = m.operatorSite?.operator.rawValue; site_code = m.operatorSite?.code; tower_site_code = m.towerSite?.code
        operator_value = m.operatorValue; tower_value = m.towerValue
        resolution = e.resolution.map {
            ResolutionJSON(right: $0.resolution.right.rawValue, note: $0.resolution.note, by: $0.actor, at: ShanghaiCalendar.iso8601($0.at))
        }
    }
}

/// The thresholds as the API answers them.
struct ThresholdsJSON: Encodable { var pair_metres: Double; var gap_days: Int; var apart_metres: Double }
