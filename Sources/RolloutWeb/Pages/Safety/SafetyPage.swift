import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutImport
import RolloutStorage

/// Safety in production (安全生产): findings per 100 sites by region, contractor and category,
/// the overdue fixes and the stopped sites as of any moment; the open findings with their steps
/// (the fix reported, the re-inspection's verdict); the form that records a finding.
enum SafetyPage {
    /// A form: `action` = `record` (the finding's fields) or a step (`rectified`, `accepted`, `reopened`, with `ref`, `note`, `deadline`).
    struct Form: Decodable {
        var action: String?, ref: String?, note: String?, deadline: String?
        var inspection_ref: String?, inspected_at: String?, site_code: String?, `operator`: String?, region_code: String?, contractor: String?
        var inspector: String?, category: String?, severity: String?, finding: String?, responsible: String?
        var lang: String?

        /// The fields of an `inspections` row.
        var fields: [String: String] {
            let all: [(String, String?)] = [("inspection_ref", inspection_ref), ("inspected_at", inspected_at), ("site_code", site_code),
                                            ("operator", self.operator), ("region_code", region_code), ("contractor", contractor),
                                            ("inspector", inspector), ("category", category), ("severity", severity), ("finding", finding),
                                            ("deadline", deadline), ("responsible", responsible)]
            return Dictionary(uniqueKeysWithValues: all.compactMap { k, v in v.map { (k, $0) } })
        }
    }

    /// A step as the API sends it.
    struct StepBody: Decodable { var step: String; var note: String; var deadline: String? }

    struct Model {
        var view: SafetyView
        var records: Bool
        var principal: Principal?
        var done: Bool
        var error: RolloutError?
        var rejected: ImportReport?
    }

    /// The step a form or the API names; `finding_bad_step` otherwise.
    static func step(_ name: String?, note: String?, deadline: String?) throws -> SafetyFinding.Step {
        let note = (note ?? "").trimmedSpaces
        switch name ?? "" {
        case "rectified": return .rectified(note: note)
        case "accepted": return .accepted(note: note)
        case "reopened":
            guard let d = deadline.flatMap({ ShanghaiCalendar.parseInstant($0.trimmedSpaces) }) else {
                throw RolloutError("finding_bad_deadline", ["value": String((deadline ?? "").prefix(40))])
            }
            return .reopened(note: note, deadline: d)
        default: throw RolloutError("finding_bad_step", ["value": String((name ?? "").prefix(40))])
        }
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.safety) { request, context in
            try await page(request, context, service: service, error: nil, rejected: nil)
        }
        router.on(.safetyAction) { request, context in
            let form = try await request.form(Form.self, upTo: 64 * 1024)
            let principal = try context.requirePrincipal()
            let back = "\(Route.safety.pattern)?lang=\(FormSubmission.language(form.lang, request).rawValue)&done=1"
            if form.action == "record" {
                let report = try await service.recordFinding(form.fields, by: principal)
                if report.errors.isEmpty { return Response(status: .seeOther, headers: [.location: back]) }
                return try await page(request, context, service: service, error: nil, rejected: report)
            }
            return try await FormSubmission.handle(fixable: [.invalid, .conflict, .forbidden, .notFound], perform: {
                try await service.findingStep(ref: form.ref ?? "", try step(form.action, note: form.note, deadline: form.deadline), by: principal)
                return back
            }, again: { e in try await page(request, context, service: service, error: e, rejected: nil) })
        }
        router.on(.apiSafety) { request, context in
            let view = try await service.safety(asOf: request.query("as_of"), knownAt: request.query("known_at"))
            let records = context.principal.map(Access.mayReadRecords) ?? false
            return try JSONResponse.ok(SafetyJSON(view, records: records))
        }
        router.on(.apiSafetyFindings) { request, context in
            let fields = try await request.json([String: String].self, upTo: 64 * 1024)
            let report = try await service.recordFinding(fields, by: try context.requirePrincipal())
            return Response(status: report.errors.isEmpty ? .ok : .unprocessableContent, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try report.json(request.language))))
        }
        router.on(.apiSafetyStep) { request, context in
            let raw = try context.parameters.require("ref")
            let ref = raw.removingPercentEncoding ?? raw
            let body = try await request.json(StepBody.self, upTo: 16 * 1024)
            try await service.findingStep(ref: ref, try step(body.step, note: body.note, deadline: body.deadline), by: try context.requirePrincipal())
            return try JSONResponse.ok(["done": true])
        }
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?, rejected: ImportReport?) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service)
        let view = try await service.safety(c.stored.campaign, at: c.moment)
        let m = Model(view: view, records: c.readsRecords, principal: c.principal, done: request.query("done") != nil, error: error, rejected: rejected)
        let status: HTTPResponse.Status = error.map(JSONResponse.status) ?? (rejected == nil ? .ok : .unprocessableContent)
        return HTMLPage.html(self.view(m, context: c), status: status)
    }
}
