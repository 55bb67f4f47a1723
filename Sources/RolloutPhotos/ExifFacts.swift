import RolloutCore

/// What a photo's EXIF block says of where and when it was taken: the time the picture was taken
/// (DateTimeOriginal, with OffsetTimeOriginal when written, else read as Asia/Shanghai; failing
/// that the file's DateTime) and the GPS position in decimal degrees.
public struct ExifFacts: Sendable, Equatable {
    /// When the picture was taken, nil when no readable time is written.
    public var takenAt: Instant?
    /// Whether the time carried its own offset from UTC (else it was read as Beijing time).
    public var takenAtHadOffset: Bool
    /// The position, nil unless both latitude and longitude are written and in range.
    public var latitude: Double?, longitude: Double?

    /// No facts.
    public init(takenAt: Instant? = nil, takenAtHadOffset: Bool = false, latitude: Double? = nil, longitude: Double? = nil) {
        self.takenAt = takenAt; self.takenAtHadOffset = takenAtHadOffset; self.latitude = latitude; self.longitude = longitude
    }

    /// The directories followed at most (IFD0, its chain, the EXIF and GPS directories).
    static let maxDirectories = 32

    /// Reads the facts of the TIFF block at `range`. Throws `exif_bad_header`,
    /// `exif_offset_past_end`, `exif_too_many_entries`, `exif_loop` (a directory pointing back to
    /// one already read, or more than 32 directories).
    public static func read(_ bytes: [UInt8], range: Range<Int>) throws -> ExifFacts {
        let tiff = try TIFFDirectory(bytes, range: range)
        var seen: Set<Int> = []
        func visit(_ offset: Int) throws -> [TIFFDirectory.Entry] {
            guard seen.insert(offset).inserted, seen.count <= maxDirectories else { throw RolloutError("exif_loop", ["value": String(offset)]) }
            return try tiff.directory(at: offset).entries
        }
        // IFD0 and the chain after it (IFD1 holds the thumbnail); only the chain's loops matter there.
        var chain = try tiff.firstDirectory()
        var ifd0: [TIFFDirectory.Entry]?
        while chain != 0 {
            guard seen.insert(chain).inserted, seen.count <= maxDirectories else { throw RolloutError("exif_loop", ["value": String(chain)]) }
            let (entries, next) = try tiff.directory(at: chain)
            if ifd0 == nil { ifd0 = entries }
            chain = next
        }
        var facts = ExifFacts()
        guard let ifd0 else { return facts }
        var exif: [TIFFDirectory.Entry] = [], gps: [TIFFDirectory.Entry] = []
        if let e = ifd0.first(where: { $0.tag == 0x8769 }), let p = try tiff.pointer(e) { exif = try visit(p) }
        if let e = ifd0.first(where: { $0.tag == 0x8825 }), let p = try tiff.pointer(e) { gps = try visit(p) }
        // The time: the original's, else the file's.
        let original = exif.first { $0.tag == 0x9003 }.flatMap(tiff.text)
        let offset = exif.first { $0.tag == 0x9011 }.flatMap(tiff.text)
        let file = ifd0.first { $0.tag == 0x0132 }.flatMap(tiff.text)
        if let text = original ?? file, let (t, had) = instant(text, offset: original != nil ? offset : nil) {
            facts.takenAt = t; facts.takenAtHadOffset = had
        }
        // The position.
        func degrees(_ tag: Int, _ refTag: Int, negative: String, limit: Double) throws -> Double? {
            guard let e = gps.first(where: { $0.tag == tag }), let ref = gps.first(where: { $0.tag == refTag }).flatMap(tiff.text) else { return nil }
            let parts = try tiff.rationals(e)
            guard parts.count == 3, let d = parts[0], let m = parts[1], let s = parts[2] else { return nil }
            let value = d + m / 60 + s / 3600
            guard value.isFinite, value <= limit else { return nil }
            return ref.uppercased().hasPrefix(negative) ? -value : value
        }
        if let lat = try degrees(2, 1, negative: "S", limit: 90), let lon = try degrees(4, 3, negative: "W", limit: 180) {
            facts.latitude = lat; facts.longitude = lon
        }
        return facts
    }

    /// An EXIF time (`YYYY:MM:DD HH:MM:SS`) with an offset (`+08:00`) if one is given, else as Beijing time.
    static func instant(_ text: String, offset: String?) -> (Instant, Bool)? {
        let t = text.trimmedSpaces
        let chars = Array(t)
        guard chars.count == 19, chars[4] == ":", chars[7] == ":", chars[10] == " ", chars[13] == ":", chars[16] == ":" else { return nil }
        let iso = String(chars[0..<4]) + "-" + String(chars[5..<7]) + "-" + String(chars[8..<10]) + "T" + String(chars[11..<19])
        if let offset, offset.count == 6, let i = ShanghaiCalendar.parseInstant(iso + offset) { return (i, true) }
        return ShanghaiCalendar.parseInstant(iso + "+08:00").map { ($0, false) }
    }
}
