import Testing
@testable import RolloutCore

/// Matching planned sites to offered resources: the grid index against a look at every offer.
@Suite struct ResourceMatchingTests {
    struct Rng { var s: UInt64; mutating func unit() -> Double { s = s &* 6364136223846793005 &+ 1442695040888963407; return Double(s >> 11) * 0x1.0p-53 } }

    @Test func theIndexFindsWhatLookingAtEveryOfferFinds() {
        var rng = Rng(s: 42)
        let hosts = Host.allCases
        for round in 0..<4 {
            // Clustered offers (many in a few square kilometres) and scattered ones, some on cell edges.
            let offers = (0..<3_000).map { i -> ResourceOffer in
                let clustered = i % 3 == 0
                let lat = clustered ? 29.55 + rng.unit() * 0.02 : 28.5 + rng.unit() * 3
                let lon = clustered ? 106.55 + rng.unit() * 0.02 : 106 + rng.unit() * 3
                return ResourceOffer(resourceId: "R\(i)", owner: "o\(i % 7)", kind: hosts[i % hosts.count], regionCode: "x", lat: lat, lon: lon)
            }
            let index = ResourceMatching.Index(offers, cellMeters: [250.0, 1_000, 5_000, 700][round])
            for q in 0..<300 {
                let near = q % 2 == 0
                let lat = near ? 29.55 + rng.unit() * 0.02 : 28.5 + rng.unit() * 3
                let lon = near ? 106.55 + rng.unit() * 0.02 : 106 + rng.unit() * 3
                let kind = SiteKind.allCases[q % SiteKind.allCases.count]
                for radius in [100.0, 800, 2_500, 12_000] {
                    let fast = index.nearest(lat: lat, lon: lon, kind: kind, radius: radius, limit: 7)
                    let slow = ResourceMatching.bruteForce(offers, lat: lat, lon: lon, kind: kind, radius: radius, limit: 7)
                    #expect(fast == slow, "round \(round) query \(q) radius \(radius)")
                }
            }
        }
    }

    @Test func onlySuitableResourcesWithinTheRadiusNearestFirst() {
        let at = (29.56, 106.55)
        let offers = [
            ResourceOffer(resourceId: "lamp", owner: "市政", kind: .streetLamp, regionCode: "x", lat: at.0 + 0.001, lon: at.1),
            ResourceOffer(resourceId: "tower", owner: "铁塔", kind: .existingTower, regionCode: "x", lat: at.0 + 0.003, lon: at.1),
            ResourceOffer(resourceId: "roof", owner: "物业", kind: .rooftop, regionCode: "x", lat: at.0 + 0.002, lon: at.1),
            ResourceOffer(resourceId: "far", owner: "铁塔", kind: .existingTower, regionCode: "x", lat: at.0 + 0.05, lon: at.1),
        ]
        let index = ResourceMatching.Index(offers)
        #expect(index.nearest(lat: at.0, lon: at.1, kind: .macro, radius: 1_000, limit: 10).map(\.resource.resourceId) == ["roof", "tower"])
        #expect(index.nearest(lat: at.0, lon: at.1, kind: .pole, radius: 1_000, limit: 2).map(\.resource.resourceId) == ["lamp", "roof"])
        #expect(index.nearest(lat: at.0, lon: at.1, kind: .indoor, radius: 1_000, limit: 10).map(\.resource.resourceId) == ["roof"])
        let d = ResourceMatching.distance(at.0, at.1, at.0 + 0.001, at.1)
        #expect(abs(d - 111.2) < 0.5, "0.001° of latitude is about 111 m: \(d)")
        for kind in SiteKind.allCases { #expect(!ResourceMatching.suits(kind, .newTower)) }
    }
}

/// Requests for offers: answered once; declining needs a reason; the fold at a moment.
@Suite struct SharingRequestTests {
    static let t = Instant(seconds: 1_590_000_000)
    static let request = ResourceRequest(id: "Q1", site: SiteKey(operator: .cmcc, code: "S1"), owner: "杆塔公司", resourceId: "T1",
                                         host: .existingTower, note: "")

    @Test func aRequestIsAnsweredOnceAndADeclineNeedsAReason() throws {
        let waiting = RequestState(request: Self.request, requestedAt: Self.t, requestedBy: "cmcc")
        #expect(waiting.status == "waiting")
        #expect(try SharingRequests.answer(waiting, id: "Q1", accepted: true, reason: "", at: Self.t).status == "accepted")
        let declined = try SharingRequests.answer(waiting, id: "Q1", accepted: false, reason: "高度不够", at: Self.t)
        #expect(declined.status == "declined" && declined.reason == "高度不够")
        #expect(throws: RolloutError("decline_needs_reason")) { try SharingRequests.answer(waiting, id: "Q1", accepted: false, reason: " ", at: Self.t) }
        #expect(throws: RolloutError("request_already_answered", kind: .conflict, ["value": "Q1"])) {
            try SharingRequests.answer(declined, id: "Q1", accepted: true, reason: "", at: Self.t)
        }
        #expect(throws: RolloutError("unknown_request", kind: .notFound, ["value": "Q9"])) { try SharingRequests.answer(nil, id: "Q9", accepted: true, reason: "", at: Self.t) }
        let log = [LoggedEvent(seq: 1, event: NewEvent(.resourceRequested(Self.request), occurredAt: Self.t, recordedAt: Self.t, actor: "cmcc")),
                   LoggedEvent(seq: 2, event: NewEvent(.resourceRequestAnswered(Self.request, accepted: true, reason: ""), occurredAt: Self.t.adding(days: 2),
                                                       recordedAt: Self.t.adding(days: 2), actor: "owner"))]
        #expect(SharingRequests.fold(log, at: ReadMoment(asOf: .including(Self.t.adding(days: 1))))["Q1"]?.status == "waiting")
        #expect(SharingRequests.fold(log, at: ReadMoment(asOf: .including(Self.t.adding(days: 3))))["Q1"]?.status == "accepted")
    }

    @Test func anAcceptedRequestHostsTheSiteAndCountsItAsSharedFromThen() throws {
        let reg = SiteRegistration(site: Self.request.site, regionCode: "500103", name: "n", lat: 29.5, lon: 106.5, kind: .macro)
        var ledger = Ledger()
        try ledger.apply(LoggedEvent(seq: 1, event: NewEvent(.siteRegistered(reg), occurredAt: Self.t, recordedAt: Self.t, actor: "cmcc")))
        #expect(!ledger.deltas.contains { $0.key.metric == Metric.sharedSites })
        try ledger.apply(LoggedEvent(seq: 2, event: NewEvent(.resourceRequestAnswered(Self.request, accepted: true, reason: ""),
                                                             occurredAt: Self.t.adding(days: 3), recordedAt: Self.t.adding(days: 3), actor: "o")))
        #expect(ledger.sites[reg.site]?.registration.host == .existingTower && ledger.sites[reg.site]?.registration.resourceId == "T1")
        let shared = ledger.deltas.filter { $0.key.metric == Metric.sharedSites }
        #expect(shared.count == 1 && shared[0].occurredAt == Self.t.adding(days: 3))
    }
}
