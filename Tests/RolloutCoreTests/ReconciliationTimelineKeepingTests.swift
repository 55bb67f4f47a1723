import Foundation
import Testing
@testable import RolloutCore

/// Reconciliation's timelines kept between servers and grown after writes: their bytes read back
/// to the same timelines (damaged bytes are refused), a growth is the whole read's order and
/// content, and a pairing whose sites only changed stage answers as one made again.
@Suite struct ReconciliationTimelineKeepingTests {
    typealias Made = ReconciliationPairingTimelineTests

    static func sorted(_ t: [Reconciliation.Timeline]) -> [Reconciliation.Timeline] { t.sorted { Reconciliation.ordered($0.key, $1.key) } }

    @Test func theBytesReadBackToTheSameTimelinesAndDamageIsRefused() throws {
        var rng = SeededRandom(seed: 77)
        #expect(try Reconciliation.TimelineBytes.timelines(Reconciliation.TimelineBytes.bytes([])) == [])
        for round in 0..<6 {
            var timelines = Self.sorted(Made.timelines(&rng, count: 20 + round * 30))
            timelines[0].regionCode = "区县 ☃"   // any text
            let bytes = Reconciliation.TimelineBytes.bytes(timelines)
            #expect(try Reconciliation.TimelineBytes.timelines(bytes) == timelines)
            for cut in [0, 3, 4, 9, bytes.count / 2, bytes.count - 1] {
                #expect(throws: (any Error).self, "cut at \(cut)") { try Reconciliation.TimelineBytes.timelines(Array(bytes.prefix(cut))) }
            }
            #expect(throws: (any Error).self) { try Reconciliation.TimelineBytes.timelines(bytes + [0]) }
            var magic = bytes; magic[0] = UInt8(ascii: "X")
            #expect(throws: (any Error).self) { try Reconciliation.TimelineBytes.timelines(magic) }
            var huge = bytes; huge[4] = 0xFF; huge[5] = 0xFF; huge[6] = 0xFF; huge[7] = 0x7F   // the regions' count
            #expect(throws: (any Error).self) { try Reconciliation.TimelineBytes.timelines(huge) }
            // Any single byte changed either reads as something or is refused: never a crash.
            for _ in 0..<200 {
                var flipped = bytes
                flipped[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(1 + rng.next() % 255)
                _ = try? Reconciliation.TimelineBytes.timelines(flipped)
            }
        }
    }

    @Test func aGrowthIsTheWholeReadOfTheSitesNow() {
        var rng = SeededRandom(seed: 5)
        for round in 0..<40 {
            let before = Self.sorted(Made.timelines(&rng, count: 10 + round * 5))
            // Sites named since: some changed, some gone, some new.
            var named = Set<SiteKey>(), fresh: [Reconciliation.Timeline] = []
            for t in before where rng.unit() < 0.3 {
                named.insert(t.key)
                switch rng.next() % 3 {
                case 0: break   // no longer compared (moved onto a lamp, say)
                case 1: var m = t; m.steps.append(TimelineStep(at: Instant(seconds: 1_600_000_000), stage: .accepted)); fresh.append(m)
                default: var m = t; m.lat += 0.001; fresh.append(m)
                }
            }
            for i in 0..<Int(rng.next() % 6) {
                var n = Made.timelines(&rng, count: 1)[0]
                n.key = SiteKey(operator: [.tower, .cmcc, .cucc][i % 3], code: "N\(round)-\(i)")
                named.insert(n.key); fresh.append(n)
            }
            let now = Self.sorted(before.filter { !named.contains($0.key) } + fresh)
            #expect(Reconciliation.updated(before, named: named, fresh: Self.sorted(fresh)) == now, "round \(round)")
        }
    }

    @Test func aPairingWhoseSitesOnlyChangedStageIsUpdatedAndOneWithASiteMovedIsNot() {
        var rng = SeededRandom(seed: 99)
        let start = ShanghaiCalendar.parseInstant("2020-03-01")!
        for round in 0..<8 {
            let timelines = Self.sorted(Made.timelines(&rng, count: 40 + round * 10))
            let kept = Reconciliation.PairingTimeline(timelines, radius: 50)
            var later = timelines
            for i in later.indices where rng.unit() < 0.4 && !later[i].steps.isEmpty {
                later[i].steps.append(TimelineStep(at: later[i].steps.last!.at.adding(seconds: 86_400), stage: .accepted))
            }
            let updated = kept.updated(later)
            let made = Reconciliation.PairingTimeline(later, radius: 50)
            #expect(updated != nil)
            for day in stride(from: 0.0, through: 64, by: 4) {
                let cutoff = Cutoff(before: start.adding(seconds: Int64(day * 86_400)))
                for region in [nil, "500101"] {
                    #expect(updated?.pairing(at: cutoff, region: region) == made.pairing(at: cutoff, region: region), "round \(round), day \(day)")
                    for key in later.prefix(10).map(\.key) { #expect(updated?.record(key, at: cutoff) == made.record(key, at: cutoff)) }
                }
            }
            var moved = later; moved[moved.count / 2].lon += 0.0005
            #expect(kept.updated(moved) == nil)
            #expect(kept.updated(Array(later.dropLast())) == nil)
            var renamed = later; renamed[0].towerSiteCode = "T-other"
            #expect(kept.updated(renamed) == nil)
        }
    }
}
