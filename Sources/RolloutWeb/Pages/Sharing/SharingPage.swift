import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutImport
import RolloutStorage
import RolloutFiles

/// Co-build and share: an owner registers an offer on the page (one row of the `resources`
/// import, with all its checks: the region's outline, the kinds, the owner's own name); an operator
/// asks for an offer from its site's page; the owner answers here; the API does both.
enum SharingPage {
    struct Form: Decodable {
        var action: String?; var `operator`: String?; var site_code: String?; var owner: String?; var resource_id: String?
        var note: String?; var id: String?; var reason: String?; var lang: String?
        var kind: String?; var region_code: String?; var lat: String?; var lon: String?; var height_m: String?
    }
    struct RequestBody: Decodable { var `operator`: String; var site_code: String; var owner: String; var resource_id: String; var note: String? }
    struct AnswerBody: Decodable { var accepted: Bool; var reason: String? }

    /// The kinds of infrastructure an owner can offer.
    static let offerKinds: [RolloutCore.Host] = [.existingTower, .powerTower, .streetLamp, .trafficPole, .policePole, .rooftop]

    struct Model {
        var principal: Principal
        var requests: [RequestState]
        /// The offer form's regions; nil when the account may not offer.
        var offerRegions: [Region]?
        /// An owner's own offers.
        var offers: [ResourceOffer]
        var offerErrors: [ImportError]
        var offered: Bool
        var done: Bool
        var error: RolloutError?
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.sharing) { request, context in
            try await page(request, context, service: service, error: nil, status: .ok)
        }
        router.on(.sharingAction) { request, context in
            let form = try await request.form(Form.self)
            let lang = FormSubmission.language(form.lang, request).rawValue
            let principal = try context.requirePrincipal()
            let fixable: [RolloutError.Kind] = [.invalid, .conflict, .notFound]
            if form.action == "offer" {
                let errors: [ImportError]
                do { errors = try await offer(form, principal: principal, service: service) } catch let e as RolloutError where fixable.contains(e.kind) {
                    return try await page(request, context, service: service, error: e, status: JSONResponse.status(e))
                }
                if !errors.isEmpty { return try await page(request, context, service: service, error: nil, offerErrors: errors, status: .unprocessableContent) }
                return Response(status: .seeOther, headers: [.location: "\(Route.sharing.pattern)?lang=\(lang)&offered=1"])
            }
            return try await FormSubmission.handle(fixable: fixable, perform: {
                switch form.action ?? "" {
                case "request":
                    let op = try APIRoutes.checkedOperator(form.operator ?? "")
                    let key = SiteKey(operator: op, code: form.site_code ?? "")
                    _ = try await service.requestResource(site: key, owner: form.owner ?? "", resourceId: form.resource_id ?? "",
                                                          note: form.note ?? "", by: principal)
                    return "\(Route.site.path(op.rawValue, key.code))?lang=\(lang)"
                case "accept", "decline":
                    _ = try await service.answerRequest(id: form.id ?? "", accepted: form.action == "accept", reason: form.reason ?? "", by: principal)
                    return "\(Route.sharing.pattern)?lang=\(lang)&done=1"
                default:
                    throw RolloutError("supervision_bad_action", ["value": form.action ?? ""])
                }
            }, again: { e in try await page(request, context, service: service, error: e, status: JSONResponse.status(e)) })
        }
        router.on(.apiSharingRequests) { _, context in
            try JSONResponse.ok(try await service.requests(for: try context.requirePrincipal()))
        }
        router.on(.apiSharingRequest) { request, context in
            let body = try await request.json(RequestBody.self)
            let key = SiteKey(operator: try APIRoutes.checkedOperator(body.operator), code: body.site_code)
            return try JSONResponse.ok(try await service.requestResource(site: key, owner: body.owner, resourceId: body.resource_id,
                                                                        note: body.note ?? "", by: try context.requirePrincipal()))
        }
        router.on(.apiSharingAnswer) { request, context in
            let body = try await request.json(AnswerBody.self)
            return try JSONResponse.ok(try await service.answerRequest(id: try context.parameters.require("id"), accepted: body.accepted,
                                                                      reason: body.reason ?? "", by: try context.requirePrincipal()))
        }
    }

    /// Registers an offer as one row of a `resources` file: the importer's checks and messages, the
    /// owner's scope; returns the row's errors (nothing written then).
    static func offer(_ form: Form, principal: Principal, service: CampaignService) async throws -> [ImportError] {
        guard Access.mayImport("resources", principal) else {
            throw RolloutError("forbidden_import", kind: .forbidden, ["role": principal.role.rawValue, "value": "resources"])
        }
        let owner = principal.role == .resourceOwner ? (principal.owner ?? "") : (form.owner ?? "")
        let fields = [form.resource_id, owner, form.kind, form.region_code, form.lat, form.lon, form.height_m].map { field in
            "\"" + (field ?? "").trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        let text = "resource_id,owner,kind,region_code,lat,lon,height_m\r\n" + fields.joined(separator: ",") + "\r\n"
        let dir = try PrivateTemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.file("offer.csv")
        let handle = try file.openForWriting()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        let report = try await service.importFile(.resources, file: file.url, by: principal, dryRun: false)
        return report.errors
    }

    static func page(_ request: Request, _ context: RolloutContext, service: CampaignService, error: RolloutError?,
                     offerErrors: [ImportError] = [], status: HTTPResponse.Status) async throws -> Response {
        let c = try await PageHandler.context(request, context, service: service, moment: false)
        let principal = try context.requirePrincipal()
        let mayOffer = Access.mayImport("resources", principal)
        var offers: [ResourceOffer] = []
        if mayOffer, principal.role == .resourceOwner, let mine = principal.owner {
            offers = try await service.resources(at: c.moment).filter { $0.owner == mine }.sorted { $0.resourceId < $1.resourceId }
        }
        let m = Model(principal: principal, requests: try await service.requests(for: principal),
                      offerRegions: mayOffer ? try await service.regionList() : nil, offers: offers, offerErrors: offerErrors,
                      offered: request.query("offered") != nil, done: request.query("done") != nil, error: error)
        return HTMLPage.html(view(m, context: c), status: status)
    }
}
