import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// The forecast's track record: the forecasts of the past weeks for the city or a region, what
/// each expected by today and by the deadline, against what the log shows. The API gives the same.
enum ForecastPage {
    struct Model {
        var record: ForecastTrackRecord
        var regions: [Region]
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService, cache: ResponseCache) {
        router.on(.forecast) { request, context in
            let region = request.query("region").flatMap { $0.isEmpty ? nil : $0 }
            return try await PageHandler.cached(request, context, service: service, cache: cache) { c in
                let record = try await service.trackRecord(region: region, asOf: c.asOf, knownAt: c.knownAt)
                return view(Model(record: record, regions: try await service.regionList()), context: c)
            }
        }
        router.on(.apiTrackRecord) { request, _ in
            try await cache.respond(request, service: service, contentType: ResponseCache.json) {
                try JSONResponse.bytes(try await service.trackRecord(region: request.query("region"), asOf: request.query("as_of"),
                                                                    knownAt: request.query("known_at")))
            }
        }
        router.on(.apiForecastObstacles) { request, _ in
            try await cache.respond(request, service: service, contentType: ResponseCache.json) {
                try JSONResponse.bytes(try await service.obstacleForecast(region: request.query("region").flatMap { $0.isEmpty ? nil : $0 },
                                                                         asOf: request.query("as_of"), knownAt: request.query("known_at")))
            }
        }
    }

    static func view(_ m: Model, context c: PageContext) -> HTML {
        let r = m.record
        let name = r.region.flatMap { code in m.regions.first { $0.code == code }.map { c.name($0) } } ?? c.t("page_city")
        let options = m.regions.map { region -> HTML in
            "<option value=\"\(region.code)\"\(region.code == r.region ? HTML(" selected") : "")>\(c.name(region))</option>"
        }
        func range(_ low: Int?, _ high: Int?) -> String { low.flatMap { l in high.map { "\(l)–\($0)" } } ?? "—" }
        let rows = r.entries.map { e -> HTML in
            let held = e.held(r.progressNow)
            let mark: HTML = held == nil ? "—" : held! ? "<span class=\"ok\">\(c.t("page_track_yes"))</span>" : "<span class=\"lag\">\(c.t("page_track_no"))</span>"
            return """
            <tr><td class="l">\(e.madeOn)</td><td>\(e.progressThen)</td><td>\(e.expectedNow)</td><td>\(range(e.expectedNowLow, e.expectedNowHigh))</td>\
            <td>\(mark)</td><td>\(e.expectedAtDeadline)</td><td>\(range(e.expectedLow, e.expectedHigh))</td><td>\(c.percent(e.probabilityByDeadline))</td></tr>
            """
        }
        let summary: HTML = r.ranges == 0 ? "<p class=\"muted\">\(c.t("page_track_none"))</p>"
            : "<p id=\"track-summary\">\(c.t("page_track_summary", ["held": "\(r.rangesHeld)", "ranges": "\(r.ranges)", "value": "\(r.progressNow)"]))</p>"
        let body: HTML = """
        <p class="muted">\(c.t("page_track_intro"))</p>\
        <form method="get" action="\(Route.forecast.pattern)"><input type="hidden" name="lang" value="\(c.language.rawValue)">\
        \(c.asOf.map { v -> HTML in "<input type=\"hidden\" name=\"as_of\" value=\"\(v)\">" })\
        <label>\(c.t("page_region")) <select name="region"><option value="">\(c.t("page_city"))</option>\(options)</select></label> \
        <button type="submit">\(c.t("page_show"))</button></form>\
        <h2>\(name)</h2><div class="cards">\(Dashboard.card(c.t("page_progress"), "\(r.progressNow)", live: "progress"))\
        \(Dashboard.card(c.t("page_target"), r.target.map(String.init) ?? "—", live: "target"))\
        \(r.outcome.map { Dashboard.card(c.t("page_track_outcome"), "\($0)", live: "outcome") })</div>\(summary)\
        <div class="scroll"><table id="track-record"><thead><tr><th class="l">\(c.t("page_track_made_on"))</th><th>\(c.t("page_track_progress_then"))</th>\
        <th>\(c.t("page_track_expected_now", ["value": r.asOf]))</th><th>\(c.t("page_track_range"))</th><th>\(c.t("page_track_held"))</th>\
        <th>\(c.t("page_track_expected_deadline"))</th><th>\(c.t("page_track_range"))</th><th>\(c.t("page_track_chance"))</th></tr></thead>\
        <tbody>\(rows)\(r.entries.isEmpty ? Dashboard.noneRow(8, c) : nil)</tbody></table></div>
        """
        return HTMLPage.frame(title: c.t("page_track_record"), context: c, path: Route.forecast.pattern, body: body)
    }
}
