import Foundation
@testable import RolloutTexts
import Testing
@testable import RolloutCore

@Suite struct CatalogueTests {
    @Test func everyMessageHasBothLanguagesWithTheSameArguments() {
        for key in Catalogue.keys {
            let zh = Catalogue.text(key, .zh), en = Catalogue.text(key, .en)
            #expect(!zh.isEmpty && !en.isEmpty, "\(key)")
            let names: (String) -> Set<String> = { s in
                Set(s.components(separatedBy: "{").dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) })
            }
            #expect(names(zh) == names(en), "\(key) takes different arguments in zh and en")
        }
    }

    @Test func noKeyIsInTwoPartsOfTheCatalogue() {
        // The parts are merged into one table: a key written twice would silently lose one text.
        let parts = Catalogue.parts
        var seen: [String: Int] = [:]
        for part in parts { for key in part.keys { seen[key, default: 0] += 1 } }
        #expect(seen.filter { $0.value > 1 }.keys.sorted() == [])
        #expect(Catalogue.entries.count == parts.reduce(0) { $0 + $1.count })
    }

    @Test func chineseIsTheDefaultAndEnglishIsChosenWhenPreferred() {
        #expect(Language(preferring: nil) == .zh)
        #expect(Language(preferring: "en-US,en;q=0.9") == .en)
        #expect(Language(preferring: "zh-CN,zh;q=0.9,en;q=0.8") == .zh)
        #expect(Language(preferring: "fr-FR") == .zh)
        #expect(Language(preferring: "en") == .en)
        #expect(RolloutError("bad_as_of", ["value": "x"]).message(.en).contains("x"))
    }
}

@Suite struct FiguresTests {
    func counters(_ entries: [(String, String, Stage, Int)]) -> CounterValues {
        var v = CounterValues()
        for (r, o, s, n) in entries { v.add(CounterKey(regionCode: r, operatorCode: o, metric: Metric.stage(s)), n) }
        return v
    }

    @Test func progressCountsSitesBuiltSinceTheStartAndRanksByCompletion() {
        let start = ShanghaiCalendar.parseInstant("2020-01-01")!
        let campaign = Campaign(name: "c", start: start, deadline: start.adding(days: 100))
        let regions = [Region(code: "A", nameZh: "甲", nameEn: "A", kind: .district),
                       Region(code: "B", nameZh: "乙", nameEn: "B", kind: .district),
                       Region(code: "C", nameZh: "丙", nameEn: "C", kind: .county)]
        let moment = ReadMoment(asOf: Cutoff(before: start.adding(days: 50)))
        let records = [
            TargetRecord(setting: TargetSetting(regionCode: "A", target: 100, due: campaign.deadline), setAt: start, recordedAt: start, seq: 1),
            TargetRecord(setting: TargetSetting(regionCode: "B", operator: .cmcc, target: 30, due: campaign.deadline), setAt: start, recordedAt: start, seq: 2),
            TargetRecord(setting: TargetSetting(regionCode: "B", operator: .ctcc, target: 20, due: campaign.deadline), setAt: start, recordedAt: start, seq: 3),
            // A later change of A's target, recorded after the moment: not in force as known then… but known now.
            TargetRecord(setting: TargetSetting(regionCode: "A", target: 80, due: campaign.deadline, reason: "调整"), setAt: start.adding(days: 10), recordedAt: start.adding(days: 60), seq: 4),
        ]
        let inputs = Figures.Inputs(
            now: counters([("A", "cmcc", .onAir, 50), ("A", "cmcc", .accepted, 10), ("A", "cmcc", .planned, 5), ("B", "cmcc", .onAir, 40)]),
            atStart: counters([("A", "cmcc", .onAir, 20), ("B", "cmcc", .onAir, 10)]),
            paceStart: counters([("A", "cmcc", .onAir, 46), ("B", "cmcc", .onAir, 26)]), paceDays: 14,
            windowStart: CounterValues())
        let rows = Figures.regions(campaign: campaign, regions: regions, targets: Targets(records, at: moment), inputs: inputs, moment: moment)
        #expect(rows.map(\.target) == [80, 50, nil])
        #expect(rows.map(\.progress) == [40, 30, 0])
        #expect(rows.map(\.rank) == [2, 1, 3])
        let known = Targets(records, at: ReadMoment(asOf: moment.asOf, knownAt: Cutoff(before: start.adding(days: 50))))
        #expect(known.target(region: "A") == 100)
        let s = Figures.summary(campaign: campaign, regions: regions, targets: Targets(records, at: moment), inputs: inputs, moment: moment)
        #expect(s.built == 100 && s.builtAtStart == 30 && s.progress == 70 && s.target == 130)
        #expect(s.stages["planned"] == 5 && s.sites == 105)
        // Nothing has been built through the stages yet: no durations to learn from, the pace is carried forward.
        #expect(s.forecast.method == "pace_14d")
        #expect(s.forecast.pacePerDay == 2)
        #expect(s.forecast.expectedAtDeadline == 70 + 2 * 50)
    }

    @Test func csvCellsThatASpreadsheetWouldRunAreMadeInert() {
        #expect(CSVTable.cell("=SUM(A1)") == "'=SUM(A1)")
        #expect(CSVTable.cell("@cmd") == "'@cmd")
        #expect(CSVTable.cell("-12.5") == "-12.5")
        #expect(CSVTable.cell("a,\"b\"") == "\"a,\"\"b\"\"\"")
        #expect(CSVTable.render(header: ["x"], rows: [["1"]]) == "x\r\n1\r\n")
    }
}
