import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutDemo
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// Reporting discipline through the server, on both engines: the demo's silent operator and
/// district, every organisation's numbers against a plain count from the log, an import whose rows
/// all change nothing still counting as a report, the office's rule and calendar, refusals.
@Suite struct ReportingWebTests {
    static func json(_ r: TestResponse) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]], "\(String(buffer: r.body))")
    }

    /// The plain count: the working days of the 2020 calendar (and its loads in the log) from the
    /// campaign's start; for a weekly organisation, the Monday-to-Sunday weeks holding one; those
    /// ended before the moment, and the receipts' days.
    static func naive(_ events: [LoggedEvent], org: String, weekly: Bool, before: Instant, start: DayNumber,
                      days: Int) -> (run: Int, missed: Int, last: String?) {
        var holidays: Set<DayNumber> = [], workdays: Set<DayNumber> = []
        var reported: Set<DayNumber> = []
        var last: Instant?
        for e in events.map(\.event) where e.recordedAt < before {
            if case .workingCalendarSet(let y) = e.body { holidays.formUnion(y.holidays); workdays.formUnion(y.workdays) }
            if case .reportReceived(let o, _, _) = e.body, o.description == org {
                reported.insert(ShanghaiCalendar.day(of: e.recordedAt))
                last = max(last ?? e.recordedAt, e.recordedAt)
            }
        }
        let working: (DayNumber) -> Bool = { workdays.contains($0) || (!holidays.contains($0) && ($0 + 3) % 7 < 5) }
        let lastWhole = ShanghaiCalendar.day(of: before) - 1
        var ended: [ClosedRange<DayNumber>] = []
        if weekly {
            var monday = start - (start + 3) % 7
            while monday + 6 <= lastWhole {
                if (monday...(monday + 6)).contains(where: working) { ended.append(monday...(monday + 6)) }
                monday += 7
            }
        } else {
            ended = (start...lastWhole).filter(working).map { $0...$0 }
        }
        let silent: (ClosedRange<DayNumber>) -> Bool = { !$0.contains(where: reported.contains) }
        var run = 0
        for p in ended.reversed() { if !silent(p) { break }; run += 1 }
        let first = ShanghaiCalendar.day(of: before.adding(seconds: -1)) - days + 1
        return (run, ended.filter { $0.upperBound >= first && silent($0) }.count, last?.description)
    }

    @Test(arguments: Backend.available)
    func everyOrganisationsReportingIsWhatTheLogSays(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let c = try await service.campaign()
            let events = try await service.store.events(kinds: CampaignService.reportingKinds)
            let start = ShanghaiCalendar.day(of: c.campaign.start)
            try await app.test(.router) { client in
                let leader = try await TestAccess.client(client, service.store, role: .leader)
                for (asOf, days) in [("2020-06-15", 30), ("2020-05-06", 10), ("2020-03-01", 60)] {
                    let rows = try await leader.execute(uri: "/api/v1/reporting?as_of=\(asOf)&days=\(days)", method: .get) { try Self.json($0) }
                    #expect(rows.count == 5 + (try await service.regionList()).count)
                    let before = Cutoff.endOf(day: ShanghaiCalendar.parseDay(asOf)!).before
                    for row in rows {
                        let org = try #require(row["organisation"] as? String)
                        // Districts report weekly, operators and China Tower every working day (the standard rule).
                        let expected = Self.naive(events, org: org, weekly: org.hasPrefix("district:"), before: before, start: start, days: days)
                        #expect(row["consecutive_misses"] as? Int == expected.run, "\(org) \(asOf)")
                        #expect(row["missed_days"] as? Int == expected.missed, "\(org) \(asOf)")
                        #expect(row["last_report"] as? String == expected.last, "\(org) \(asOf)")
                        #expect(row["escalated"] as? Bool == (expected.run >= 3), "\(org) \(asOf)")
                    }
                }
                // The demo: China Broadnet silent for its last four working days, one district for three weeks.
                let now = try await leader.execute(uri: "/api/v1/reporting", method: .get) { try Self.json($0) }
                let cbn = try #require(now.first { $0["organisation"] as? String == "operator:cbn" })
                #expect(cbn["consecutive_misses"] as? Int == 4 && cbn["escalated"] as? Bool == true)
                let silent = now.filter { $0["kind"] as? String == "district" && ($0["consecutive_misses"] as? Int ?? 0) >= 3 }
                #expect(silent.count == 1 && silent.first?["cadence"] as? String == "week")
                // The page shows the same rows, names escaped, and no form for a leader.
                let page = try await leader.execute(uri: "/reporting", method: .get) { r in
                    #expect(r.status == .ok)
                    return String(buffer: r.body)
                }
                #expect(page.contains("data-organisation=\"operator:cbn\"") && page.contains("中国广电") && !page.contains("name=\"action\""))
                #expect(page.contains("已上报市里"))
                // The bulletin of the demo's day names them under their heading.
                let day = ShanghaiCalendar.dateString(try await service.campaign().now(service.clock))
                let issued = try await Bulletin.issue(day: day, service: service, by: Principal(account: "office", role: .cityOffice))
                let html = try #require(try await service.bulletin(id: issued.id)).html
                #expect(html.contains("<h2>八、未按时报送</h2><p id=\"reporting-late\">中国广电（连续 4 个工作日），已上报市里、"), "\(html.suffix(600))")
                // The sweep records each silent run's escalation once, dated when it reached the count.
                #expect(cbn["escalated_at"] is NSNull)
                let escalated = try await service.escalateSilentOrganisations()
                #expect(escalated == 1 + silent.count)
                #expect(try await service.escalateSilentOrganisations() == 0)
                let after = try await leader.execute(uri: "/api/v1/reporting", method: .get) { try Self.json($0) }
                let cbnAfter = try #require(after.first { $0["organisation"] as? String == "operator:cbn" })
                #expect(cbnAfter["escalated_at"] as? String == (try await service.campaign().now(service.clock)).description)
                let logged = try await service.store.events(kinds: ["reporting.escalated"])
                #expect(logged.count == escalated && logged.allSatisfy { $0.event.actor == "system" && $0.event.occurredAt <= $0.event.recordedAt })
            }
        }
    }

    @Test(arguments: Backend.available)
    func aFileWhoseRowsChangeNothingIsStillAReport(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            try await app.test(.router) { client in
                let cbn = try await TestAccess.client(client, service.store, role: .operator, operator: .cbn)
                let site = try #require(try await service.sites(SiteQuery(operator: .cbn, stage: .onAir, perPage: 1)).sites.first)
                let detail = try await service.site(SiteKey(operator: .cbn, code: site.siteCode))
                let onAir = try #require(detail.timeline.last)
                // The site's last stage again, as it stands: nothing changes.
                let csv = "operator,site_code,stage,occurred_at\r\ncbn,\(site.siteCode),\(onAir.stage),\(onAir.at)\r\n"
                try await cbn.execute(uri: "/api/v1/imports/progress", method: .post, body: ByteBuffer(string: csv)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                    #expect(String(buffer: r.body).contains("\"applied\":0"))
                }
                let rows = try await cbn.execute(uri: "/api/v1/reporting", method: .get) { try Self.json($0) }
                let row = try #require(rows.first { $0["organisation"] as? String == "operator:cbn" })
                let now = try await service.campaign().now(service.clock)
                #expect(row["last_report"] as? String == now.description)
                // A dry run is no report; another organisation's account reports for its own.
                let before = try await service.store.events(kinds: ["report.received"]).count
                try await cbn.execute(uri: "/api/v1/imports/progress?dry_run=true", method: .post, body: ByteBuffer(string: csv)) { #expect($0.status == .ok) }
                #expect(try await service.store.events(kinds: ["report.received"]).count == before)
                let receipt = try #require(try await service.store.events(kinds: ["report.received"]).last)
                guard case .reportReceived(let org, let channel, let n) = receipt.event.body else { Issue.record("not a receipt"); return }
                #expect(org.description == "operator:cbn" && channel == "progress" && n == 1)
            }
        }
    }

    @Test(arguments: Backend.available)
    func theOfficeSetsTheRuleAndLoadsTheCalendarAndNobodyElseCan(backend: Backend) async throws {
        try await withFreshDemo(backend, fraction: 0.002) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            try await app.test(.router) { client in
                let office = try await TestAccess.client(client, service.store, role: .cityOffice)
                let district = try await TestAccess.client(client, service.store, role: .district, region: "500103")
                let rule = #"{"operators":"week","tower":"working_day","districts":"week","escalate_after":2}"#
                try await district.execute(uri: "/api/v1/reporting/rule", method: .post, body: ByteBuffer(string: rule)) { #expect($0.status == .forbidden) }
                try await office.execute(uri: "/api/v1/reporting/rule", method: .post, body: ByteBuffer(string: rule)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                }
                #expect(try await service.reporting().rule == Reporting.Rule(operators: .week, tower: .workingDay, districts: .week, escalateAfter: 2))
                for bad in [#"{"operators":"daily","tower":"week","districts":"week","escalate_after":2}"#,
                            #"{"operators":"week","tower":"week","districts":"week","escalate_after":0}"#, "{"] {
                    try await office.execute(uri: "/api/v1/reporting/rule", method: .post, headers: [.acceptLanguage: "zh-CN"],
                                             body: ByteBuffer(string: bad)) { r in
                        #expect(r.status == .badRequest, "\(bad)")
                        #expect(String(buffer: r.body).contains("\"message\""))
                    }
                }
                // The calendar: refused whole on a bad line, then loaded; the page says so.
                try await office.execute(uri: "/api/v1/reporting/calendar/2020", method: .post,
                                         body: ByteBuffer(string: "2020-10-01,holiday\n2020-10-03,holiday\n")) { r in
                    #expect(r.status == .badRequest && String(buffer: r.body).contains("calendar_weekend_holiday"))
                }
                try await district.execute(uri: "/api/v1/reporting/calendar/2020", method: .post, body: ByteBuffer(string: "2020-10-01,holiday")) {
                    #expect($0.status == .forbidden)
                }
                try await office.execute(uri: "/api/v1/reporting/calendar/2021", method: .post,
                                         body: ByteBuffer(string: "date,type\n2021-02-11,holiday\n2021-02-07,workday\n")) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                    #expect(String(buffer: r.body).contains("2021-02-11"))
                }
                try await office.execute(uri: "/api/v1/reporting/calendar/x", method: .post, body: ByteBuffer(string: "")) { #expect($0.status == .badRequest) }
                try await office.execute(uri: "/api/v1/reporting?days=0", method: .get) { #expect($0.status == .badRequest) }
                #expect(try await service.reporting().calendarYears == [2020, 2021])
                // The form: a bad value shows the page again with the error; a good one saves.
                let page = try await office.execute(uri: "/reporting", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                    body: ByteBuffer(string: "action=rule&operators=working_day&tower=working_day&districts=week&escalate_after=99")) { r in
                    #expect(r.status == .badRequest)
                    return String(buffer: r.body)
                }
                #expect(page.contains("id=\"reporting-error\"") && page.contains("name=\"action\""))
                try await office.execute(uri: "/reporting", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "action=rule&operators=working_day&tower=working_day&districts=week&escalate_after=5")) { r in
                    #expect(r.status == .seeOther)
                }
                #expect(try await service.reporting().rule.escalateAfter == 5)
            }
        }
    }
}
