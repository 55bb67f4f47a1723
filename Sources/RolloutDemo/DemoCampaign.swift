import RolloutCore
import RolloutStorage

/// The Chongqing 2020 demo campaign, generated deterministically from a seed.
///
/// Sites are drawn one by one (each from its own random stream, so batches do not change the
/// result): the day it goes on air from the ``BuildCurve``, its region by weight × pace, its
/// operator by share, then its life from a ``SiteStory``. The log holds what happened and was
/// reported before the clock; sites planned after the clock do not exist yet.
public struct DemoCampaign: Sendable {
    /// The campaign's name, as the city published it.
    public static let name = "重庆市2020年5G网络建设攻坚"
    /// The 2020 plan: 30,000 new sites.
    public static let cityTarget = 30_000
    /// The campaign counts sites built from 1 January 2020.
    public static let start = ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2020, month: 1, day: 1)!)
    /// The 2020 plan is due at the end of 30 June 2020: the plan's first milestone.
    public static let deadline = ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2020, month: 7, day: 1)!).adding(seconds: -1)
    /// The three-year plan (未来3年…建成10万个5G基站) ends with 2022: the campaign's deadline.
    public static let planEnd = ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2023, month: 1, day: 1)!).adding(seconds: -1)
    /// The plan's milestones, cumulative sites counted from the campaign's start, as published
    /// (`campaign-figures.csv`): 30,000 by 30 June 2020 and 100,000 by the end of 2022, set at the
    /// launch; 70,000 by the end of 2021, set when the 2021 plan was published (22 March 2021).
    public static let milestones: [(target: Int, due: Instant, setAt: Instant)] = [
        (30_000, deadline, launch),
        (100_000, planEnd, launch),
        (70_000, ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2022, month: 1, day: 1)!).adding(seconds: -1),
         ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2021, month: 3, day: 22)!).adding(seconds: 10 * 3600)),
    ]
    /// The targets were allocated at the launch meeting of 9 April 2020.
    public static let launch = ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2020, month: 4, day: 9)!).adding(seconds: 10 * 3600)
    /// The default clock: the demo stands at the end of 15 June 2020.
    public static let defaultClockDay = ShanghaiCalendar.dayNumber(year: 2020, month: 6, day: 15)!
    /// The clock may stand from the start of 2020 to the end of the plan (2022).
    public static let clockRange = ShanghaiCalendar.dayNumber(year: 2020, month: 1, day: 1)!...ShanghaiCalendar.dayNumber(year: 2022, month: 12, day: 31)!

    /// The seed every random stream of the demo is drawn from (`--seed`, 2020 by default).
    public let seed: UInt64
    /// How many times the real campaign's sites and targets it makes (`--scale`; 1: the real size).
    public let scale: Int
    /// Facts before this cutoff are in the log.
    public let clock: Cutoff
    /// How the campaign is spread over regions and operators: weights, paces and targets.
    public let plan: DemoPlan
    let sampler: PointSampler
    let curve = BuildCurve.chongqing2020
    let candidates: Int
    let fraction: Double
    private let regionCodes: [String]
    private let regionPick: [Double]
    /// Which regions stall or build late (none in the standard demo).
    public let variant: DemoVariant
    let behaviour: RegionBehaviour
    /// The regions the variant makes stall, and those it makes build late (codes, sorted).
    public var stallingRegions: [String] { behaviour.stalling.sorted() }
    /// The regions the variant makes build late (codes, sorted).
    public var surgingRegions: [String] { behaviour.surging.sorted() }

    /// The campaign: its name, from 1 January 2020 to the end of the three-year plan (2022); its
    /// first milestone falls due at the end of 30 June 2020.
    public var campaign: Campaign {
        Campaign(name: DemoCampaign.name, start: DemoCampaign.start, deadline: DemoCampaign.planEnd, firstDue: DemoCampaign.deadline)
    }

    /// The moment the demo's clock stands at (the last second it includes).
    public var now: Instant { clock.before.adding(seconds: -1) }

    /// - Parameter fraction: a share of the sites and targets below scale 1, for fast tests (1 = the whole campaign).
    public init(regions: [Region], outlines: [String: Outline], seed: UInt64 = 2020, scale: Int = 1,
                clockDay: DayNumber = DemoCampaign.defaultClockDay, fraction: Double = 1, variant: DemoVariant = .standard) {
        self.seed = seed
        self.scale = scale
        clock = Cutoff.endOf(day: clockDay)
        let plan = DemoPlan(regions: regions, cityTarget: Int(Double(DemoCampaign.cityTarget * scale) * fraction), seed: seed,
                            milestones: DemoCampaign.milestones.sorted { $0.due < $1.due }.map { Int(Double($0.target * scale) * fraction) })
        self.plan = plan
        sampler = PointSampler(regions: regions, outlines: outlines)
        candidates = Int(curve.total * Double(scale) * fraction)
        self.fraction = fraction
        regionCodes = regions.map(\.code)
        regionPick = regions.map { plan.weights[$0.code]! * plan.pace[$0.code]! }
        self.variant = variant
        behaviour = RegionBehaviour(variant, plan: plan, regions: regions.map(\.code), seed: seed)
    }

    /// The plan's milestones as target lines, each set when it was published (the first two at the
    /// launch meeting), as events: every region's and each operator's share, cumulative.
    public func targetEvents() -> [NewEvent] {
        var out: [NewEvent] = []
        let byDue = DemoCampaign.milestones.sorted { $0.due < $1.due }.map(\.due)
        for m in DemoCampaign.milestones where clock.includes(m.setAt) {
            let split = plan.milestoneSplits[byDue.firstIndex(of: m.due)!]
            for code in regionCodes {
                out.append(NewEvent(.targetSet(TargetSetting(regionCode: code, target: split.regions[code]!, due: m.due)),
                                    occurredAt: m.setAt, recordedAt: m.setAt, actor: "city_office"))
                for (op, _) in DemoPlan.operatorShares {
                    out.append(NewEvent(.targetSet(TargetSetting(regionCode: code, operator: op, target: split.operators[code]![op]!, due: m.due)),
                                        occurredAt: m.setAt, recordedAt: m.setAt, actor: "city_office"))
                }
            }
        }
        return out
    }

    /// China Tower's records with no operator site: one for every 150 sites of the 2021 plan's
    /// 70,000 (the count the 2020 story was drawn with, kept when the curve went on to 2022).
    public func unclaimedTowerEvents() -> [NewEvent] {
        TowerStory.unclaimed(count: Int(70_000 * Double(scale) * fraction) / 150, regions: regionCodes, sampler: sampler, clock: clock, seed: seed)
    }

    /// The number of candidate sites (those planned after the clock yield no events).
    public var siteCount: Int { candidates }

    /// The events of the candidate sites in `range`, each site's events in the order the platform learned them.
    public func siteEvents(_ range: Range<Int>) -> [NewEvent] { siteBatch(range).events }

    /// The events of the candidate sites in `range`, with the photos and previews their evidence names.
    public func siteBatch(_ range: Range<Int>) -> (events: [NewEvent], blobs: [StoredBlob]) {
        var out: [NewEvent] = []
        var blobs: [StoredBlob] = []
        out.reserveCapacity(range.count * 10)
        for i in range { appendSite(i, to: &out, blobs: &blobs) }
        return (out, blobs)
    }

    /// The city office's evidence rules (evidence on from 11 May 2020, ranking by verified openings from 8 June).
    public func evidenceRuleEvents() -> [NewEvent] { EvidenceStory.ruleEvents(clock: clock) }

    /// The first photo of a site's opening and when it was attached, if it has one and lies in the
    /// region (what another site's reused photo is).
    private func firstPhoto(of i: Int, region: String) -> (bytes: [UInt8], at: Instant)? {
        guard i >= 0 else { return nil }
        var events: [NewEvent] = []
        var blobs: [StoredBlob] = []
        appendSite(i, to: &events, blobs: &blobs, reuse: false)
        // A site of the same region only: a variant's regions change nothing elsewhere.
        guard events.contains(where: { if case .siteRegistered(let r) = $0.body { r.regionCode == region } else { false } }) else { return nil }
        for e in events {
            if case .evidenceAttached(let p) = e.body, let b = blobs.first(where: { $0.sha256 == p.sha256 }) { return (b.bytes, e.recordedAt) }
        }
        return nil
    }

    private func appendSite(_ i: Int, to out: inout [NewEvent], blobs: inout [StoredBlob], reuse: Bool = true) {
        var rng = SeededRandom(seed: seed, stream: 2, item: UInt64(i))
        // When it goes on air: stratified along the curve, so the totals follow it closely.
        let u = (Double(i) + rng.unit()) / Double(candidates)
        let curveDay = curve.day(reaching: u * curve.total)
        let jitter = Int64(rng.uniform(-0.3...0.3) * 86_400)
        let region = regionCodes[rng.pick(weights: regionPick)]
        // A region of a variant may stall or build late (the standard demo's draws are unchanged).
        let dayValue = behaviour.day(curveDay, region: region)
        let onAir = Instant(seconds: Int64(dayValue * 86_400) - ShanghaiCalendar.offset).adding(seconds: jitter)
        let op = DemoPlan.operatorShares[rng.pick(weights: DemoPlan.operatorShares.map(\.1))].0
        let kind = [SiteKind.macro, .micro, .indoor, .pole][rng.pick(weights: [0.62, 0.12, 0.14, 0.12])]
        let host: Host = switch kind {
        case .macro: [Host.newTower, .existingTower, .powerTower, .rooftop][rng.pick(weights: [0.45, 0.30, 0.05, 0.20])]
        case .micro, .pole: [Host.streetLamp, .trafficPole, .policePole, .rooftop][rng.pick(weights: [0.5, 0.2, 0.15, 0.15])]
        case .indoor: .indoorSystem
        }
        let story = SiteStory(onAir: onAir, host: host, lagging: plan.lagging.contains(region), rng: &rng)
        guard clock.includes(story.registeredAt) else { return }

        let point = sampler.point(in: region, rng: &rng)
        let band: String = switch op {
        case .cmcc: rng.chance(0.7) ? "n41" : "n79"
        case .ctcc, .cucc: "n78"
        case .cbn: rng.chance(0.8) ? "n28" : "n79"
        case .tower: "n78"
        }
        let key = SiteKey(operator: op, code: "\(op.rawValue.uppercased())-\(region)-\(String(i, radix: 10).leftPadded(to: 7))")
        let place = DemoCampaign.places[Int(rng.unit() * Double(DemoCampaign.places.count))]
        let regionName = plan.regions.first { $0.code == region }!.nameZh
        let planned = story.registeredAt.adding(days: Int(rng.uniform(45...75)))
        var registration = SiteRegistration(
            site: key, regionCode: region, name: "\(regionName)\(place)\(kind.chineseName)\(i % 10_000)",
            lat: point.lat, lon: point.lon, kind: kind, band: band, host: host,
            plannedOnAir: story.registeredAt < DemoCampaign.deadline && planned > DemoCampaign.deadline ? DemoCampaign.deadline : planned)
        // China Tower's record of the site's tower (its own random stream): the file names it, mostly.
        let tower = TowerStory(index: i, registration: registration, story: story, clock: clock, seed: seed, sampler: sampler)
        registration.towerSiteCode = tower?.named
        // Its contractor (illustrative): the same for an operator's sites in a region.
        if op != .tower { registration.contractor = SafetyStory.contractor(region: region, operator: op) }
        let actor = "\(op.rawValue)-import"
        var events: [NewEvent] = []
        func report(_ body: EventBody, at t: Instant) {
            // Operators upload in the evening; most the same day, some the next, a few days late.
            let lagDays: Int = [0, 1, Int(rng.uniform(2...9))][rng.pick(weights: [0.65, 0.25, 0.10])]
            let day = ShanghaiCalendar.day(of: t) + lagDays
            var recorded = ShanghaiCalendar.start(of: day).adding(seconds: Int64(rng.uniform(19...23) * 3600))
            if recorded <= t { recorded = t.adding(seconds: Int64(rng.uniform(600...7200))) }
            guard clock.includes(t), clock.includes(recorded) else { return }
            events.append(NewEvent(body, occurredAt: t, recordedAt: recorded, actor: actor))
        }
        report(.siteRegistered(registration), at: story.registeredAt)
        for (stage, t) in story.stageTimes {
            let always = stage == .onAir || stage == .siteSecured
            if always || rng.chance(0.72) { report(.stageReported(site: key, stage: stage, note: nil), at: t) }
            if stage == .installed, let rb = story.rollback {
                report(.stageRolledBack(site: key, stage: rb.to, reason: "设备故障返厂，重新安装"), at: rb.at)
                report(.stageReported(site: key, stage: .installed, note: "重新安装完成"), at: rb.redoneAt)
            }
        }
        for (n, o) in story.obstacles.enumerated() {
            let ref = "OB-\(key.code)-\(n + 1)"
            let before = events.count
            let opening = ObstacleOpening(org: op.rawValue, ref: ref, site: key, regionCode: region, operator: op,
                                          category: o.category, responsible: o.responsible, description: o.description)
            report(.obstacleOpened(opening), at: o.openedAt)
            if events.count > before {
                let openedKnown = events[before].recordedAt
                let resolvedIndex = events.count
                report(.obstacleResolved(org: op.rawValue, ref: ref), at: o.resolvedAt)
                // The platform cannot learn of a resolution before it learned of the obstacle.
                if events.count > resolvedIndex, events[resolvedIndex].recordedAt <= openedKnown {
                    events[resolvedIndex].recordedAt = openedKnown.adding(seconds: 1)
                    if !clock.includes(events[resolvedIndex].recordedAt) { events.removeLast() }
                }
                events += DispatchStory.events(for: opening, opened: events[before], resolved: events.count > resolvedIndex ? events[resolvedIndex] : nil,
                                               operatorActor: actor, clock: clock, rng: &rng)
            }
        }
        // The registration must come first: a report the platform learned earlier waits for it.
        guard let first = events.first, case .siteRegistered = first.body else { return }
        let registrationKnown = first.recordedAt
        for j in events.indices where events[j].recordedAt < registrationKnown { events[j].recordedAt = registrationKnown }
        events.sort { ($0.recordedAt, $0.occurredAt) < ($1.recordedAt, $1.occurredAt) }
        if let r = events.firstIndex(where: { if case .siteRegistered = $0.body { true } else { false } }), r != 0 {
            events.insert(events.remove(at: r), at: 0)
        }
        // Its field evidence, if it opened after evidence was on (a stream of its own).
        blobs += EvidenceStory.weave(&events, index: i, site: key, region: region, lat: point.lat, lon: point.lon, scale: scale, clock: clock, seed: seed,
                                     reusable: { reuse ? firstPhoto(of: i - 1, region: region) : nil })
        out.append(contentsOf: tower?.events ?? [])
        out.append(contentsOf: events)
        // Its safety inspection, if any (a stream of its own: the site's draws are unchanged).
        var times = story.stageTimes.map(\.1) + [story.registeredAt]
        if let rb = story.rollback { times += [rb.at, rb.redoneAt] }
        out.append(contentsOf: SafetyStory.events(index: i, site: key, region: region, times: times, clock: clock, seed: seed))
    }

    static let places = ["学府路", "人民医院", "工业园", "商业街", "高铁站", "花园小区", "政务中心", "体育馆", "大学城",
                         "物流园", "码头", "中心广场", "隧道口", "景区", "镇政府", "村委会", "新城", "老街", "滨江路", "汽车站"]
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
