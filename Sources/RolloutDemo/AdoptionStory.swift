import RolloutCore

/// The demo's 5G adoption: subscribers and traffic per operator, region and month of 2020, the
/// subscriber targets set at the launch meeting, and application projects with their histories.
///
/// Published (`shared/data/campaign-figures.csv`): 675,000 5G users in April 2020 (China News
/// Service, 2020-04-14) and a 9 % penetration at the end of 2020 (Chongqing Communications
/// Administration), over the 7th-census population of 32,054,159. Everything else is
/// illustrative: the other months, the operators' and regions' shares, traffic, targets and the
/// projects.
extension DemoCampaign {
    /// Chongqing's resident population at the 7th census (2020-11-01), citypopulation.de.
    public static let cityPopulation = 32_054_159
    /// 5G users at each month's end of 2020: April's published, December's 9 % of the population,
    /// the others illustrative.
    public static let subscriberCurve = [300_000, 410_000, 530_000, 675_000, 850_000, 1_050_000, 1_270_000, 1_510_000, 1_770_000,
                                         2_060_000, 2_410_000, Int((0.09 * Double(cityPopulation)).rounded())]
    /// The operators' shares of 5G users (China Broadnet had no 5G users in 2020).
    static let subscriberShares: [(Operator, Double)] = [(.cmcc, 0.55), (.ctcc, 0.25), (.cucc, 0.20)]
    /// Monthly traffic per 5G user, GB.
    static let trafficPerUserGB: [Operator: Double] = [.cmcc: 21, .ctcc: 19, .cucc: 18]
    /// The subscriber target for the end of 2020 set at the launch meeting (illustrative).
    public static let subscriberTarget = 3_000_000

    /// Each region's 5G users in a month of 2020: the regions whose census population is known
    /// hold the city's penetration of it between them, the others the rest by their site targets;
    /// within each group a region's share drifts through the year (some adopt early, some late)
    /// and is its population's (or target's) share in December.
    func regionSubscribers(month: Int) -> [String: Int] {
        let total = Self.subscriberCurve[month - 1]
        let rate = Double(total) / Double(Self.cityPopulation)
        func drift(_ r: Region) -> Double {
            var rng = SeededRandom(seed: seed, stream: 0xAD0E, item: UInt64(plan.regions.firstIndex(of: r) ?? 0))
            return 1 + rng.uniform(-0.6...0.6) * Double(month - 12) / 12
        }
        let known = plan.regions.filter { $0.population != nil }, rest = plan.regions.filter { $0.population == nil }
        let people = known.reduce(0) { $0 + $1.population! }
        let knownUsers = min(total, Int((rate * Double(people)).rounded()))
        var out = DemoPlan.apportion(knownUsers, weights: known.map { ($0.code, Double($0.population!) * drift($0)) })
        out.merge(DemoPlan.apportion(total - knownUsers, weights: rest.map { ($0.code, Double(max(1, plan.regionTargets[$0.code] ?? 1)) * drift($0)) })) { a, _ in a }
        return out
    }

    /// Every adoption event before the clock: the targets at the launch, each month's figures on
    /// its last day at 20:00 (one operator corrects one March figure in April), the projects' steps.
    public func adoptionEvents() -> [NewEvent] {
        var out: [NewEvent] = []
        func add(_ body: EventBody, at: Instant, recorded: Instant? = nil, actor: String) {
            let known = recorded ?? at
            if clock.includes(known) { out.append(NewEvent(body, occurredAt: at, recordedAt: known, actor: actor)) }
        }
        let december = regionSubscribers(month: 12)
        let due = ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2021, month: 1, day: 1)!).adding(seconds: -1)
        for (code, n) in DemoPlan.apportion(Self.subscriberTarget, weights: december.map { ($0.key, Double($0.value)) }).sorted(by: { $0.key < $1.key }) {
            add(.subscriberTargetSet(SubscriberTarget(regionCode: code, target: n, due: due)), at: DemoCampaign.launch, actor: "city_office")
        }
        for month in 1...12 {
            let m = YearMonth(year: 2020, month: month)!
            let at = m.lastSecond.adding(seconds: -4 * 3600 + 1)  // 20:00 on the last day
            for (code, users) in regionSubscribers(month: month).sorted(by: { $0.key < $1.key }) {
                for (op, n) in DemoPlan.apportion(users, weights: Self.subscriberShares.map { ($0.0.rawValue, $0.1) }).sorted(by: { $0.key < $1.key }) {
                    let o = Operator(rawValue: op)!
                    let traffic = (Double(n) * Self.trafficPerUserGB[o]! / 100).rounded() / 10
                    var reported = n
                    // A first report of March too low by a tenth in Yuzhong, corrected on 3 April.
                    let corrected = month == 3 && code == "500103" && o == .cucc
                    if corrected { reported = n - n / 10 }
                    add(.subscribersReported(SubscriberFigure(month: m, operator: o, regionCode: code, subscribers: reported, trafficTB: traffic)),
                        at: at, actor: "\(op)-sys")
                    if corrected {
                        let fixed = ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2020, month: 4, day: 3)!).adding(seconds: 11 * 3600)
                        add(.subscribersReported(SubscriberFigure(month: m, operator: o, regionCode: code, subscribers: n, trafficTB: traffic)),
                            at: at, recorded: fixed, actor: "\(op)-sys")
                    }
                }
            }
        }
        out += projectEvents()
        return out.sorted { ($0.recordedAt, $0.occurredAt) < ($1.recordedAt, $1.occurredAt) }
    }

    /// The number of demo projects.
    public static let projectCount = 48

    /// The projects' steps before the clock: proposed in January to April, then approved, built
    /// and put in operation weeks apart; a few stop.
    func projectEvents() -> [NewEvent] {
        var out: [NewEvent] = []
        let domains = ApplicationProject.Domain.allCases
        let regions = plan.regions
        let weights = regions.map { Double(plan.regionTargets[$0.code] ?? 1) }
        let leads = ["人民医院", "制造企业", "中学", "景区管理处", "物流园", "港务公司", "供电公司", "农业合作社", "体育中心", "商圈管理处"]
        for i in 0..<Self.projectCount {
            var rng = SeededRandom(seed: seed, stream: 0xAD0F, item: UInt64(i))
            let domain = domains[i % domains.count]
            let region = regions[rng.pick(weights: weights)]
            let op: Operator? = rng.chance(0.15) ? nil : Self.subscriberShares[rng.pick(weights: Self.subscriberShares.map(\.1))].0
            let ref = String(format: "CQ5G-%03d", i + 1)
            let project = ApplicationProject(ref: ref, name: "\(region.nameZh)\(domain.chineseName)示例项目", domain: domain, regionCode: region.code,
                                             operator: op, leadOrg: "\(region.nameZh)某\(leads[i % leads.count])", status: .proposed,
                                             investmentCNY: (rng.uniform(2...80) * 10).rounded() * 100_000, demonstration: rng.chance(0.2))
            let actor = op.map { "\($0.rawValue)-sys" } ?? "city_office"
            var day = ShanghaiCalendar.dayNumber(year: 2020, month: 1, day: 6)! + Int(rng.uniform(0...110))
            var steps: [(ApplicationProject.Status, Int)] = [(.proposed, day)]
            for (status, gap) in [(ApplicationProject.Status.approved, 14...40), (.building, 10...30), (.inOperation, 30...100)] {
                day += Int(rng.uniform(Double(gap.lowerBound)...Double(gap.upperBound)))
                steps.append((status, day))
            }
            if rng.chance(0.08) { steps[3] = (.stopped, steps[3].1) }
            for (status, d) in steps {
                var p = project
                p.status = status
                let at = ShanghaiCalendar.start(of: d).adding(seconds: 15 * 3600)
                if clock.includes(at) { out.append(NewEvent(.applicationRecorded(p), occurredAt: at, recordedAt: at, actor: actor)) }
            }
        }
        return out
    }
}
