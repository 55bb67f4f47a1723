/// A build-out campaign: its name and its window.
///
/// Progress toward targets counts the sites built from `start` on (新建); `built` counts every
/// site on air, including those that stood before the campaign.
public struct Campaign: Hashable, Codable, Sendable {
    /// The campaign's name, as the pages and the summary show it.
    public var name: String
    /// The first moment counted toward the targets: 00:00 of the first day, Asia/Shanghai.
    public var start: Instant
    /// When the campaign (its plan) ends: the last second of its last day.
    public var deadline: Instant
    /// The plan's first milestone's day, when `init` gave it: what the forecast measures against
    /// while no target line is known yet (nil: the deadline).
    public var firstDue: Instant?

    /// A campaign from its name and its window.
    public init(name: String, start: Instant, deadline: Instant, firstDue: Instant? = nil) {
        self.name = name; self.start = start; self.deadline = deadline; self.firstDue = firstDue
    }

    /// The share of the campaign's time gone by at an instant (0 before the start, 1 at the deadline).
    public func elapsed(at t: Instant) -> Double {
        let span = Double(deadline.seconds - start.seconds)
        guard span > 0 else { return 1 }
        return min(1, max(0, Double(t.seconds - start.seconds) / span))
    }
}

/// The moment a read is about: what was true before `asOf` in the field, as the platform knew it
/// before `knownAt` (nil: as known now).
public struct ReadMoment: Hashable, Sendable {
    /// The field moment: facts that happened before it count.
    public var asOf: Cutoff
    /// The knowledge moment: only facts recorded before it count; nil for all that is known now.
    public var knownAt: Cutoff?

    /// A read as of a field moment, as known at `knownAt` (nil: now).
    public init(asOf: Cutoff, knownAt: Cutoff? = nil) { self.asOf = asOf; self.knownAt = knownAt }

    /// The same knowledge, at another field moment.
    public func at(_ asOf: Cutoff) -> ReadMoment { ReadMoment(asOf: asOf, knownAt: knownAt) }

    /// Checks a written `as_of`/`known_at` pair against the campaign and the clock.
    public static func validated(asOf asOfText: String?, knownAt knownAtText: String?, campaign: Campaign,
                                 now: Instant) throws -> ReadMoment {
        let nowCut = Cutoff.including(now)
        var asOf = nowCut
        if let asOfText {
            guard let w = ShanghaiCalendar.parse(asOfText) else { throw RolloutError("bad_as_of", ["value": asOfText]) }
            asOf = Cutoff(w)
            try check(asOfText, w, campaign: campaign, now: now)
            // A whole day that is today reads up to now.
            if asOf > nowCut { asOf = nowCut }
        }
        var knownAt: Cutoff? = nil
        if let knownAtText {
            guard let w = ShanghaiCalendar.parse(knownAtText) else { throw RolloutError("bad_known_at", ["value": knownAtText]) }
            var k = Cutoff(w)
            try check(knownAtText, w, campaign: campaign, now: now)
            if k > nowCut { k = nowCut }
            knownAt = k
        }
        return ReadMoment(asOf: asOf, knownAt: knownAt)
    }

    private static func check(_ text: String, _ written: ShanghaiCalendar.Written, campaign: Campaign,
                              now: Instant) throws {
        let future: Bool = switch written {
        case .day(let d): d > ShanghaiCalendar.day(of: now)
        case .instant(let i): i > now
        }
        if future { throw RolloutError("as_of_in_future", ["value": text, "now": ShanghaiCalendar.iso8601(now)]) }
        // The end of the day before the start (the state the campaign starts from) is still allowed.
        if Cutoff(written).before < campaign.start {
            throw RolloutError("as_of_before_campaign", ["value": text, "start": ShanghaiCalendar.dateString(campaign.start)])
        }
    }
}
