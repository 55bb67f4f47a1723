import Foundation
import NIOConcurrencyHelpers
import RolloutCore
import RolloutReference
import RolloutStorage

/// Imports a bulk file: every row is checked, and either all of them are committed in one
/// transaction or none is, and the answer lists every bad row.
public enum Importer {
    /// Rows checked and written together.
    static let chunkSize = 5_000
    /// Errors listed at most; past that the answer says there were more.
    public static let maxErrors = 10_000

    /// What happens as an import goes: rows read so far, and the share of the file read when known.
    public typealias Progress = @Sendable (_ rows: Int, _ fraction: Double?) -> Void

    /// Imports a file into the store, or only checks it (`dryRun`).
    ///
    /// With a `scope`, the file is sent by that account: a kind it may not send is refused before
    /// anything is read, and every row about another organisation's records is a row error
    /// (`not_yours`); its events carry the account as actor and the token it came with.
    public static func run(_ kind: ImportKind, file: URL, store: any CampaignDatabase & EventLog, now: Instant, actor: String,
                           scope: Principal? = nil, dryRun: Bool, limits: Limits = .standard,
                           progress: Progress? = nil, receipt: (@Sendable (ImportReport) -> NewEvent?)? = nil) async throws -> ImportReport {
        if let scope, !Access.mayImport(kind.rawValue, scope) {
            throw RolloutError("forbidden_import", kind: .forbidden, ["role": scope.role.rawValue, "value": kind.rawValue])
        }
        guard let campaign = try await store.campaign()?.campaign else { throw RolloutError("no_campaign") }
        do {
            return try await store.withWriteSession { session in
                var context = try await context(session, campaign: campaign, now: now, actor: actor, limits: limits,
                                                outlines: kind.locatesPoints)
                context.principal = scope
                let report = try await importRows(kind, file: file, session: session, context: context, dryRun: dryRun, progress: progress)
                // Nothing is kept of a dry run or a rejected file: the transaction is rolled back.
                if dryRun || !report.errors.isEmpty { throw Outcome(report: report) }
                // The receipt of the report goes in the same transaction as its rows.
                if let event = receipt?(report) { _ = try await session.append([event]) }
                return report
            }
        } catch let outcome as Outcome {
            return outcome.report
        }
    }

    /// Carries the report of an import whose transaction must not be committed.
    struct Outcome: Error { var report: ImportReport }

    /// What every row of an import is checked against; with `outlines` false (a kind whose rows
    /// give no point, ``ImportKind/locatesPoints``) the regions' outlines are not read.
    static func context(_ session: any ImportChecks, campaign: Campaign, now: Instant, actor: String,
                        limits: Limits, outlines withOutlines: Bool = true) async throws -> ImportContext {
        let regions = try await session.regions()
        let outlines = withOutlines ? try OutlineCache.shared.outlines(try await session.outlines()) : [:]
        return ImportContext(regions: Dictionary(uniqueKeysWithValues: regions.map { ($0.code, $0) }), outlines: outlines,
                             now: now, actor: actor,
                             dates: FieldDateWindow(campaign: campaign, now: now, historyYears: limits.historyYears), campaign: campaign,
                             limits: limits)
    }

    static func checker(_ kind: ImportKind) -> any RowChecker {
        switch kind {
        case .sites: SitesRows()
        case .progress: ProgressRows()
        case .obstacles: ObstaclesRows()
        case .resources: ResourcesRows()
        case .targets: TargetsRows()
        case .subscribers: SubscribersRows()
        case .applications: ApplicationsRows()
        case .inspections: InspectionsRows()
        case .investments: InvestmentsRows()
        }
    }

    static func importRows(_ kind: ImportKind, file: URL, session: any WriteSession, context: ImportContext,
                           dryRun: Bool, progress: Progress?) async throws -> ImportReport {
        var report = ImportReport(kind: kind, committed: false, dryRun: dryRun, rows: 0, applied: 0, unchanged: 0, errors: [])
        var checker = checker(kind)
        var header: HeaderMap? = nil
        let channel = RowChannel(file: file, kind: kind, chunkSize: chunkSize, limits: context.limits)
        defer { channel.cancel() }
        do {
            while let chunk = try await channel.next() {
                var rows = chunk
                if header == nil, let first = rows.first {
                    var errors: [ImportError] = []
                    header = HeaderMap(first.1, kind: kind, errors: &errors)
                    report.errors += errors
                    rows.removeFirst()
                    if !errors.isEmpty { break }
                }
                guard let header else { continue }
                let (events, rowsOfEvents) = try await check(rows, kind: kind, header: header, checker: &checker, context: context,
                                                             stored: session, report: &report)
                progress?(report.rows, channel.read.fraction)
                if report.errors.count > maxErrors { break }
                guard report.errors.isEmpty else { continue }  // keep checking, stop writing
                // A row changes nothing when all its events are in the log already (or it has none).
                let known = try await session.knownDedupKeys(events.map(\.dedupKey))
                var seenHere: Set<String> = []
                for range in rowsOfEvents {
                    let fresh = events[range].filter { !known.contains($0.dedupKey) && seenHere.insert($0.dedupKey).inserted }
                    if fresh.isEmpty { report.unchanged += 1 } else { report.applied += 1 }
                }
                _ = try await session.append(events, knownDedupKeys: known)
                checker.didAppend()
            }
            if header != nil { report.errors += checker.finish() }
        } catch let problem as FileProblem {
            report.errors.append(problem.error)
        }
        // A cancelled import (the server stopping) must not commit the rows read so far as if the file ended there.
        try Task.checkCancellation()
        if header == nil && report.errors.isEmpty { report.errors.append(ImportError(row: 0, column: "", code: "empty_file")) }
        if header != nil && report.rows == 0 && report.errors.isEmpty { report.errors.append(ImportError(row: 0, column: "", code: "no_rows")) }
        if report.errors.count > maxErrors {
            report.errors = Array(report.errors.prefix(maxErrors))
            report.errors.append(ImportError(row: 0, column: "", code: "too_many_errors", arguments: ["value": "\(maxErrors)"]))
        }
        if report.errors.isEmpty && !dryRun { report.committed = true }
        if !report.errors.isEmpty { report.applied = 0; report.unchanged = 0 }
        return report
    }

    /// Checks one chunk of rows against the stored state, which it reads through `stored` alone:
    /// the events of its valid rows and which rows made which of them; each bad row's errors go to
    /// the report. Nothing is written here.
    static func check(_ rows: [(Int, [String])], kind: ImportKind, header: HeaderMap, checker: inout any RowChecker,
                      context: ImportContext, stored: any ImportChecks,
                      report: inout ImportReport) async throws -> (events: [NewEvent], rowsOfEvents: [Range<Int>]) {
        try await checker.prepare(rows, header: header, session: stored)
        var events: [NewEvent] = []
        var rowsOfEvents: [Range<Int>] = []
        for (number, cells) in rows {
            report.rows += 1
            var reader = RowReader(number: number, cells: cells, header: header, context: context)
            let produced = reader.isValid ? checker.check(&reader) : []
            if let p = context.principal, reader.isValid, produced.contains(where: { !Access.mayRecord($0.body, p) }) {
                reader.fail(kind.ownerColumn(header), "not_yours", ["value": p.account])
            }
            if !reader.errors.isEmpty {
                report.errors += reader.errors
                continue
            }
            rowsOfEvents.append(events.count..<(events.count + produced.count))
            events += produced
        }
        return (events, rowsOfEvents)
    }
}
