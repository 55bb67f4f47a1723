import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore

extension SitePage {
    /// The upload form's fields: the stage, the photos (`photo[]`, up to ``Limits/photosPerForm``),
    /// the token and the language.
    struct Upload: Decodable {
        var stage: String?, lang: String?, csrf: String?
        var photo: [Data]?
    }

    /// `POST /sites/{operator}/{code}/evidence`: the site page's upload form. Every photo is read
    /// before any is kept; on success the browser goes back to the site's evidence, where each
    /// photo shows the checks it failed; an error shows the page again with it.
    static func addUpload(to router: Router<RolloutContext>, service: CampaignService, limits: Limits) {
        router.on(.siteEvidence) { request, context in
            let principal = try context.requirePrincipal()
            let key = try ContractorPage.site(context)
            let form = try await request.multipart(Upload.self, upTo: limits.photoFormBytes)
            let language = FormSubmission.language(form.lang, request)
            return try await FormSubmission.handle(fixable: [.invalid, .conflict, .forbidden, .notFound, .tooLarge], perform: {
                let photos = (form.photo ?? []).filter { !$0.isEmpty }.map { [UInt8]($0) }
                guard !photos.isEmpty else { throw RolloutError("photo_missing") }
                guard photos.count <= Limits.photosPerForm else { throw RolloutError("too_many_photos", ["value": "\(Limits.photosPerForm)"]) }
                let text = form.stage ?? Stage.onAir.rawValue
                guard let stage = Stage(rawValue: text) else { throw RolloutError("bad_evidence_stage", ["value": String(text.prefix(40))]) }
                try await service.attachEvidence(site: key, stage: stage, photos: photos, by: principal, maxBytes: limits.photoBytes)
                return "\(Route.site.path(key.operator.rawValue, key.code))?lang=\(language.rawValue)&uploaded=\(photos.count)#evidence"
            }, again: { e in
                let c = try await PageHandler.context(request, context, service: service)
                var m = try await query(service, key, context: c)
                m.error = e
                return HTMLPage.html(view(m, context: c), status: JSONResponse.status(e))
            })
        }
    }

    /// The upload form, for an account that may attach evidence to the site (its operator, the
    /// city office) once the site is on air.
    static func uploadForm(_ m: Model, _ c: PageContext) -> HTML? {
        let s = m.detail.site
        guard let p = c.principal, Access.allows(p.role, .attachEvidence), p.role == .cityOffice || p.operator?.rawValue == s.operator,
              let stage = Stage(rawValue: s.stage), stage.isBuilt, c.knownAt == nil, c.asOf == nil else { return nil }
        let stages = EvidencePhoto.stages.filter { $0 <= stage }.map { st -> HTML in "<option value=\"\(st.rawValue)\">\(c.name(st))</option>" }
        return """
        <form method="post" enctype="multipart/form-data" action="\(c.link(Route.siteEvidence.path(s.operator, s.siteCode)))" id="evidence-form">\(c.formFields)\
        <label>\(c.t("page_evidence_stage")) <select name="stage">\(stages)</select></label> \
        <label>\(c.t("page_evidence_file")) <input type="file" name="photo[]" accept="image/jpeg,.jpg,.jpeg" multiple required></label> \
        <button type="submit">\(c.t("page_evidence_send"))</button></form>
        """
    }
}
