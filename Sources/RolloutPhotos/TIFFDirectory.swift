import RolloutCore

/// The TIFF structure inside an EXIF block: its byte order and its directories (IFDs) of tagged
/// values. Every offset is taken relative to the block and checked against its end before it is
/// read; a directory is read at most once (a pointer back to one already read is a loop).
struct TIFFDirectory {
    /// A tagged value of a directory: its tag, type, count, and where its bytes are.
    struct Entry {
        var tag: Int, type: Int, count: Int
        /// Where the value's bytes start, relative to the block.
        var at: Int
    }

    let bytes: [UInt8]
    let base: Int
    let length: Int
    let little: Bool

    /// The most entries a directory may hold (cameras write a few dozen).
    static let maxEntries = 1_000

    /// The block at `range` of `bytes`; throws `exif_bad_header` unless it starts `II*\0` or `MM\0*`.
    init(_ bytes: [UInt8], range: Range<Int>) throws {
        self.bytes = bytes; base = range.lowerBound; length = range.count
        guard length >= 8 else { throw RolloutError("exif_bad_header") }
        switch (bytes[base], bytes[base + 1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: throw RolloutError("exif_bad_header")
        }
        guard try u16(2) == 42 else { throw RolloutError("exif_bad_header") }
    }

    /// The size in bytes of one value of a type (0 for an unknown type).
    static func size(ofType type: Int) -> Int {
        switch type {
        case 1, 2, 6, 7: 1
        case 3, 8: 2
        case 4, 9, 11: 4
        case 5, 10, 12: 8
        default: 0
        }
    }

    func check(_ offset: Int, _ count: Int) throws {
        guard offset >= 0, count >= 0, offset <= length, count <= length - offset else {
            throw RolloutError("exif_offset_past_end", ["value": String(offset)])
        }
    }

    func u16(_ offset: Int) throws -> Int {
        try check(offset, 2)
        let a = Int(bytes[base + offset]), b = Int(bytes[base + offset + 1])
        return little ? a | b << 8 : a << 8 | b
    }

    func u32(_ offset: Int) throws -> Int {
        try check(offset, 4)
        let p = base + offset
        let v = (0..<4).map { Int(bytes[p + $0]) }
        return little ? v[0] | v[1] << 8 | v[2] << 16 | v[3] << 24 : v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3]
    }

    /// The offset of the first directory.
    func firstDirectory() throws -> Int { try u32(4) }

    /// The entries of the directory at `offset`, and the offset of the next one (0: none).
    /// Throws `exif_offset_past_end`, `exif_too_many_entries`.
    func directory(at offset: Int) throws -> (entries: [Entry], next: Int) {
        let count = try u16(offset)
        guard count <= Self.maxEntries else { throw RolloutError("exif_too_many_entries", ["value": String(count)]) }
        try check(offset + 2, count * 12 + 4)
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for k in 0..<count {
            let e = offset + 2 + k * 12
            let tag = try u16(e), type = try u16(e + 2), n = try u32(e + 4)
            let size = Self.size(ofType: type)
            guard size > 0 else { continue }   // an unknown type: skipped, as TIFF readers do
            guard n <= length / size else { throw RolloutError("exif_offset_past_end", ["value": String(e)]) }
            let at = n * size <= 4 ? e + 8 : try u32(e + 8)
            try check(at, n * size)
            entries.append(Entry(tag: tag, type: type, count: n, at: at))
        }
        return (entries, try u32(offset + 2 + count * 12))
    }

    /// An ASCII value, up to its first NUL.
    func text(_ e: Entry) -> String? {
        guard e.type == 2 else { return nil }
        let bytes = self.bytes[(base + e.at)..<(base + e.at + e.count)].prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The rational values of an entry (unsigned), nil where a denominator is 0.
    func rationals(_ e: Entry) throws -> [Double?] {
        guard e.type == 5 else { return [] }
        return try (0..<e.count).map { k in
            let n = try u32(e.at + 8 * k), d = try u32(e.at + 8 * k + 4)
            return d == 0 ? nil : Double(n) / Double(d)
        }
    }

    /// A directory pointer's value (a LONG or an IFD-typed value).
    func pointer(_ e: Entry) throws -> Int? {
        guard e.count == 1, e.type == 4 || e.type == 13 || e.type == 3 else { return nil }
        return e.type == 3 ? try u16(e.at) : try u32(e.at)
    }
}
