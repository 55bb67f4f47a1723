import Foundation

/// Listed supervision (挂牌督办): the city office lists a region that keeps falling behind, with a
/// deadline and a required rectification; reviews it; delists it with a reason. The rule that
/// proposes a listing is the office's to set. Every step is an event; a region's listing at any
/// moment is the fold of its events up to then.
public enum Supervision {
    /// What proposes a listing: a region below `share` of its pro-rata target in each of the last
    /// `consecutive` bulletins.
    public struct Rule: Codable, Hashable, Sendable {
        /// The share of its pro-rata target below which a region falls behind (0.6: 60 %).
        public var share: Double
        /// How many bulletins in a row it must fall behind in (from 1).
        public var consecutive: Int
        /// A rule as given; ``validated()`` checks one the office sets.
        public init(share: Double, consecutive: Int) { self.share = share; self.consecutive = consecutive }
        /// The rule until the office sets one: below 60 % in two bulletins in a row.
        public static let standard = Rule(share: 0.6, consecutive: 2)

        /// Checks a rule the office sets.
        public func validated() throws -> Rule {
            guard share > 0, share <= 1 else { throw RolloutError("supervision_bad_share", ["value": "\(share)"]) }
            guard (1...12).contains(consecutive) else { throw RolloutError("supervision_bad_consecutive", ["value": "\(consecutive)"]) }
            return self
        }
    }

    /// One step of the lever, as the log records it.
    public enum Step: Codable, Hashable, Sendable {
        /// The region is listed, with the deadline and the rectification it must make.
        case listed(deadline: Instant, rectification: String)
        /// The listing is reviewed, with a note and, perhaps, a new deadline.
        case reviewed(note: String, deadline: Instant?)
        /// The region is delisted, with the reason.
        case delisted(reason: String)
    }

    /// A region's listing as it stands.
    public struct Listing: Encodable, Equatable, Sendable {
        /// The listed region's code.
        public var region: String
        /// When it was listed.
        public var listedAt: Instant
        /// When the rectification is due; a review may move it.
        public var deadline: Instant
        /// What the region must put right.
        public var rectification: String
        /// The reviews, oldest first.
        public var reviews: [Review]
        /// Set once delisted: the listing is then history.
        public var delistedAt: Instant?
        /// Why it was delisted.
        public var delistReason: String?

        /// A review of a listing: when, what it found, and a new deadline if it set one.
        public struct Review: Encodable, Equatable, Sendable {
            /// When the review took place.
            public var at: Instant
            /// What the review found.
            public var note: String
            /// A new deadline set at the review, if any.
            public var deadline: Instant?

            enum CodingKeys: String, CodingKey { case at, note, deadline }
            /// The instant as ISO-8601, the deadline as its last day.
            public func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(at.description, forKey: .at)
                try c.encode(note, forKey: .note)
                try c.encodeIfPresent(deadline.map(Supervision.day), forKey: .deadline)
            }
        }

        enum CodingKeys: String, CodingKey { case region, listedAt, deadline, rectification, reviews, delistedAt, delistReason, active }

        /// Instants as ISO-8601, the deadline as its last day.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(region, forKey: .region)
            try c.encode(listedAt.description, forKey: .listedAt)
            try c.encode(Supervision.day(deadline), forKey: .deadline)
            try c.encode(rectification, forKey: .rectification)
            try c.encode(reviews, forKey: .reviews)
            try c.encodeIfPresent(delistedAt?.description, forKey: .delistedAt)
            try c.encodeIfPresent(delistReason, forKey: .delistReason)
            try c.encode(isActive, forKey: .active)
        }

        /// Whether the region is still listed.
        public var isActive: Bool { delistedAt == nil }
        /// Whether the deadline has passed at a moment without the region being delisted.
        public func isOverdue(at now: Instant) -> Bool { isActive && now >= deadline }
    }

    /// Applies a step to a region's current listing (nil: not listed), or says why it cannot be
    /// taken: listing a listed region, reviewing or delisting one that is not listed, a deadline
    /// not after the step, an empty rectification, note or reason.
    public static func apply(_ step: Step, region: String, to current: Listing?, at: Instant) throws -> Listing {
        let active = current?.isActive == true ? current : nil
        switch step {
        case .listed(let deadline, let rectification):
            guard active == nil else { throw RolloutError("supervision_already_listed", kind: .conflict, ["value": region]) }
            let text = try required(rectification, "supervision_rectification_required")
            guard deadline > at else { throw RolloutError("supervision_deadline_past", ["value": deadline.description]) }
            return Listing(region: region, listedAt: at, deadline: deadline, rectification: text, reviews: [])
        case .reviewed(let note, let deadline):
            guard var listing = active else { throw RolloutError("supervision_not_listed", kind: .conflict, ["value": region]) }
            let text = try required(note, "supervision_note_required")
            if let deadline {
                guard deadline > at else { throw RolloutError("supervision_deadline_past", ["value": deadline.description]) }
                listing.deadline = deadline
            }
            listing.reviews.append(Listing.Review(at: at, note: text, deadline: deadline))
            return listing
        case .delisted(let reason):
            guard var listing = active else { throw RolloutError("supervision_not_listed", kind: .conflict, ["value": region]) }
            listing.delistReason = try required(reason, "supervision_reason_required")
            listing.delistedAt = at
            return listing
        }
    }

    /// A deadline (the start of the day after) as its last day.
    static func day(_ t: Instant) -> String { ShanghaiCalendar.dateString(t.adding(seconds: -1)) }

    static func required(_ text: String, _ code: String) throws -> String {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else { throw RolloutError(code) }
        guard t.count <= 1000 else { throw RolloutError("text_too_long", ["value": "1000"]) }
        return t
    }

    /// The listings at a moment, from the lever's events in log order (field time, then sequence):
    /// per region its latest listing (active or delisted), as of the moment and as known then.
    public static func listings(_ events: [LoggedEvent], at moment: ReadMoment) -> [String: Listing] {
        var out: [String: Listing] = [:]
        for e in events.sorted(by: { ($0.event.occurredAt, $0.seq) < ($1.event.occurredAt, $1.seq) })
        where moment.asOf.includes(e.event.occurredAt) && (moment.knownAt?.includes(e.event.recordedAt) ?? true) {
            guard case .supervision(let region, let step) = e.event.body else { continue }
            // Steps were checked when recorded; one that no longer applies (a late record) is skipped.
            if let next = try? apply(step, region: region, to: out[region], at: e.event.occurredAt) { out[region] = next }
        }
        return out
    }

    /// The rule in force at a moment (the standard one until the office sets another).
    public static func rule(_ events: [LoggedEvent], at moment: ReadMoment) -> Rule {
        var rule = Rule.standard
        for e in events.sorted(by: { ($0.event.occurredAt, $0.seq) < ($1.event.occurredAt, $1.seq) })
        where moment.asOf.includes(e.event.occurredAt) && (moment.knownAt?.includes(e.event.recordedAt) ?? true) {
            if case .supervisionRuleSet(let r) = e.event.body { rule = r }
        }
        return rule
    }

    /// The regions the rule proposes: below its share of their pro-rata target at each of the last
    /// `consecutive` bulletins (each bulletin's regions, and the share of time gone by at its cut-off),
    /// and not listed now.
    public static func proposals(rule: Rule, bulletins: [(regions: [RegionFigures], elapsed: Double)],
                                 listed: Set<String>) -> [String] {
        guard bulletins.count >= rule.consecutive else { return [] }
        let recent = bulletins.suffix(rule.consecutive)
        var below: Set<String>? = nil
        for b in recent {
            let these = Set(b.regions.filter { r in
                guard let t = r.target, t > 0 else { return false }
                // The plan's pro-rata number within the milestone in force (the target pro rata to the time gone by without one).
                return Double(r.rankedProgress) < rule.share * (r.plannedByNow.map(Double.init) ?? Double(t) * b.elapsed)
            }.map(\.regionCode))
            below = below.map { $0.intersection(these) } ?? these
        }
        return (below ?? []).subtracting(listed).sorted()
    }
}
