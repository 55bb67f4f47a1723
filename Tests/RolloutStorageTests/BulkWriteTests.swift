import Foundation
import RolloutTestSupport
import Testing
@testable import RolloutCore
@testable import RolloutStorage
@testable import RolloutSQLStorage

/// Large appends take the engines' bulk paths (on PostgreSQL, COPY, straight or through a scratch
/// table for the upserts): what they store reads back exactly as appended, whatever the text holds.
@Suite struct BulkWriteTests {
    static let day0 = DashboardReadsTests.day0
    /// Text that COPY's text format must escape, or could take for something else.
    static let hostile = ["a\tb", "line\nbreak", "back\\slash", "cr\rhere", "\\N", "\\\\N", "尾\\", "", "'; DROP TABLE events; --", "\u{1F4F6} 5G"]

    /// Sites with hostile codes, names, actors and sources, registered and reported in one append.
    static func events() -> [NewEvent] {
        var out: [NewEvent] = []
        for i in 0..<120 {
            let h = hostile[i % hostile.count]
            let key = SiteKey(operator: i % 2 == 0 ? .cmcc : .cucc, code: "S\(i)\(h)")
            let at = day0.adding(seconds: Int64(i) * 3_600)
            let via: String? = i % 3 == 0 ? nil : "file\(h).csv"
            out.append(NewEvent(.siteRegistered(SiteRegistration(site: key, regionCode: "500101", name: "站\(h)\(i)", lat: 29.5, lon: 106.5,
                                                                 kind: .macro, band: i % 4 == 0 ? nil : h, contractor: i % 5 == 0 ? nil : h)),
                                occurredAt: at, recordedAt: at, actor: "u\(i % 7)\(h)", via: via))
            out.append(NewEvent(.stageReported(site: key, stage: .siteSecured, note: i % 2 == 0 ? h : nil),
                                occurredAt: at.adding(seconds: 600), recordedAt: at.adding(seconds: 600), actor: "u\(i % 7)\(h)", via: via))
        }
        return out
    }

    @Test(arguments: Backend.available)
    func hostileTextInALargeAppendReadsBackExactly(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            let events = Self.events()
            #expect(events.count >= PostgresSession.fewest)
            #expect(try await store.append(events) == AppendResult(applied: events.count, unchanged: 0))
            let back = try await store.events(after: 0, limit: 10_000)
            #expect(back.map(\.event) == events)
            #expect(back.map(\.seq) == Array(1...Int64(events.count)))
            // The projection holds the same text as the log.
            let page = try await store.sites(SiteQuery(perPage: 500), at: ReadMoment(asOf: Cutoff(before: Self.day0.adding(days: 30))))
            var names: [String: String] = [:]
            for case .siteRegistered(let r) in events.map(\.body) { names["\(r.site.operator.rawValue)|\(r.site.code)"] = r.name }
            #expect(page.total == 120)
            #expect(Dictionary(uniqueKeysWithValues: page.sites.map { ("\($0.operator)|\($0.siteCode)", $0.name) }) == names)
            #expect(page.sites.allSatisfy { $0.stage == Stage.siteSecured.rawValue })
            // Sent again, nothing changes.
            #expect(try await store.append(events) == AppendResult(applied: 0, unchanged: events.count))
        }
    }

    @Test(arguments: Backend.available)
    func dayCountsAddedToInLargeAppendsEqualTheLogCountedOneByOne(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            try await DashboardReadsTests.setUp(store)
            // Two large appends over the same days, the second adding to the day counts the first made.
            let appends = (0..<2).map { a in
                (0..<100).flatMap { i -> [NewEvent] in
                    let key = SiteKey(operator: i % 3 == 0 ? .ctcc : .cmcc, code: "B\(a)-\(i)")
                    let at = Self.day0.adding(seconds: Int64(i) * 5 * 3600 + Int64(a) * 3600 + 1)
                    let actor = i % 4 == 0 ? "district" : "cmcc-upload"
                    return [NewEvent(.siteRegistered(SiteRegistration(site: key, regionCode: "500101", name: "站", lat: 29.5, lon: 106.5, kind: .macro)),
                                     occurredAt: at, recordedAt: at, actor: actor),
                            NewEvent(.stageReported(site: key, stage: .siteSecured, note: nil), occurredAt: at.adding(seconds: 7 * 3600),
                                     recordedAt: at.adding(seconds: 7 * 3600), actor: actor)]
                }
            }
            for events in appends {
                let keys = Set(events.map { "\(ShanghaiCalendar.day(of: $0.recordedAt))|\($0.body.kind)|\($0.actor)|\($0.body.entity.split(separator: ":")[1])" })
                #expect(keys.count >= PostgresSession.fewest, "each append must be large enough for the bulk path")
                _ = try await store.append(events)
            }
            let all = appends.flatMap { $0 }
            try await ReportDaysTests.check(store, all, "two large appends")
        }
    }

    @Test func copyTextEscapesWhatTheFormatGivesAMeaningTo() throws {
        let rows: [[any Encodable & Sendable]] = [["a\tb\nc\\d\re", Int64(-5), String?.none, "\\N", 2.5, true, Int32(7)]]
        let text = try #require(PostgresSession.text(rows)).map { String(buffer: $0) }.joined()
        #expect(text == "a\\tb\\nc\\\\d\\re\t-5\t\\N\t\\\\N\t2.5\tt\t7\n")
        // What has no text form here is left to the bound INSERT.
        #expect(PostgresSession.text([[Data([1, 2])]]) == nil)
        #expect(PostgresSession.text([[Double.nan]]) == nil)
    }
}
