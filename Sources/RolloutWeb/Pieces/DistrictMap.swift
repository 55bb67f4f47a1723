import Foundation
import RolloutApplication
import RolloutCore
import RolloutImport
import RolloutStorage
import NIOConcurrencyHelpers

/// The offline map: the region outlines projected to SVG paths on the server, shaded by
/// completion; zoomed into one region, its sites as points coloured by stage.
enum DistrictMap {
    /// A projection of longitude/latitude to the drawing, fitted to a box of outlines.
    struct Projection {
        var minLon: Double, maxLat: Double, kx: Double, scale: Double
        var width: Double, height: Double

        init(bounds: Bounds, width: Double) {
            let midLat = (bounds.minLat + bounds.maxLat) / 2
            kx = cos(midLat * .pi / 180)
            minLon = bounds.minLon; maxLat = bounds.maxLat
            scale = width / max(1e-9, (bounds.maxLon - bounds.minLon) * kx)
            self.width = width
            height = (bounds.maxLat - bounds.minLat) * scale
        }

        func point(lat: Double, lon: Double) -> (x: Double, y: Double) {
            ((lon - minLon) * kx * scale, (maxLat - lat) * scale)
        }
    }

    /// The SVG path of an outline, dropping points closer than a pixel to the last one kept.
    static func path(_ outline: Outline, _ p: Projection) -> String {
        var d = ""
        for part in outline.parts {
            for ring in [part.outer] + part.holes {
                var last: (x: Double, y: Double)? = nil
                var first = true
                for c in ring {
                    let q = p.point(lat: c.lat, lon: c.lon)
                    if let l = last, abs(l.x - q.x) + abs(l.y - q.y) < 1.2 { continue }
                    d += (first ? "M" : "L") + String(format: "%.1f %.1f", q.x, q.y)
                    first = false
                    last = q
                }
                d += "Z"
            }
        }
        return d
    }

    /// Projected outlines, computed once per set of outlines and zoom.
    final class Shapes: Sendable {
        static let shared = Shapes()
        private let cache = NIOLockedValueBox<[String: (Projection, [String: String])]>([:])

        func shapes(_ outlines: [String: Outline], focus: String?, width: Double) -> (Projection, [String: String])? {
            // Named by the zoom, the width and each outline's code, size and box.
            let key = "\(focus ?? "*")|\(width)|" + outlines.sorted { $0.key < $1.key }.map { code, o in
                "\(code):\(o.parts.count):\(o.bounds.minLat),\(o.bounds.minLon),\(o.bounds.maxLat),\(o.bounds.maxLon)"
            }.joined(separator: ";")
            if let hit = cache.withLockedValue({ $0[key] }) { return hit }
            let shown = focus.map { f in outlines.filter { $0.key == f } } ?? outlines
            guard let firstBounds = shown.values.first?.bounds else { return nil }
            let b = shown.values.dropFirst().reduce(firstBounds) { $0.union($1.bounds) }
            let projection = Projection(bounds: b, width: width)
            var paths: [String: String] = [:]
            for (code, o) in shown { paths[code] = DistrictMap.path(o, projection) }
            cache.withLockedValue { $0[key] = (projection, paths) }
            return (projection, paths)
        }
    }

    /// The colour of a completion ratio.
    static func colour(_ completion: Double?) -> String {
        guard let v = completion else { return "#c9ced6" }
        switch v {
        case ..<0.4: return "#d7301f"
        case ..<0.6: return "#fc8d59"
        case ..<0.8: return "#fdcc8a"
        case ..<1.0: return "#a6d96a"
        default: return "#1a9641"
        }
    }

    /// The city map: every region with an outline, shaded, linked to its page, with a legend.
    static func city(outlines: [String: Outline], regions: [RegionFigures], context c: PageContext) -> HTML {
        guard let (projection, paths) = Shapes.shared.shapes(outlines, focus: nil, width: 520) else { return "" }
        let h = projection.height
        var svg: [HTML] = ["<svg viewBox=\"0 0 520 \(Int(h + 34))\" role=\"img\" aria-label=\"\(c.t("page_map"))\" xmlns=\"http://www.w3.org/2000/svg\">"]
        for r in regions {
            guard let d = paths[r.regionCode] else { continue }
            let name = c.language == .zh ? r.name : r.nameEn
            svg.append("<a href=\"\(c.link(Route.region.path(r.regionCode)))\"><path d=\"\(d)\" fill=\"\(colour(r.completion))\" stroke=\"#fff\" stroke-width=\"0.8\" fill-rule=\"evenodd\">")
            svg.append("<title>\(name) \(c.percent(r.completion)) · \(c.t("page_rank")) \(r.rank)</title></path></a>")
        }
        let bins: [(String, Double?)] = [("<40%", 0.2), ("40–60%", 0.5), ("60–80%", 0.7), ("80–100%", 0.9), ("≥100%", 1.0), (c.t("page_map_no_target"), nil)]
        svg.append(contentsOf: legend(bins.map(\.0), step: 86, textX: 16, textY: Int(h + 26)) { i, x in
            "<rect x=\"\(x)\" y=\"\(Int(h + 16))\" width=\"12\" height=\"12\" fill=\"\(colour(bins[i].1))\"/>"
        })
        svg.append("</svg>")
        return svg.joined()
    }

    /// One region's outline with its sites as points, coloured by stage; with `sites` nil (an
    /// account that reads figures only), the outline alone, without points or their legend.
    static func region(_ code: String, outlines: [String: Outline], sites: [MapPoint]?, context c: PageContext) -> HTML {
        guard let (projection, paths) = Shapes.shared.shapes(outlines, focus: code, width: 460), let d = paths[code] else { return "" }
        guard let sites else {
            return """
            <svg viewBox="-6 -6 472 \(Int(projection.height + 12))" role="img" aria-label="\(c.t("page_map_outline"))" xmlns="http://www.w3.org/2000/svg">\
            <path d="\(d)" fill="#eef2f7" stroke="#5b6b7b" stroke-width="1" fill-rule="evenodd"/></svg>
            """
        }
        var svg: [HTML] = ["<svg viewBox=\"-6 -6 472 \(Int(projection.height + 40))\" role=\"img\" aria-label=\"\(c.t("page_map_sites"))\" xmlns=\"http://www.w3.org/2000/svg\">"]
        svg.append("<path d=\"\(d)\" fill=\"#eef2f7\" stroke=\"#5b6b7b\" stroke-width=\"1\" fill-rule=\"evenodd\"/>")
        for s in sites {
            let p = projection.point(lat: s.lat, lon: s.lon)
            let stage = Stage(rawValue: s.stage) ?? .planned
            svg.append("<circle cx=\"\(String(format: "%.1f", p.x))\" cy=\"\(String(format: "%.1f", p.y))\" r=\"2.2\" fill=\"\(stageColour(stage, late: s.late))\"/>")
        }
        let stages: [(String, String)] = [(stageColour(.onAir, late: false), c.t("page_chart_built")),
                                          (stageColour(.designed, late: false), c.name(Stage.designed) + "…"),
                                          (stageColour(.planned, late: false), c.name(Stage.planned)),
                                          (stageColour(.planned, late: true), c.t("page_late"))]
        svg.append(contentsOf: legend(stages.map(\.1), step: 112, textX: 15, textY: Int(projection.height + 26)) { i, x in
            "<circle cx=\"\(x + 6)\" cy=\"\(Int(projection.height + 22))\" r=\"5\" fill=\"\(stages[i].0)\"/>"
        })
        svg.append("</svg>")
        return svg.joined()
    }

    /// A legend along a line: each label after its swatch, `step` apart.
    static func legend(_ labels: [String], step: Double, textX: Double, textY: Int, swatch: (Int, Double) -> HTML) -> [HTML] {
        labels.enumerated().flatMap { i, label -> [HTML] in
            let x = Double(i) * step
            return [swatch(i, x), "<text x=\"\(x + textX)\" y=\"\(textY)\" font-size=\"11\" fill=\"#1d2733\">\(label)</text>"]
        }
    }

    static func stageColour(_ s: Stage, late: Bool) -> String {
        if late { return "#d7301f" }
        if s.isBuilt { return "#1a9641" }
        return s == .planned ? "#8a96a3" : "#e0a100"
    }
}
