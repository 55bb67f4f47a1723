import Foundation
import NIOConcurrencyHelpers
import RolloutCore
import RolloutReference
import RolloutStorage

/// Checks the rows of one kind of file.
protocol RowChecker {
    /// Loads, for a chunk of rows, what they refer to in the store.
    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any WriteSession) async throws
    /// Checks one row; returns its events (none when it has errors, or when it changes nothing).
    mutating func check(_ row: inout RowReader) -> [NewEvent]
    /// The chunk's events are in the store now: states kept for later rows may be read from it again.
    mutating func didAppend()
}

extension RowChecker {
    mutating func didAppend() {}
}

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
    public static func run(_ kind: ImportKind, file: URL, store: any CampaignStore, now: Instant, actor: String,
                           scope: Principal? = nil, dryRun: Bool, limits: Limits = .standard,
                           progress: Progress? = nil) async throws -> ImportReport {
        if let scope, !Access.mayImport(kind.rawValue, scope) {
            throw RolloutError("forbidden_import", kind: .forbidden, ["role": scope.role.rawValue, "value": kind.rawValue])
        }
        guard let campaign = try await store.campaign()?.campaign else { throw RolloutError("no_campaign") }
        do {
            return try await store.withWriteSession { session in
                var context = try await context(session, campaign: campaign, now: now, actor: actor, limits: limits)
                context.principal = scope
                let report = try await importRows(kind, file: file, session: session, context: context, dryRun: dryRun, progress: progress)
                // Nothing is kept of a dry run or a rejected file: the transaction is rolled back.
                if dryRun || !report.errors.isEmpty { throw Outcome(report: report) }
                return report
            }
        } catch let outcome as Outcome {
            return outcome.report
        }
    }

    /// Carries the report of an import whose transaction must not be committed.
    struct Outcome: Error { var report: ImportReport }

    static func context(_ session: any WriteSession, campaign: Campaign, now: Instant, actor: String,
                        limits: Limits) async throws -> ImportContext {
        let regions = try await session.regions()
        let geometries = try await session.outlines()
        let outlines = try OutlineCache.shared.outlines(geometries)
        return ImportContext(regions: Dictionary(uniqueKeysWithValues: regions.map { ($0.code, $0) }), outlines: outlines,
                             now: now, actor: actor,
                             dates: FieldDateWindow(campaign: campaign, now: now, historyYears: limits.historyYears), limits: limits)
    }

    static func checker(_ kind: ImportKind) -> any RowChecker {
        switch kind {
        case .sites: SitesRows()
        case .progress: ProgressRows()
        case .obstacles: ObstaclesRows()
        case .resources: ResourcesRows()
        case .targets: TargetsRows()
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
                try await checker.prepare(rows, header: header, session: session)
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
}

/// Reads a file on its own thread and hands its rows over in chunks, at most two chunks ahead of
/// the consumer, so memory stays bounded whatever the file's size. One consumer calls ``next()``.
final class RowChannel: @unchecked Sendable {
    private var iterator: AsyncThrowingStream<[(Int, [String])], any Error>.AsyncIterator
    /// Two chunks' room ahead of the consumer. Made at 0 and given its room by signals: libdispatch
    /// stops the process when a semaphore is freed below the value it was made with, which is where
    /// one ends when the reader had run ahead of a consumer that gave up early (too many errors).
    private let space: DispatchSemaphore = {
        let s = DispatchSemaphore(value: 0)
        s.signal(); s.signal()
        return s
    }()
    private let cancelled = ManagedFlag()
    /// How much of the file has been read.
    let read = ReadProgress()
    /// The most cells a chunk holds (about 10 MB of empty strings).
    static let cellsPerChunk = 200_000

    init(file: URL, kind: ImportKind, chunkSize: Int, limits: Limits) {
        let (stream, continuation) = AsyncThrowingStream<[(Int, [String])], any Error>.makeStream()
        iterator = stream.makeAsyncIterator()
        let (space, cancelled, read) = (self.space, self.cancelled, self.read)
        let thread = Thread {
            var buffer: [(Int, [String])] = []
            var cellsInBuffer = 0
            var dateColumns = Set<Int>()
            var sawHeader = false
            let dates = kind.columns.filter(\.isDate)
            do {
                try TableReader.rows(of: file, limits: limits, dateColumns: { dateColumns.contains($0) }, read: read) { number, cells in
                    if cancelled.isSet { throw CancellationError() }
                    if !sawHeader {
                        sawHeader = true
                        for (i, c) in cells.enumerated() {
                            let name = c.trimmedSpaces
                            if dates.contains(where: { $0.code == name.lowercased() || $0.chinese == name }) { dateColumns.insert(i) }
                        }
                    }
                    buffer.append((number, cells))
                    // A chunk ends at its rows or at its cells, whichever comes first: wide rows
                    // (a cell at XFD makes 16,384) must not fill memory before a row is checked.
                    cellsInBuffer += cells.count
                    if buffer.count >= chunkSize || cellsInBuffer >= RowChannel.cellsPerChunk {
                        cellsInBuffer = 0
                        space.wait()
                        continuation.yield(buffer)
                        buffer = []
                    }
                }
                if !buffer.isEmpty { space.wait(); continuation.yield(buffer) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The next chunk of rows, or nil at the end.
    func next() async throws -> [(Int, [String])]? {
        let chunk = try await iterator.next()
        space.signal()
        return chunk
    }

    /// Stops the reading thread (when the consumer gives up early).
    func cancel() {
        cancelled.set()
        space.signal()
        space.signal()
    }
}

/// Parsed region outlines, kept between imports: parsing a province's GeoJSON costs more than a small import.
public final class OutlineCache: Sendable {
    public static let shared = OutlineCache()
    private let entries = NIOLockedValueBox<[String: [String: Outline]]>([:])

    /// The outlines of GeoJSON geometries by region code, parsed once.
    public func outlines(_ geometries: [String: String]) throws -> [String: Outline] {
        guard !geometries.isEmpty else { return [:] }
        let key = fingerprint(geometries.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
        if let hit = entries.withLockedValue({ $0[key] }) { return hit }
        let features = geometries.map { code, g in #"{"type":"Feature","properties":{"region_code":"\#(code)"},"geometry":\#(g)}"# }
        let collection = #"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#
        let parsed = try BoundariesFile.parse(Data(collection.utf8))
        entries.withLockedValue { $0 = [key: parsed] }
        return parsed
    }
}

/// A flag set from one thread and read from another.
final class ManagedFlag: Sendable {
    private let value = NIOLockedValueBox(false)
    func set() { value.withLockedValue { $0 = true } }
    var isSet: Bool { value.withLockedValue { $0 } }
}
