import Foundation
import RolloutCore

/// A monthly chart as inline SVG, drawn on the server: one line per series (subscribers by
/// operator and in all), or bars (traffic); months without a figure leave a gap, not a zero.
enum MonthlyChart {
    static let width = 760.0, height = 260.0
    static let left = 70.0, right = 18.0, top = 16.0, bottom = 44.0

    /// A series: its name, colour and value per month (in the chart's month order).
    struct Series {
        var name: String
        var colour: String
        var values: [Double?]
        var bold = false
    }

    static func render(months: [YearMonth], series: [Series], bars: Bool, label: String, id: String, context c: PageContext) -> HTML {
        guard !months.isEmpty else { return "<p class=\"muted\" id=\"\(id)\">\(c.t("page_adoption_no_figures"))</p>" }
        let top = series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0
        let yMax = BurnUpChart.niceCeiling(max(10, top * 1.08))
        let slot = (width - left - right) / Double(months.count)
        func x(_ i: Int) -> Double { left + slot * (Double(i) + 0.5) }
        func y(_ v: Double) -> Double { Self.top + (1 - v / yMax) * (height - Self.top - bottom) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg: [HTML] = ["<svg id=\"\(id)\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(label)\" xmlns=\"http://www.w3.org/2000/svg\">"]
        for i in 0...5 {
            let v = yMax / 5 * Double(i)
            svg.append("<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\" stroke=\"#e3e8ee\"/>")
            svg.append("<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#5b6b7b\">\(axis(v))</text>")
        }
        let every = max(1, months.count / 12)
        for (i, m) in months.enumerated() where i % every == 0 || i == months.count - 1 {
            let name = c.language == .zh ? "\(m.month)月" : ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m.month - 1]
            let text = m.month == 1 || i == 0 ? "\(name) \(m.year)" : name
            svg.append("<text x=\"\(f(x(i)))\" y=\"\(f(y(0) + 16))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6b7b\">\(text)</text>")
        }
        svg.append("<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(0)))\" y2=\"\(f(y(0)))\" stroke=\"#5b6b7b\"/>")
        if bars {
            let w = slot * 0.7 / Double(max(1, series.count))
            for (k, s) in series.enumerated() {
                for (i, v) in s.values.enumerated() {
                    guard let v else { continue }
                    let x0 = x(i) - slot * 0.35 + Double(k) * w
                    svg.append("<rect x=\"\(f(x0))\" y=\"\(f(y(v)))\" width=\"\(f(w))\" height=\"\(f(y(0) - y(v)))\" fill=\"\(s.colour)\"><title>\(s.name) \(months[i].description): \(number(v))</title></rect>")
                }
            }
        } else {
            for s in series {
                // Consecutive months with a figure form a line; a month without one breaks it.
                var run: [String] = []
                func flush() {
                    if run.count > 1 { svg.append("<polyline points=\"\(run.joined(separator: " "))\" fill=\"none\" stroke=\"\(s.colour)\" stroke-width=\"\(s.bold ? "3" : "1.8")\"/>") }
                    run = []
                }
                for (i, v) in s.values.enumerated() {
                    guard let v else { flush(); continue }
                    run.append("\(f(x(i))),\(f(y(v)))")
                    svg.append("<circle cx=\"\(f(x(i)))\" cy=\"\(f(y(v)))\" r=\"\(s.bold ? "3.5" : "2.5")\" fill=\"\(s.colour)\"><title>\(s.name) \(months[i].description): \(number(v))</title></circle>")
                }
                flush()
            }
        }
        var lx = left
        for s in series {
            svg.append(BurnUpChart.legend(x: lx, y: height - 8, colour: s.colour, dash: nil, text: s.name))
            lx += 40 + Double(s.name.count) * (s.name.unicodeScalars.contains { $0.value > 0x2E80 } ? 13 : 7)
        }
        svg.append("</svg>")
        return svg.joined()
    }

    /// An axis label, with thousands separators.
    static func axis(_ v: Double) -> String { number(v) }

    /// A figure with thousands separators, and one decimal when it has a fraction.
    static func number(_ v: Double) -> String {
        guard abs(v) < 1e15 else { return String(format: "%.1f", v) }
        if v.rounded() == v { return grouped(Int(v)) }
        let tenths = Int((abs(v) * 10).rounded())
        return (v < 0 ? "-" : "") + grouped(tenths / 10) + ".\(tenths % 10)"
    }

    /// An integer with thousands separators.
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }
}
