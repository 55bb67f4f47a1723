import RolloutCore

/// A byte-level reader of the JSON this program stores in the shapes it writes (``FastJSON``): a
/// site's state, a site registration, a stage event's payload. Each reading answers nil for any
/// key, escape or value it does not expect, and its caller then decodes with `JSONDecoder`: a fast
/// path, never a second grammar (``SiteStateReader``, ``EventBodyReader``).
struct StoredJSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    var atEnd: Bool { mutating get { skipSpace(); return i == bytes.count } }

    /// What `read` reads of a whole text, or nil when it reads nothing or stops before the end.
    static func whole<T>(_ text: String, _ read: (inout StoredJSONScanner) -> T?) -> T? {
        var text = text
        return text.withUTF8 { bytes in
            var s = StoredJSONScanner(bytes: bytes)
            guard let value = read(&s), s.atEnd else { return nil }
            return value
        }
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { return false }
        i += 1
        return true
    }

    /// A string without escapes (nil for one with any: the slow path reads those).
    mutating func string() -> String? {
        guard take(0x22) else { return nil }
        let start = i
        while i < bytes.count {
            switch bytes[i] {
            case 0x22:
                defer { i += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            case 0x5C, 0x00...0x1F: return nil
            default: i += 1
            }
        }
        return nil
    }

    /// A whole number that fits in `Int64` (anything else: nil; ``Ledger/noChangeYet`` is `Int64.min`).
    mutating func integer() -> Int64? {
        skipSpace()
        var negative = false
        if i < bytes.count, bytes[i] == 0x2D { negative = true; i += 1 }
        let start = i
        var magnitude: UInt64 = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[i] - 0x30))
            guard !o1, !o2 else { return nil }
            magnitude = sum
            i += 1
        }
        guard i > start, i - start == 1 || bytes[start] != 0x30, i == bytes.count || !StoredJSONScanner.continuesNumber(bytes[i]) else { return nil }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// A number in JSON's grammar, as `Double` reads its text (the same parse as `JSONDecoder`'s).
    mutating func number() -> Double? {
        skipSpace()
        let start = i
        func digits(_ s: inout StoredJSONScanner) -> Int {
            let from = s.i
            while s.i < s.bytes.count, s.bytes[s.i] >= 0x30, s.bytes[s.i] <= 0x39 { s.i += 1 }
            return s.i - from
        }
        if i < bytes.count, bytes[i] == 0x2D { i += 1 }
        let first = i
        let whole = digits(&self)
        guard whole > 0, whole == 1 || bytes[first] != 0x30 else { return nil }
        if i < bytes.count, bytes[i] == 0x2E { i += 1; guard digits(&self) > 0 else { return nil } }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            guard digits(&self) > 0 else { return nil }
        }
        guard i == bytes.count || !StoredJSONScanner.continuesNumber(bytes[i]) else { return nil }
        let d = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
        return d.flatMap { $0.isFinite ? $0 : nil }
    }

    static func continuesNumber(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x65 || b == 0x45 || b == 0x2B || b == 0x2D
    }

    /// The members of an object, each read by `member` (false: not a shape this reader knows).
    mutating func object(_ member: (inout StoredJSONScanner, String) -> Bool) -> Bool {
        guard take(0x7B) else { return false }
        if take(0x7D) { return true }
        var seen: [String] = []
        repeat {
            // A key given twice: the slow path says which one counts.
            guard let key = string(), !seen.contains(key), take(0x3A), member(&self, key) else { return false }
            seen.append(key)
        } while take(0x2C)
        return take(0x7D)
    }

    mutating func siteKey() -> SiteKey? {
        var code: String?, op: Operator?
        guard object({ s, key in
            switch key {
            case "code": code = s.string(); return code != nil
            case "operator": op = s.string().flatMap(Operator.init(rawValue:)); return op != nil
            default: return false
            }
        }), let code, let op else { return nil }
        return SiteKey(operator: op, code: code)
    }

    mutating func registration() -> SiteRegistration? {
        var site: SiteKey?, region: String?, name: String?, lat: Double?, lon: Double?, kind: SiteKind?, host: Host?
        var band: String?, resource: String?, planned: Int64?, tower: String?, contractor: String?
        guard object({ s, key in
            switch key {
            case "site": site = s.siteKey(); return site != nil
            case "regionCode": region = s.string(); return region != nil
            case "name": name = s.string(); return name != nil
            case "lat": lat = s.number(); return lat != nil
            case "lon": lon = s.number(); return lon != nil
            case "kind": kind = s.string().flatMap(SiteKind.init(rawValue:)); return kind != nil
            case "host": host = s.string().flatMap(Host.init(rawValue:)); return host != nil
            case "band": band = s.string(); return band != nil
            case "resourceId": resource = s.string(); return resource != nil
            case "plannedOnAir": planned = s.integer(); return planned != nil
            case "towerSiteCode": tower = s.string(); return tower != nil
            case "contractor": contractor = s.string(); return contractor != nil
            default: return false
            }
        }), let site, let region, let name, let lat, let lon, let kind, let host else { return nil }
        return SiteRegistration(site: site, regionCode: region, name: name, lat: lat, lon: lon, kind: kind, band: band, host: host,
                                resourceId: resource, plannedOnAir: planned.map(Instant.init(seconds:)), towerSiteCode: tower,
                                contractor: contractor)
    }

    mutating func steps() -> [TimelineStep]? {
        guard take(0x5B) else { return nil }
        var out: [TimelineStep] = []
        out.reserveCapacity(10)
        if take(0x5D) { return out }
        repeat {
            var at: Int64?, stage: Stage?
            guard object({ s, key in
                switch key {
                case "at": at = s.integer(); return at != nil
                case "stage": stage = s.string().flatMap(Stage.init(rawValue:)); return stage != nil
                default: return false
                }
            }), let at, let stage else { return nil }
            out.append(TimelineStep(at: Instant(seconds: at), stage: stage))
        } while take(0x2C)
        return take(0x5D) ? out : nil
    }
}
