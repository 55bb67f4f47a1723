import Foundation
import RolloutCore
import RolloutStorage

/// The JSON of the two things a progress import writes for every row (a site's state, a stage
/// event's payload), and of a site's registration (a sixth of the demo's log), written directly
/// instead of through `JSONEncoder`, which spends most of an import's time boxing and sorting
/// keys. The text is what `EventRow.encoder()` writes (sorted keys, slashes not escaped), so
/// either reads the other's; a test checks them byte for byte.
enum FastJSON {
    /// A site's state as the `sites.state` column keeps it.
    static func siteState(_ s: SiteState) -> String {
        var o = ""
        o.reserveCapacity(400 + s.steps.count * 40)
        o += "{\"lastOccurredAt\":"; o += String(s.lastOccurredAt.seconds)
        o += ",\"registeredAt\":"; o += String(s.registeredAt.seconds)
        o += ",\"registeredRecordedAt\":"; o += String(s.registeredRecordedAt.seconds)
        o += ",\"registration\":"
        registration(s.registration, into: &o)
        o += ",\"steps\":["
        for (i, step) in s.steps.enumerated() {
            if i > 0 { o += "," }
            o += "{\"at\":"; o += String(step.at.seconds); o += ",\"stage\":\""; o += step.stage.rawValue; o += "\"}"
        }
        o += "]}"
        return o
    }

    /// A site's registration, as an object.
    private static func registration(_ r: SiteRegistration, into o: inout String) {
        o += "{"
        if let band = r.band { o += "\"band\":"; string(band, into: &o); o += "," }
        if let contractor = r.contractor { o += "\"contractor\":"; string(contractor, into: &o); o += "," }
        o += "\"host\":\""; o += r.host.rawValue
        o += "\",\"kind\":\""; o += r.kind.rawValue
        o += "\",\"lat\":"; o += number(r.lat)
        o += ",\"lon\":"; o += number(r.lon)
        o += ",\"name\":"; string(r.name, into: &o)
        if let p = r.plannedOnAir { o += ",\"plannedOnAir\":"; o += String(p.seconds) }
        o += ",\"regionCode\":"; string(r.regionCode, into: &o)
        if let id = r.resourceId { o += ",\"resourceId\":"; string(id, into: &o) }
        o += ",\"site\":"; site(r.site, into: &o)
        if let code = r.towerSiteCode { o += ",\"towerSiteCode\":"; string(code, into: &o) }
        o += "}"
    }

    /// An event's payload: written directly for stage reports and rollbacks (nearly every row of a
    /// progress file) and site registrations (a sixth of the demo's log, 4.4 % of its generation's
    /// processor time through the encoder at `--scale 10`), through the encoder for the rest.
    static func payload(_ body: EventBody, encoder: JSONEncoder) throws -> String {
        var o = ""
        switch body {
        case .stageReported(let s, let stage, let note):
            o += "{\"stageReported\":{"
            if let note { o += "\"note\":"; string(note, into: &o); o += "," }
            o += "\"site\":"; site(s, into: &o)
            o += ",\"stage\":\""; o += stage.rawValue; o += "\"}}"
        case .stageRolledBack(let s, let stage, let reason):
            o += "{\"stageRolledBack\":{\"reason\":"; string(reason, into: &o)
            o += ",\"site\":"; site(s, into: &o)
            o += ",\"stage\":\""; o += stage.rawValue; o += "\"}}"
        case .siteRegistered(let r):
            o += "{\"siteRegistered\":{\"_0\":"
            registration(r, into: &o)
            o += "}}"
        default:
            return String(decoding: try encoder.encode(body), as: UTF8.self)
        }
        return o
    }

    private static func site(_ k: SiteKey, into o: inout String) {
        o += "{\"code\":"; string(k.code, into: &o); o += ",\"operator\":\""; o += k.operator.rawValue; o += "\"}"
    }

    /// A number as JSONEncoder writes it: whole values without a fraction.
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "0" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return d.description
    }

    /// A JSON string (``JSONStringLiteral``).
    static func string(_ s: String, into o: inout String) { JSONStringLiteral.write(s, into: &o) }
}
