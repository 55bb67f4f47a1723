import Foundation
import RolloutApplication
import RolloutCore
import RolloutStorage

/// The burn-up chart as inline SVG, drawn on the server (no script, no CDN): sites built since the
/// start day by day, the target in force, the plan line through every milestone (pro rata between
/// them), a mark at each milestone, the deadline in force, and the forecast with its 80 % band.
enum BurnUpChart {
    static let width = 760.0, height = 300.0
    static let left = 58.0, right = 18.0, top = 16.0, bottom = 40.0

    static func render(series: [DayProgress], target: Int?, milestones: [MilestoneFigure] = [], start: DayNumber, deadline: DayNumber,
                       asOfDay: DayNumber, forecast: [ForecastPoint]?, context c: PageContext) -> HTML {
        let points = series.compactMap { p in ShanghaiCalendar.parseDay(p.date).map { ($0, Double(p.progress)) } }
        let band = (forecast ?? []).compactMap { p in ShanghaiCalendar.parseDay(p.date).map { ($0, Double(p.low), Double(p.expected), Double(p.high)) } }
        let marks = milestones.compactMap { m in ShanghaiCalendar.parseDay(m.due).map { (day: $0, target: m.target, inForce: m.inForce) } }
        let lastDay = max(deadline, asOfDay, band.last?.0 ?? deadline, marks.last?.day ?? deadline)
        var top = Double(max(target ?? 0, marks.map(\.target).max() ?? 0))
        for p in points { top = max(top, p.1) }
        for b in band { top = max(top, b.3) }
        let yMax = niceCeiling(max(10, top * 1.08))
        func x(_ d: DayNumber) -> Double { left + Double(d - start) / Double(max(1, lastDay - start)) * (width - left - right) }
        func y(_ v: Double) -> Double { Self.top + (1 - v / yMax) * (height - Self.top - bottom) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg: [HTML] = ["<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(c.t("page_burnup"))\" xmlns=\"http://www.w3.org/2000/svg\">"]
        // Axes and grid.
        let step = yMax / 5
        for i in 0...5 {
            let v = step * Double(i)
            svg.append("<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\" stroke=\"#e3e8ee\"/>")
            svg.append("<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#5b6b7b\">\(Int(v))</text>")
        }
        // A label a month; every quarter or half-year over a longer plan.
        let every = lastDay - start > 800 ? 6 : lastDay - start > 400 ? 3 : 1
        for d in start...lastDay {
            let date = ShanghaiCalendar.dateString(d)
            let month = Int(date.dropFirst(5).prefix(2)) ?? 1
            guard (date.hasSuffix("-01") && (month - 1) % every == 0) || d == start else { continue }
            var label = c.language == .zh ? "\(month)月" : ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month - 1]
            if every > 1 && month == 1 { label = String(date.prefix(4)) }
            svg.append("<line x1=\"\(f(x(d)))\" x2=\"\(f(x(d)))\" y1=\"\(f(y(0)))\" y2=\"\(f(y(0) + 4))\" stroke=\"#5b6b7b\"/>")
            svg.append("<text x=\"\(f(x(d)))\" y=\"\(f(y(0) + 16))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6b7b\">\(label)</text>")
        }
        svg.append("<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(0)))\" y2=\"\(f(y(0)))\" stroke=\"#5b6b7b\"/>")
        // The forecast band and its expected line.
        if band.count >= 2 {
            let upper = band.map { "\(f(x($0.0))),\(f(y($0.3)))" }
            let lower = band.reversed().map { "\(f(x($0.0))),\(f(y($0.1)))" }
            svg.append("<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"#f7b267\" fill-opacity=\"0.35\"/>")
            svg.append("<polyline points=\"\(band.map { "\(f(x($0.0))),\(f(y($0.2)))" }.joined(separator: " "))\" fill=\"none\" stroke=\"#e07b00\" stroke-width=\"2\" stroke-dasharray=\"5 4\"/>")
        }
        // Target in force, the plan through its milestones, and the deadline in force.
        if let target, target > 0 {
            svg.append("<line x1=\"\(f(left))\" x2=\"\(f(x(deadline)))\" y1=\"\(f(y(Double(target))))\" y2=\"\(f(y(Double(target))))\" stroke=\"#b3261e\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>")
            svg.append("<text x=\"\(f(left + 4))\" y=\"\(f(y(Double(target)) - 5))\" font-size=\"12\" fill=\"#b3261e\">\(c.t("page_chart_target")) \(target)</text>")
            let plan = marks.isEmpty ? [(day: deadline, target: target, inForce: true)] : marks
            let path = [(start, 0)] + plan.map { ($0.day, $0.target) }
            svg.append("<polyline data-plan points=\"\(path.map { "\(f(x($0.0))),\(f(y(Double($0.1))))" }.joined(separator: " "))\" fill=\"none\" stroke=\"#8a96a3\" stroke-dasharray=\"2 3\"/>")
        }
        for m in marks {
            let colour = m.inForce ? "#b3261e" : "#8a96a3"
            svg.append("<circle data-milestone=\"\(ShanghaiCalendar.dateString(m.day))\" cx=\"\(f(x(m.day)))\" cy=\"\(f(y(Double(m.target))))\" r=\"4\" fill=\"#fff\" stroke=\"\(colour)\" stroke-width=\"2\"/>")
            svg.append("<text x=\"\(f(x(m.day) - 6))\" y=\"\(f(y(Double(m.target)) - 8))\" font-size=\"11\" text-anchor=\"end\" fill=\"\(colour)\">\(m.target)</text>")
        }
        svg.append("<line x1=\"\(f(x(deadline)))\" x2=\"\(f(x(deadline)))\" y1=\"\(f(y(yMax)))\" y2=\"\(f(y(0)))\" stroke=\"#1d2733\" stroke-width=\"1\"/>")
        svg.append("<text x=\"\(f(x(deadline) - 4))\" y=\"\(f(y(yMax) + 12))\" font-size=\"12\" text-anchor=\"end\" fill=\"#1d2733\">\(c.t("page_chart_deadline")) \(ShanghaiCalendar.dateString(deadline))</text>")
        // Built so far.
        if let first = points.first, let last = points.last {
            let line = points.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ")
            svg.append("<polygon points=\"\(f(x(first.0))),\(f(y(0))) \(line) \(f(x(last.0))),\(f(y(0)))\" fill=\"#0b5cad\" fill-opacity=\"0.12\"/>")
            svg.append("<polyline points=\"\(line)\" fill=\"none\" stroke=\"#0b5cad\" stroke-width=\"2.5\"/>")
            svg.append("<circle cx=\"\(f(x(last.0)))\" cy=\"\(f(y(last.1)))\" r=\"4\" fill=\"#0b5cad\"/>")
            svg.append("<text x=\"\(f(x(last.0) + 6))\" y=\"\(f(y(last.1) + 4))\" font-size=\"12\" font-weight=\"bold\" fill=\"#0b5cad\">\(Int(last.1))</text>")
        }
        // Legend.
        let ly = height - 8
        svg.append(legend(x: left, y: ly, colour: "#0b5cad", dash: nil, text: c.t("page_chart_built")))
        svg.append(legend(x: left + 130, y: ly, colour: "#b3261e", dash: "6 4", text: c.t("page_chart_target")))
        svg.append(legend(x: left + 250, y: ly, colour: "#8a96a3", dash: "2 3", text: c.t("page_chart_plan")))
        if band.count >= 2 { svg.append(legend(x: left + 380, y: ly, colour: "#e07b00", dash: "5 4", text: c.t("page_chart_forecast"))) }
        svg.append("</svg>")
        return svg.joined()
    }

    static func legend(x: Double, y: Double, colour: String, dash: String?, text: String) -> HTML {
        let d: HTML? = dash.map { " stroke-dasharray=\"\($0)\"" }
        return """
        <line x1="\(x)" x2="\(x + 22)" y1="\(y - 4)" y2="\(y - 4)" stroke="\(colour)" stroke-width="2"\(d)/>\
        <text x="\(x + 27)" y="\(y)" font-size="12" fill="#1d2733">\(text)</text>
        """
    }

    /// A round number at or above `v` (1, 2 or 5 times a power of ten), so the grid lines read well.
    static func niceCeiling(_ v: Double) -> Double {
        let p = pow(10, floor(log10(v)))
        for m in [1.0, 2, 2.5, 5, 10] where m * p >= v { return m * p }
        return 10 * p
    }
}
