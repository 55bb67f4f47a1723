import Testing
@testable import RolloutCore

/// Moving quota between regions: the checks of a move, the lines it sets, and the proposals.
@Suite struct QuotaMoveTests {
    static let due = Instant(seconds: 1_593_532_799)
    static func record(_ region: String, _ op: Operator?, _ target: Int, seq: Int64) -> TargetRecord {
        TargetRecord(setting: TargetSetting(regionCode: region, operator: op, target: target, due: due),
                     setAt: Instant(seconds: 1_586_000_000), recordedAt: Instant(seconds: 1_586_000_000), seq: seq)
    }
    static let targets = Targets([record("A", nil, 100, seq: 1), record("A", .cmcc, 60, seq: 2), record("A", .ctcc, 40, seq: 3),
                                  record("B", nil, 50, seq: 4), record("B", .cmcc, 30, seq: 5), record("B", .ctcc, 20, seq: 6)],
                                 at: ReadMoment(asOf: .including(Instant(seconds: 1_590_000_000))))
    static let progress = ["A": 70, "B": 10]
    static let byOperator: [String: [Operator: Int]] = ["A": [.cmcc: 50, .ctcc: 20], "B": [.cmcc: 5, .ctcc: 5]]

    func settings(_ move: QuotaMove) throws -> [TargetSetting] {
        try move.settings(targets: Self.targets, progress: Self.progress, operatorProgress: Self.byOperator)
    }

    @Test func aMoveLowersOneTargetAndRaisesTheOtherWithTheReason() throws {
        let lines = try settings(QuotaMove(from: "A", to: "B", sites: 30, reason: "渝中区选址困难"))
        #expect(lines.count == 2)
        #expect(lines[0].regionCode == "A" && lines[0].operator == nil && lines[0].target == 70)
        #expect(lines[1].regionCode == "B" && lines[1].operator == nil && lines[1].target == 80)
        #expect(lines.allSatisfy { $0.reason?.contains("渝中区选址困难") == true && $0.due == Self.due })
    }

    @Test func anOperatorsMoveChangesItsSharesAndTheWholeTargets() throws {
        let lines = try settings(QuotaMove(from: "A", to: "B", operator: .cmcc, sites: 10, reason: "r"))
        let byKey = Dictionary(uniqueKeysWithValues: lines.map { ("\($0.regionCode)|\($0.operator?.rawValue ?? "")", $0.target) })
        #expect(byKey == ["A|cmcc": 50, "B|cmcc": 40, "A|": 90, "B|": 60])
    }

    @Test func aMoveIsRefusedWhenItCannotBeMade() {
        let cases: [(QuotaMove, String)] = [
            (QuotaMove(from: "A", to: "B", sites: 31, reason: "r"), "quota_move_too_large"),     // A has 100 − 70 = 30 left
            (QuotaMove(from: "A", to: "B", operator: .cmcc, sites: 11, reason: "r"), "quota_move_too_large"),  // 60 − 50
            (QuotaMove(from: "A", to: "A", sites: 1, reason: "r"), "quota_same_region"),
            (QuotaMove(from: "A", to: "B", sites: 0, reason: "r"), "quota_bad_count"),
            (QuotaMove(from: "A", to: "B", sites: -5, reason: "r"), "quota_bad_count"),
            (QuotaMove(from: "A", to: "B", sites: 1, reason: "  "), "quota_reason_required"),
            (QuotaMove(from: "A", to: "C", sites: 1, reason: "r"), "quota_no_target"),
            (QuotaMove(from: "A", to: "B", operator: .cbn, sites: 1, reason: "r"), "quota_no_target"),
        ]
        for (move, code) in cases {
            do {
                _ = try settings(move)
                Issue.record("accepted \(move)")
            } catch let e as RolloutError {
                #expect(e.code == code, "\(move)")
            } catch { Issue.record("\(error)") }
        }
    }

    static func region(_ code: String, target: Int?, progress: Int, expected: Int) -> RegionFigures {
        RegionFigures(regionCode: code, name: code, nameEn: code, kind: "district", target: target, due: nil, built: progress, builtAtStart: 0,
                      progress: progress, completion: nil, rank: 1, sites: 0, stages: [:], openObstacles: 0, operators: [],
                      forecast: Forecast(method: "stage_durations", pacePerDay: 1, expectedAtDeadline: expected), rankedProgress: progress)
    }

    @Test func proposalsMoveFromRegionsThatWillMissToRegionsThatWillExceed() {
        let regions = [Self.region("A", target: 100, progress: 60, expected: 80),   // short 20
                       Self.region("B", target: 100, progress: 95, expected: 130),  // spare 30
                       Self.region("C", target: 50, progress: 10, expected: 20),    // short 30, 40 left
                       Self.region("D", target: 50, progress: 50, expected: 60),    // spare 10
                       Self.region("E", target: nil, progress: 5, expected: 9)]
        let proposals = QuotaAdvisor.propose(regions)
        #expect(proposals.map { "\($0.from)>\($0.to):\($0.sites)" } == ["C>B:30", "A>D:10"])
        let summary = Summary(campaign: "c", start: "", deadline: "", asOf: "", knownAt: nil, target: 300, built: 0, builtAtStart: 0,
                              progress: 0, completion: nil, sites: 0, stages: [:], openObstacles: 0, openObstaclesByCategory: [:],
                              forecast: Forecast(method: "stage_durations", pacePerDay: 1, expectedAtDeadline: 330))
        let effect = QuotaAdvisor.effect(of: proposals.map { ($0.from, $0.to, $0.sites) }, on: regions, campaign: summary)
        #expect(effect.regionsShortBefore == 2 && effect.shortfallBefore == 50)
        #expect(effect.regionsShortAfter == 1 && effect.shortfallAfter == 10)
        #expect(effect.campaignTarget == 300 && effect.campaignExpected == 330)
    }
}
