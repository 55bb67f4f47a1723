import Foundation
import RolloutApplication
import RolloutCore

/// The verification queue on the offline map: the city's (or one region's) outlines, each queued
/// site at its registered position (a spot check blue, a failed check red), and where a photo was
/// taken far from its site a grey point joined to it by a line.
enum QueueMap {
    /// The map, or nothing without outlines or without a site in the queue.
    static func html(_ queue: [Verification.Opening], view: VerificationView, outlines: [String: Outline], region: String?,
                     context c: PageContext) -> HTML? {
        let placed = queue.compactMap { o in view.positionOf[o.site].map { (o, $0) } }
        guard !placed.isEmpty, let (projection, paths) = DistrictMap.Shapes.shared.shapes(outlines, focus: region, width: 460) else { return nil }
        let h = projection.height
        var svg: [HTML] = ["<svg id=\"queue-map\" viewBox=\"-6 -6 472 \(Int(h + 40))\" role=\"img\" aria-label=\"\(c.t("page_verification_map"))\" xmlns=\"http://www.w3.org/2000/svg\">"]
        for (code, d) in paths.sorted(by: { $0.key < $1.key }) where region == nil || code == region {
            svg.append("<path d=\"\(d)\" fill=\"#eef2f7\" stroke=\"#5b6b7b\" stroke-width=\"0.8\" fill-rule=\"evenodd\"/>")
        }
        func xy(_ lat: Double, _ lon: Double) -> (String, String) {
            let p = projection.point(lat: lat, lon: lon)
            return (String(format: "%.1f", p.x), String(format: "%.1f", p.y))
        }
        for (o, at) in placed {
            let (x, y) = xy(at.lat, at.lon)
            let key = "\(o.site.operator.rawValue)/\(o.site.code)"
            for p in o.photos where p.failures.contains(.tooFar) {
                guard let lat = p.latitude, let lon = p.longitude else { continue }
                let (px, py) = xy(lat, lon)
                svg.append("<line x1=\"\(x)\" y1=\"\(y)\" x2=\"\(px)\" y2=\"\(py)\" stroke=\"#888\" stroke-width=\"0.8\"/>")
                svg.append("<circle cx=\"\(px)\" cy=\"\(py)\" r=\"2\" fill=\"#888\"/>")
            }
            let colour = o.drawn && o.photos.contains(where: { $0.failures.isEmpty }) ? "#2b6cb0" : "#d7301f"
            svg.append("<a href=\"\(c.link(Route.site.path(o.site.operator.rawValue, o.site.code)))\"><circle data-site=\"\(key)\" cx=\"\(x)\" cy=\"\(y)\" r=\"3.2\" fill=\"\(colour)\"><title>\(key)</title></circle></a>")
        }
        let keys: [(String, String)] = [("#d7301f", c.t("page_verification_map_failed")), ("#2b6cb0", c.t("page_verification_drawn")),
                                        ("#888", c.t("page_verification_map_photo"))]
        svg.append(contentsOf: DistrictMap.legend(keys.map(\.1), step: 130, textX: 15, textY: Int(h + 26)) { i, x in
            "<circle cx=\"\(x + 6)\" cy=\"\(Int(h + 22))\" r=\"5\" fill=\"\(keys[i].0)\"/>"
        })
        svg.append("</svg>")
        return svg.joined()
    }
}
