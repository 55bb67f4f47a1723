/// The assessment scorecard (考核): a weighted score per district over the levers, as of any
/// moment. Each part scores 0–100; a part whose data does not exist (yet) weighs nothing, and the
/// score is the weighted mean of the parts that have data. Pure: the application gathers the inputs.
public enum Scorecard {
    /// The parts of the score.
    public enum Part: String, CaseIterable, Codable, Sendable, Comparable {
        /// Sites built against the target pro rata to the time gone by.
        case build
        /// The share of sites verified: until field verification exists, the share of the district's
        /// operator sites paired with China Tower's record whose records agree (the reconciliation rate).
        case verified
        /// Open obstacles still within their service-level clock.
        case obstacles
        /// Reporting periods of the district's office not missed in the window.
        case reporting
        /// Safety findings per 100 sites (a major one weighing three), as a penalty: 10 points each.
        case safety
        /// 5G application projects in operation, against the district with the most.
        case applications
        /// 5G subscriber growth over the last months, against the district that grew most.
        case subscribers

        /// Orders parts as listed.
        public static func < (a: Part, b: Part) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }

    /// The weight of each part, as the city office sets them.
    public struct Weights: Codable, Hashable, Sendable {
        /// The weights, by part's code; a part not named weighs nothing.
        public var values: [String: Double]

        /// Weights as written (checked by ``validated()``).
        public init(values: [String: Double]) { self.values = values }

        /// Weights by part.
        public init(_ values: [Part: Double]) { self.values = Dictionary(uniqueKeysWithValues: values.map { ($0.key.rawValue, $0.value) }) }

        /// The weight of a part.
        public subscript(_ part: Part) -> Double { values[part.rawValue] ?? 0 }

        /// The weights before the office sets any: build 40, verified 15, obstacles 15, reporting 10,
        /// safety 10, applications 5, subscribers 5.
        public static let standard = Weights([.build: 40, .verified: 15, .obstacles: 15, .reporting: 10, .safety: 10, .applications: 5, .subscribers: 5])

        /// Checks weights the office sets: known parts, each 0–1,000 and finite, summing to more
        /// than zero. Throws `scorecard_bad_part`, `scorecard_bad_weight`, `scorecard_zero_weights`.
        public func validated() throws -> Weights {
            for (code, w) in values {
                guard Part(rawValue: code) != nil else { throw RolloutError("scorecard_bad_part", ["value": String(code.prefix(40))]) }
                guard w.isFinite, w >= 0, w <= 1_000 else { throw RolloutError("scorecard_bad_weight", ["value": code]) }
            }
            guard values.values.reduce(0, +) > 0 else { throw RolloutError("scorecard_zero_weights") }
            return self
        }
    }

    /// What a district's score is computed from.
    public struct Inputs: Hashable, Sendable {
        /// The district's code.
        public var region: String
        /// Sites built since the campaign's start.
        public var built: Int
        /// The district's target (nil: none set).
        public var target: Int?
        /// The share of the campaign's time gone by (0–1).
        public var elapsed: Double
        /// Obstacles open at the moment.
        public var openObstacles: Int
        /// Of those, the ones whose clock has run out.
        public var overdueObstacles: Int
        /// Reporting periods of the district's office ended in the window (nil: not known).
        public var reportingPeriods: Int?
        /// Of those, the ones without a report.
        public var missedPeriods: Int?
        /// Application projects in operation in the district (nil: the campaign has no project recorded).
        public var applicationsInOperation: Int?
        /// The district's relative subscriber growth (nil: not known, see ``Adoption/growth(region:)``).
        public var subscriberGrowth: Double?
        /// The district's operator sites paired with a China Tower record (nil: not known).
        public var pairedSites: Int?
        /// Of those, the ones whose records agree (no open mismatch).
        public var agreeingSites: Int?
        /// Safety findings per 100 sites, a major one weighing three (nil: no inspection recorded in the campaign, or no site).
        public var safetyPer100: Double?
        /// The district's openings that needed field evidence (nil: evidence never switched on).
        public var evidenceOpenings: Int? = nil
        /// Of those, the verified ones (accepted + verified).
        public var evidenceVerified: Int? = nil

        /// Inputs as gathered.
        public init(region: String, built: Int, target: Int?, elapsed: Double, openObstacles: Int, overdueObstacles: Int,
                    reportingPeriods: Int?, missedPeriods: Int?, applicationsInOperation: Int? = nil, subscriberGrowth: Double? = nil,
                    pairedSites: Int? = nil, agreeingSites: Int? = nil, safetyPer100: Double? = nil) {
            self.region = region; self.built = built; self.target = target; self.elapsed = elapsed
            self.openObstacles = openObstacles; self.overdueObstacles = overdueObstacles
            self.reportingPeriods = reportingPeriods; self.missedPeriods = missedPeriods
            self.applicationsInOperation = applicationsInOperation; self.subscriberGrowth = subscriberGrowth
            self.pairedSites = pairedSites; self.agreeingSites = agreeingSites; self.safetyPer100 = safetyPer100
        }

        /// What the plan expects by the moment (pro rata within the milestone in force), when known.
        public var planned: Double? = nil

        /// The plan's pro-rata number (the target pro rata to the time gone by, without a plan);
        /// nil without a target or before any time has gone by.
        public var proRataTarget: Double? {
            guard let target, target > 0, elapsed > 0 else { return nil }
            if let planned { return planned > 0 ? planned : nil }
            return Double(target) * elapsed
        }
    }

    /// Two decimals, as the page, the API and the export show scores.
    public static func rounded(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    /// What the relative parts are measured against: the best of all districts.
    public struct Peers: Hashable, Sendable {
        /// The most application projects in operation in one district.
        public var mostApplications: Int
        /// The highest subscriber growth of one district.
        public var bestGrowth: Double

        /// The best of the districts' inputs.
        public init(_ inputs: [Inputs]) {
            mostApplications = inputs.compactMap(\.applicationsInOperation).max() ?? 0
            bestGrowth = inputs.compactMap(\.subscriberGrowth).max() ?? 0
        }
    }

    /// A part's score, 0–100, or nil when its data does not exist. The relative parts
    /// (applications, subscribers) score 100 for the best district and the others in proportion;
    /// without `peers`, a district is measured against itself.
    public static func partScore(_ part: Part, _ i: Inputs, peers: Peers? = nil) -> Double? {
        let peers = peers ?? Peers([i])
        switch part {
        case .build:
            guard let due = i.proRataTarget else { return nil }
            return min(100, 100 * Double(i.built) / due)
        case .obstacles:
            guard i.openObstacles > 0 else { return 100 }
            return 100 * Double(i.openObstacles - min(i.overdueObstacles, i.openObstacles)) / Double(i.openObstacles)
        case .reporting:
            guard let periods = i.reportingPeriods, periods > 0 else { return nil }
            return 100 * Double(periods - min(i.missedPeriods ?? 0, periods)) / Double(periods)
        case .applications:
            guard let n = i.applicationsInOperation else { return nil }
            return peers.mostApplications > 0 ? 100 * Double(n) / Double(peers.mostApplications) : 0
        case .subscribers:
            guard let g = i.subscriberGrowth else { return nil }
            return peers.bestGrowth > 0 ? 100 * max(0, g) / peers.bestGrowth : 0
        case .verified:
            // Field evidence once it exists; before, the reconciliation rate with China Tower's records.
            if let openings = i.evidenceOpenings, openings > 0 { return 100 * Double(min(i.evidenceVerified ?? 0, openings)) / Double(openings) }
            guard let paired = i.pairedSites, paired > 0 else { return nil }
            return 100 * Double(min(i.agreeingSites ?? 0, paired)) / Double(paired)
        case .safety:
            guard let x = i.safetyPer100 else { return nil }
            return max(0, 100 - 10 * x)
        }
    }

    /// A district's line: its parts, its score and its rank.
    public struct Line: Hashable, Sendable {
        /// The district's code.
        public var region: String
        /// The inputs it was computed from.
        public var inputs: Inputs
        /// Each part's score (nil: no data).
        public var parts: [Part: Double?]
        /// The weighted mean of the parts with data and weight; nil when none has both.
        public var score: Double?
        /// 1 for the best score; nil without a score.
        public var rank: Int?
    }

    /// Every district's line, ranked: the best score first, ties by code; districts without a score last.
    public static func lines(_ inputs: [Inputs], weights: Weights) -> [Line] {
        let peers = Peers(inputs)
        var out = inputs.map { i -> Line in
            var parts: [Part: Double?] = [:]
            var sum = 0.0, weight = 0.0
            for p in Part.allCases {
                let s = partScore(p, i, peers: peers)
                parts[p] = .some(s)
                if let s, weights[p] > 0 { sum += weights[p] * s; weight += weights[p] }
            }
            return Line(region: i.region, inputs: i, parts: parts, score: weight > 0 ? sum / weight : nil, rank: nil)
        }
        out.sort { a, b in
            switch (a.score, b.score) {
            case let (x?, y?): return x != y ? x > y : a.region < b.region
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return a.region < b.region
            }
        }
        for k in out.indices where out[k].score != nil { out[k].rank = k + 1 }
        return out
    }
}
