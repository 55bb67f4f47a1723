import RolloutCore

/// Reads an obstacle's stored state (`obstacles.state`) without `JSONDecoder`, which spent 27 µs
/// on each: 3.0 s of the first `/dispatch` on a `--scale 10` demo, reading the 112,000 obstacles
/// ever dispatched (now every obstacle is read, for ``ObstacleSpells``). Any key, escape or value it does not expect makes it answer
/// nil, and the caller decodes the text with `JSONDecoder` instead: a fast path, never a second
/// grammar. As `JSONDecoder` does, it takes the summary fields as stored, not made again from the
/// marks. A test checks it against `JSONDecoder` on random states and on mutated texts.
enum ObstacleStateReader {
    /// The state, or nil when the text is not in the shape this reader knows.
    static func read(_ text: String) -> ObstacleState? {
        StoredJSONScanner.whole(text) { $0.obstacleState() }
    }
}

extension StoredJSONScanner {
    /// An obstacle's state, members in any order.
    mutating func obstacleState() -> ObstacleState? {
        var opening: ObstacleOpening?, opened: Int64?, openedRecorded: Int64?, marks: [ObstacleMark]?
        var resolved: Int64?, resolvedRecorded: Int64?, escalated: Int64?, escalatedRecorded: Int64?, reason: String?
        guard object({ s, key in
            switch key {
            case "opening": opening = s.obstacleOpening(); return opening != nil
            case "openedAt": opened = s.integer(); return opened != nil
            case "openedRecordedAt": openedRecorded = s.integer(); return openedRecorded != nil
            case "marks": marks = s.obstacleMarks(); return marks != nil
            case "resolvedAt": resolved = s.integer(); return resolved != nil
            case "resolvedRecordedAt": resolvedRecorded = s.integer(); return resolvedRecorded != nil
            case "escalatedAt": escalated = s.integer(); return escalated != nil
            case "escalatedRecordedAt": escalatedRecorded = s.integer(); return escalatedRecorded != nil
            case "escalationReason": reason = s.string(); return reason != nil
            default: return false
            }
        }), let opening, let opened, let openedRecorded, let marks else { return nil }
        var state = ObstacleState(opening: opening, openedAt: Instant(seconds: opened), openedRecordedAt: Instant(seconds: openedRecorded))
        state.marks = marks
        state.resolvedAt = resolved.map(Instant.init(seconds:)); state.resolvedRecordedAt = resolvedRecorded.map(Instant.init(seconds:))
        state.escalatedAt = escalated.map(Instant.init(seconds:)); state.escalatedRecordedAt = escalatedRecorded.map(Instant.init(seconds:))
        state.escalationReason = reason
        return state
    }

    mutating func obstacleOpening() -> ObstacleOpening? {
        var org: String?, ref: String?, site: SiteKey?, region: String?, op: Operator?, category: ObstacleCategory?
        var responsible: String?, description: String?
        guard object({ s, key in
            switch key {
            case "org": org = s.string(); return org != nil
            case "ref": ref = s.string(); return ref != nil
            case "site": site = s.siteKey(); return site != nil
            case "regionCode": region = s.string(); return region != nil
            case "operator": op = s.string().flatMap(Operator.init(rawValue:)); return op != nil
            case "category": category = s.string().flatMap(ObstacleCategory.init(rawValue:)); return category != nil
            case "responsible": responsible = s.string(); return responsible != nil
            case "description": description = s.string(); return description != nil
            default: return false
            }
        }), let org, let ref, let region, let category, let description else { return nil }
        return ObstacleOpening(org: org, ref: ref, site: site, regionCode: region, operator: op, category: category,
                               responsible: responsible, description: description)
    }

    mutating func obstacleMarks() -> [ObstacleMark]? {
        guard take(0x5B) else { return nil }
        var out: [ObstacleMark] = []
        if take(0x5D) { return out }
        repeat {
            var what: ObstacleMark.What?, at: Int64?, recorded: Int64?, actor: String?
            guard object({ s, key in
                switch key {
                case "what": what = s.markWhat(); return what != nil
                case "at": at = s.integer(); return at != nil
                case "recordedAt": recorded = s.integer(); return recorded != nil
                case "actor": actor = s.string(); return actor != nil
                default: return false
                }
            }), let what, let at, let recorded, let actor else { return nil }
            out.append(ObstacleMark(what, at: Instant(seconds: at), recordedAt: Instant(seconds: recorded), actor: actor))
        } while take(0x2C)
        return take(0x5D) ? out : nil
    }

    /// One member naming the case, as Swift's synthesized coding writes an enum with values.
    private mutating func oneCase<T>(_ read: (inout StoredJSONScanner, String) -> T?) -> T? {
        var value: T?, count = 0
        guard object({ s, key in count += 1; value = read(&s, key); return value != nil }), count == 1 else { return nil }
        return value
    }

    /// An object whose only member is `key` with a string (`{"reason":"…"}`).
    private mutating func text(_ key: String) -> String? {
        oneCase { s, k in k == key ? s.string() : nil }
    }

    mutating func markWhat() -> ObstacleMark.What? {
        oneCase { s, key in
            switch key {
            case "resolved": return s.object { _, _ in false } ? .resolved : nil
            case "escalated": return s.text("reason").map { .escalated(reason: $0) }
            case "step": return s.oneCase { s, k in k == "_0" ? s.obstacleStep() : nil }.map { .step($0) }
            default: return nil
            }
        }
    }

    mutating func obstacleStep() -> ObstacleStep? {
        oneCase { s, key in
            switch key {
            case "dispatched":
                var unit: String?, note: String?
                guard s.object({ s, k in
                    switch k {
                    case "unit": unit = s.string(); return unit != nil
                    case "note": note = s.string(); return note != nil
                    default: return false
                    }
                }), let unit, let note else { return nil }
                return .dispatched(unit: unit, note: note)
            case "paused": return s.text("reason").map { .paused(reason: $0) }
            case "resumed": return s.text("note").map { .resumed(note: $0) }
            case "reopened": return s.text("reason").map { .reopened(reason: $0) }
            default: return nil
            }
        }
    }
}
