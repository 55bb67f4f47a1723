import RolloutCore

/// Reads the payloads of the three kinds of event that make up nearly all of a log (stage reports
/// and rollbacks, and site registrations, as ``FastJSON/payload(_:encoder:)`` and `JSONEncoder`
/// both write them) without `JSONDecoder`. A server reads 3.1 million of them as it starts at
/// `--scale 10` (what verification is folded from); each took `JSONDecoder` about 20 µs. Any other
/// kind or shape answers nil, and the caller decodes the text with `JSONDecoder`: a fast path, never
/// a second grammar. A test checks it against `JSONDecoder` on random events and mutated texts.
enum EventBodyReader {
    /// The event's body, or nil when the text is not in a shape this reader knows.
    static func read(_ text: String) -> EventBody? {
        var text = text
        return text.withUTF8 { bytes in
            var s = StoredJSONScanner(bytes: bytes)
            var body: EventBody?
            guard s.object({ s, key in
                // An event is one member: a second one is the slow path's to refuse.
                guard body == nil else { return false }
                switch key {
                case "stageReported": body = s.stageChange(rollback: false)
                case "stageRolledBack": body = s.stageChange(rollback: true)
                case "siteRegistered":
                    var registration: SiteRegistration?
                    guard s.object({ s, key in
                        guard key == "_0" else { return false }
                        registration = s.registration()
                        return registration != nil
                    }), let registration else { return false }
                    body = .siteRegistered(registration)
                default: return false
                }
                return body != nil
            }), s.atEnd else { return nil }
            return body
        }
    }
}

extension StoredJSONScanner {
    /// A stage report's or rollback's members, in any order: the site, the stage, and the note
    /// (a report's, optional) or the reason (a rollback's, required).
    mutating func stageChange(rollback: Bool) -> EventBody? {
        var site: SiteKey?, stage: Stage?, text: String?
        guard object({ s, key in
            switch key {
            case "site": site = s.siteKey(); return site != nil
            case "stage": stage = s.string().flatMap(Stage.init(rawValue:)); return stage != nil
            case "note" where !rollback, "reason" where rollback: text = s.string(); return text != nil
            default: return false
            }
        }), let site, let stage else { return nil }
        if rollback {
            guard let text else { return nil }
            return .stageRolledBack(site: site, stage: stage, reason: text)
        }
        return .stageReported(site: site, stage: stage, note: text)
    }
}
