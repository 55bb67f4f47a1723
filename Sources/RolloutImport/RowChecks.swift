import Foundation
import RolloutCore

/// What every row check needs to know of the campaign, loaded once per import.
struct ImportContext: Sendable {
    var regions: [String: Region]
    var outlines: [String: Outline]
    /// The platform's now: the recorded time of everything imported, and the limit of field times.
    var now: Instant
    /// Who imports (recorded on every event).
    var actor: String
    /// Which moments a date in the file may name.
    var dates: FieldDateWindow
    /// The campaign: a milestone's due date lies within its plan.
    var campaign: Campaign
    /// The bounds on the file's structure.
    var limits: Limits
    /// The account sending the file, whose rights every row is checked against (nil: the command line, unrestricted).
    var principal: Principal? = nil
}

/// One row being checked: reads cells, collects the row's errors with the column as written.
struct RowReader {
    let number: Int
    let cells: [String]
    let header: HeaderMap
    let context: ImportContext
    var errors: [ImportError] = []

    init(number: Int, cells: [String], header: HeaderMap, context: ImportContext) {
        self.number = number; self.cells = cells; self.header = header; self.context = context
        if cells.count > header.width, cells[header.width...].contains(where: { !$0.trimmedSpaces.isEmpty }) {
            errors.append(ImportError(row: number, column: "", code: "too_many_cells", arguments: ["value": "\(cells.count)"]))
        }
        for (code, i) in header.index where i < cells.count && cells[i].hasPrefix(XLSXReader.formulaMark) {
            errors.append(ImportError(row: number, column: header.name(code), code: "formula_cell"))
        }
    }

    var isValid: Bool { errors.isEmpty }

    mutating func fail(_ column: String, _ code: String, _ arguments: [String: String] = [:]) {
        errors.append(ImportError(row: number, column: column.isEmpty ? "" : header.name(column), code: code, arguments: arguments))
    }

    /// An optional cell.
    func text(_ column: String) -> String? {
        guard let v = header.cell(column, in: cells), !v.hasPrefix(XLSXReader.formulaMark) else { return nil }
        return v
    }

    /// A required cell.
    mutating func required(_ column: String) -> String? {
        if let v = text(column) { return v }
        if !(header.cell(column, in: cells)?.hasPrefix(XLSXReader.formulaMark) ?? false) { fail(column, "required") }
        return nil
    }

    mutating func `operator`(_ column: String = "operator", required: Bool = true) -> Operator? {
        guard let v = required ? self.required(column) : text(column) else { return nil }
        guard let op = Operator(codeOrName: v) else { fail(column, "bad_operator", ["value": v]); return nil }
        return op
    }

    mutating func region(_ column: String = "region_code", required: Bool = true) -> Region? {
        guard let v = required ? self.required(column) : text(column) else { return nil }
        guard let r = context.regions[v] else { fail(column, "unknown_region", ["value": v]); return nil }
        return r
    }

    mutating func number(_ column: String, required: Bool) -> Double? {
        guard let v = required ? self.required(column) : text(column) else { return nil }
        guard let n = Double(v), n.isFinite else { fail(column, "bad_number", ["value": v]); return nil }
        return n
    }

    mutating func code(_ column: String, maxLength: Int = 64) -> String? {
        guard let v = required(column) else { return nil }
        guard v.count <= maxLength, !v.contains(where: { $0.isNewline }) else { fail(column, "too_long", ["value": "\(maxLength)"]); return nil }
        return v
    }

    /// A date or instant; a date means 00:00 that day in Asia/Shanghai. Field times may not lie in
    /// the future; no date may lie outside the campaign's window (``FieldDateWindow``).
    mutating func date(_ column: String, required: Bool, notFuture: Bool = true) -> Instant? {
        guard let v = required ? self.required(column) : text(column) else { return nil }
        guard let at = ShanghaiCalendar.parseInstant(v) else { fail(column, "bad_date", ["value": v]); return nil }
        if let code = context.dates.refusal(at, happened: notFuture) {
            fail(column, code, ["value": v, "earliest": ShanghaiCalendar.dateString(context.dates.earliest),
                                "latest": ShanghaiCalendar.dateString(context.dates.latestPlanned)])
            return nil
        }
        return at
    }

    /// A point inside a region: its outline, or its host districts' for a functional area.
    mutating func point(in region: Region?) -> (lat: Double, lon: Double)? {
        let lat = number("lat", required: true), lon = number("lon", required: true)
        guard let lat, let lon else { return nil }
        let swappedInside = region.map { (-90...90).contains(lon) && contains($0, lat: lon, lon: lat) } ?? false
        let arguments = ["lat": "\(lat)", "lon": "\(lon)", "region": region.map { "\($0.nameZh) \($0.code)" } ?? ""]
        if swappedInside && !((-90...90).contains(lat) && region.map { contains($0, lat: lat, lon: lon) } == true) {
            fail("lat", "lat_lon_swapped", arguments)
            return nil
        }
        guard (-90...90).contains(lat) else { fail("lat", "bad_coordinate", ["value": "\(lat)"]); return nil }
        guard (-180...180).contains(lon) else { fail("lon", "bad_coordinate", ["value": "\(lon)"]); return nil }
        guard let region else { return nil }
        if !contains(region, lat: lat, lon: lon) {
            fail("lat", "outside_region", arguments)
            return nil
        }
        return (lat, lon)
    }

    private func contains(_ region: Region, lat: Double, lon: Double) -> Bool {
        let codes = region.hostRegions.isEmpty ? [region.code] : region.hostRegions
        let outlines = codes.compactMap { context.outlines[$0] }
        if !outlines.isEmpty { return outlines.contains { $0.contains(lat: lat, lon: lon) } }
        return region.bounds?.contains(lat: lat, lon: lon) ?? true
    }

    /// A new event at the import's moment.
    func event(_ body: EventBody, at occurred: Instant? = nil) -> NewEvent {
        NewEvent(body, occurredAt: occurred ?? context.now, recordedAt: context.now, actor: context.actor, via: context.principal?.token)
    }
}

/// A short, stable fingerprint of text (FNV-1a, 64 bits), for references the file does not give.
func fingerprint(_ parts: [String]) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in parts.joined(separator: "\u{1F}").utf8 {
        h ^= UInt64(byte)
        h = h &* 0x0000_0100_0000_01B3
    }
    return String(h, radix: 16)
}
