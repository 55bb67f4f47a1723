import Foundation
import RolloutCore
import SQLKit

/// The rows logged events add to the log and to the reports' day counts: made apart from the
/// writing, so a bulk load can make a batch's rows while the previous batch is written.
struct LogRows: Sendable {
    private var rows: [[any Encodable & Sendable]] = []
    /// The day counts of the reports among the events.
    private(set) var reports = ReportDays()

    /// The rows of the events, in their order.
    init(_ logged: [LoggedEvent]) throws {
        let encoder = EventRow.encoder()
        var regionOf: [SiteKey: String] = [:]
        var reports = ReportDays()
        rows = try logged.map { e in
            var region: String? = nil
            var op: String? = nil
            switch e.event.body {
            case .siteRegistered(let r): region = r.regionCode; op = r.site.operator.rawValue; regionOf[r.site] = r.regionCode
            case .stageReported(let s, _, _), .stageRolledBack(let s, _, _): region = regionOf[s]; op = s.operator.rawValue
            case .obstacleOpened(let o): region = o.regionCode; op = o.operator?.rawValue
            case .obstacleResolved, .obstacleEscalated, .obstacleStep, .dispatchRuleSet: break
            case .targetSet(let t): region = t.regionCode; op = t.operator?.rawValue
            case .resourceOffered(let r): region = r.regionCode
            case .bulletinIssued, .supervisionRuleSet, .reportingRuleSet, .workingCalendarSet, .reconciliationThresholdsSet, .scorecardWeightsSet: break
            case .applicationRecorded(let p): region = p.regionCode; op = p.operator?.rawValue
            case .subscribersReported(let f): region = f.regionCode; op = f.operator.rawValue
            case .subscriberTargetSet(let t): region = t.regionCode; op = t.operator?.rawValue
            case .investmentReported(let f): region = f.regionCode; op = f.operator.rawValue
            case .findingRecorded(let f): region = f.regionCode; op = f.site?.operator.rawValue
            case .findingStep, .evidenceRuleSet, .spotCheckDrawn: break
            case .evidenceAttached(let p): op = p.site.operator.rawValue
            case .verificationDecided(let site, _): op = site.operator.rawValue
            case .contractorSet(let site, _): region = regionOf[site]; op = site.operator.rawValue
            case .reportingEscalated(let org, _, _): if org.kind == .district { region = org.code } else { op = org.code }
            case .supervision(let r, _): region = r
            case .reconciliationResolved(let r): region = r.regionCode
            case .reportReceived(let org, _, _): if org.kind == .district { region = org.code } else { op = org.code }
            case .resourceRequested(let r), .resourceRequestAnswered(let r, _, _): region = regionOf[r.site]; op = r.site.operator.rawValue
            }
            // A receipt of a report is not itself a report of the operator's (its page lists what was reported).
            if let op, e.event.body.kind != ReportDays.receiptKind { reports.add(e.event, operator: op) }
            return try EventRow.values(e, regionCode: region, operator: op, encoder: encoder)
        }
        self.reports = reports
    }

    /// Appends the rows to the log and adds the day counts of the reports.
    func write(db: any SQLDatabase) async throws {
        try await writeLog(db: db)
        try await reports.write(db: db)
    }

    /// Appends the rows to the log only (a bulk load adds up the reports' counts of all its
    /// batches and writes them once: batch by batch they were 235,000 upserts at `--scale 10`
    /// into 18,675 rows, 7.9 s of PostgreSQL's time).
    func writeLog(db: any SQLDatabase) async throws {
        try await db.insertRows("events", columns: EventRow.columns, rows: rows)
    }
}
