import Testing
@testable import RolloutCore
import RolloutTexts

/// The automatic checks of a photo: distance, the time window with its tolerance, reuse.
@Suite struct EvidenceChecksTests {
    static func at(_ s: String) -> Instant { ShanghaiCalendar.parseInstant(s)! }

    @Test func distancesAreGreatCircleMetres() {
        // A thousandth of a degree of latitude is 111.2 m anywhere; of longitude, times the cosine.
        #expect(abs(EvidenceChecks.distanceMetres(29.5, 106.5, 29.501, 106.5) - 111.195) < 0.01)
        #expect(abs(EvidenceChecks.distanceMetres(29.5, 106.5, 29.5, 106.501) - 111.195 * 0.870_356) < 0.05)
        #expect(EvidenceChecks.distanceMetres(29.5, 106.5, 29.5, 106.5) == 0)
        // Chongqing to Beijing, about 1,460 km.
        #expect(abs(EvidenceChecks.distanceMetres(29.563, 106.551, 39.904, 116.407) / 1000 - 1_459) < 10)
    }

    @Test func eachCheckFailsOnItsOwnAndAllPassTogether() {
        let previous = Self.at("2020-05-01T09:00:00+08:00"), recorded = Self.at("2020-05-10T18:00:00+08:00")
        func check(_ taken: Instant?, _ lat: Double? = 29.5, _ lon: Double? = 106.5, reused: Bool = false, previous p: Instant? = previous) -> [EvidenceChecks.Failure] {
            EvidenceChecks.check(takenAt: taken, latitude: lat, longitude: lon, siteLatitude: 29.501, siteLongitude: 106.5,
                                 previousStageAt: p, reportRecordedAt: recorded, reusedElsewhere: reused).failures
        }
        #expect(check(Self.at("2020-05-05T12:00:00+08:00")) == [])
        #expect(check(Self.at("2020-05-05T12:00:00+08:00"), 29.503, 106.5) == [.tooFar], "222 m")
        #expect(check(Self.at("2020-05-05T12:00:00+08:00"), nil, nil) == [.gpsMissing])
        #expect(check(nil) == [.timeMissing])
        // The tolerance is a day either side, to the second.
        #expect(check(previous.adding(seconds: -86_400)) == [] && check(previous.adding(seconds: -86_401)) == [.tooEarly])
        #expect(check(recorded.adding(seconds: 86_400)) == [] && check(recorded.adding(seconds: 86_401)) == [.tooLate])
        #expect(check(Self.at("2019-01-01T00:00:00+08:00"), previous: nil) == [], "no earlier stage: no lower bound")
        #expect(check(Self.at("2020-05-05T12:00:00+08:00"), reused: true) == [.reused])
        #expect(check(nil, nil, nil, reused: true) == [.gpsMissing, .timeMissing, .reused])
        let near = EvidenceChecks.check(takenAt: nil, latitude: 29.5, longitude: 106.5, siteLatitude: 29.5, siteLongitude: 106.5, previousStageAt: nil,
                                        reportRecordedAt: recorded, reusedElsewhere: false, rules: .init(maxDistanceMetres: 0, toleranceSeconds: 0))
        #expect(near.distanceMetres == 0 && near.failures == [.timeMissing])
    }

    @Test func everyFailureIsSaidInBothLanguages() {
        for f in EvidenceChecks.Failure.allCases {
            #expect(Catalogue.keys.contains("evidence_check_\(f.rawValue)"), "\(f)")
        }
    }
}
