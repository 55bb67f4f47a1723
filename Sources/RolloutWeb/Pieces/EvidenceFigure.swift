import RolloutCore

/// A photo of an opening as the pages show it: its preview linking to the original, the checks it
/// failed (or that it passed them all), and, where asked, when and where it was taken.
enum EvidenceFigure {
    static func html(_ p: EvidencePhoto, details: Bool, _ c: PageContext) -> HTML {
        let checks = p.failures.isEmpty ? c.t("page_verification_checks_passed") : p.failures.map { c.t("evidence_check_\($0.rawValue)") }.joined(separator: "；")
        var caption: HTML = "<span data-checks>\(checks)</span>"
        if details {
            let place = p.latitude.flatMap { lat in p.longitude.map { String(format: "%.5f, %.5f", lat, $0) } } ?? "—"
            let distance = p.distanceMetres.map { String(format: "%.0f m", $0) } ?? "—"
            caption = "\(caption)<br>\(p.takenAt.map(ShanghaiCalendar.iso8601) ?? "—") · \(place) · \(distance)"
        }
        return """
        <figure class="evidence"><a href="\(Route.apiEvidenceBlob.path(p.sha256))"><img src="\(Route.apiEvidenceBlob.path(p.previewSha256))" \
        alt="\(c.t("page_verification_photo_alt", ["value": p.site.code]))" loading="lazy" width="160"></a>\
        <figcaption class="small">\(caption)</figcaption></figure>
        """
    }
}
