import Foundation
import RolloutCore

/// China Tower's portfolio in the demo: a record for the tower of nearly every operator site on a
/// new or an existing tower, mostly agreeing with the operator's, and a few hundred of each kind
/// of mismatch, some of them resolved by the city office. Drawn from a stream of its own, so the
/// operators' sites (and the published figures) are the same with it as without it.
struct TowerStory {
    /// What becomes of one operator site's tower record.
    enum Cohort { case agreeing, missing, conflict, apart, gap }

    static let stream: UInt64 = 0x70E4
    /// The office that resolves mismatches in the demo.
    static let resolver = "city_office"

    /// The tower's code, when the operator's file names it.
    var named: String?
    /// China Tower's events and the office's resolutions, in recorded order.
    var events: [NewEvent] = []

    /// The tower record of an operator's site on a tower (nil when the site is on anything else).
    init?(index i: Int, registration r: SiteRegistration, story: SiteStory, clock: Cutoff, seed: UInt64, sampler: PointSampler) {
        guard Reconciliation.expectsTower(r.host) else { return nil }
        var rng = SeededRandom(seed: seed, stream: Self.stream, item: UInt64(i))
        let u = rng.unit()
        let cohort: Cohort = u < 0.012 ? .missing : u < 0.026 ? .conflict : u < 0.038 ? .apart : u < 0.150 ? .gap : .agreeing
        func at(_ stage: Stage) -> Instant? { story.stageTimes.first { $0.0 == stage }?.1 }
        var out: [NewEvent] = []
        func log(_ body: EventBody, at t: Instant, actor: String = "tower-import") {
            let recorded = t.adding(seconds: Int64(rng.uniform(2...6) * 3600))
            guard clock.includes(t), clock.includes(recorded) else { return }
            out.append(NewEvent(body, occurredAt: t, recordedAt: recorded, actor: actor))
        }
        guard cohort != .missing else {
            // A third of the missing records were explained: the operator built its own mast.
            if rng.chance(0.35) {
                log(.reconciliationResolved(Reconciliation.Resolution(
                    kind: .towerMissing, operatorSite: r.site, towerSite: nil, regionCode: r.regionCode, operatorValue: r.host.rawValue,
                    towerValue: nil, right: .operator, note: "运营商自建杆塔，非铁塔承建，无需铁塔记录")),
                    at: story.registeredAt.adding(days: 12), actor: Self.resolver)
            }
            events = out
            return
        }
        let code = "TT-\(r.regionCode)-\(String(i).leftPadded(to: 7))"
        let key = SiteKey(operator: .tower, code: code)
        // Near the operator's point (a few metres), or 150–400 m off for a record that is wrong.
        let metres = cohort == .apart ? rng.uniform(150...400) : rng.uniform(0...15)
        let bearing = rng.uniform(0...(2 * .pi))
        // The other way when that leaves the district (a site near its edge), else the operator's point.
        var (lat, lon) = (r.lat, r.lon)
        for turn in [0.0, .pi] {
            let b = bearing + turn
            let p = (r.lat + metres * cos(b) / 111_195, r.lon + metres * sin(b) / (111_195 * cos(r.lat * .pi / 180)))
            if sampler.contains(r.regionCode, lat: p.0, lon: p.1) { (lat, lon) = p; break }
        }
        let registered = story.registeredAt.adding(seconds: -Int64(rng.uniform(1...10) * 86_400))
        named = cohort == .apart || rng.chance(0.7) ? code : nil
        log(.siteRegistered(SiteRegistration(site: key, regionCode: r.regionCode, name: "\(r.name)铁塔", lat: lat, lon: lon, kind: .macro,
                                             host: r.host)), at: registered)
        let civil = at(.civilDone) ?? registered, power = at(.powerReady) ?? registered
        switch cohort {
        case .conflict:
            // The tower's power never reported: the operator installs on a tower China Tower calls unpowered.
            log(.stageReported(site: key, stage: .civilDone, note: nil), at: max(registered, civil.adding(seconds: -86_400)))
        case .gap:
            // Ready early; the operator comes weeks later (one tower in nine: most of them are
            // installed on by the clock, and a few hundred still wait then).
            log(.stageReported(site: key, stage: .powerReady, note: nil), at: registered.adding(days: 3))
        case .agreeing, .apart, .missing:
            let ready = max(registered, power.adding(seconds: -Int64(rng.uniform(0...2) * 86_400)))
            if clock.includes(ready) {
                log(.stageReported(site: key, stage: .powerReady, note: nil), at: ready)
            } else {
                log(.stageReported(site: key, stage: .civilDone, note: nil), at: max(registered, civil.adding(seconds: -86_400)))
            }
        }
        if cohort == .apart, rng.chance(0.4) {
            // Resolved: China Tower's coordinates were wrong (the values stay as they are).
            log(.reconciliationResolved(Reconciliation.Resolution(
                kind: .apart, operatorSite: r.site, towerSite: key, regionCode: r.regionCode, operatorValue: Reconciliation.position(lat: r.lat, lon: r.lon),
                towerValue: Reconciliation.position(lat: lat, lon: lon), right: .operator, note: "铁塔台账坐标有误，以运营商现场实测为准")),
                at: story.registeredAt.adding(days: 15), actor: Self.resolver)
        }
        events = out
    }

    /// China Tower's records with no operator site on them: towers built ahead of demand, one per
    /// `every` operator sites of the plan, drawn in the regions as the sites are.
    static func unclaimed(count: Int, regions: [String], sampler: PointSampler, clock: Cutoff, seed: UInt64) -> [NewEvent] {
        var out: [NewEvent] = []
        for n in 0..<count {
            var rng = SeededRandom(seed: seed, stream: stream + 1, item: UInt64(n))
            let region = regions[Int(rng.next() % UInt64(regions.count))]
            let point = sampler.point(in: region, rng: &rng)
            let registered = DemoCampaign.start.adding(seconds: Int64(rng.uniform(-60...150) * 86_400))
            let key = SiteKey(operator: .tower, code: "TT-\(region)-U\(String(n).leftPadded(to: 5))")
            let recorded = registered.adding(seconds: 5 * 3600)
            guard clock.includes(recorded) else { continue }
            out.append(NewEvent(.siteRegistered(SiteRegistration(site: key, regionCode: region, name: "储备铁塔\(n)", lat: point.lat, lon: point.lon,
                                                                 kind: .macro)), occurredAt: registered, recordedAt: recorded, actor: "tower-import"))
            let ready = registered.adding(days: 20 + Int(rng.next() % 20))
            if clock.includes(ready.adding(seconds: 5 * 3600)) {
                out.append(NewEvent(.stageReported(site: key, stage: .powerReady, note: nil), occurredAt: ready, recordedAt: ready.adding(seconds: 5 * 3600),
                                    actor: "tower-import"))
            }
        }
        return out
    }
}
