import RolloutCore

/// Reads a site's stored state (`sites.state`, as ``FastJSON/siteState(_:)`` writes it) without
/// `JSONDecoder`, which took 4.6 s of a 27 s import of 100,000 progress rows in weekly files (each
/// row reads its site's state). Any key, escape or value it does not expect makes it answer nil,
/// and the caller decodes the text with `JSONDecoder` instead: it is a fast path, never a second
/// grammar. A test checks it against `JSONDecoder` on random states and on mutated texts.
enum SiteStateReader {
    /// The state, or nil when the text is not in the shape this reader knows.
    static func read(_ text: String) -> SiteState? {
        StoredJSONScanner.whole(text) { $0.siteState() }
    }
}

extension StoredJSONScanner {
    /// A site's state, members in any order.
    mutating func siteState() -> SiteState? {
        var registration: SiteRegistration?, registered: Int64?, recorded: Int64?, steps: [TimelineStep]?, last: Int64?
        guard object({ s, key in
            switch key {
            case "registration": registration = s.registration(); return registration != nil
            case "registeredAt": registered = s.integer(); return registered != nil
            case "registeredRecordedAt": recorded = s.integer(); return recorded != nil
            case "steps": steps = s.steps(); return steps != nil
            case "lastOccurredAt": last = s.integer(); return last != nil
            default: return false
            }
        }), let registration, let registered, let recorded, let steps, let last else { return nil }
        return SiteState(registration: registration, registeredAt: Instant(seconds: registered),
                         registeredRecordedAt: Instant(seconds: recorded), steps: steps, lastOccurredAt: Instant(seconds: last))
    }
}
