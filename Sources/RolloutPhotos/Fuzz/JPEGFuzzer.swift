import RolloutCore

/// Structurally mutated JPEG headers for the photo reader: a camera's JPEG with an EXIF block
/// (either byte order, with or without time and GPS), then one to four mutations that know the
/// grammar (a directory's count, an entry's type, count or value offset, a directory pointer or
/// the next-directory link set to a loop, past the end or at its edge; the byte order flipped; a
/// segment's length wrong; a segment doubled, dropped or cut; the file truncated; the end marker
/// removed). Input `i` of a seed is the same file whenever it is made.
public struct JPEGFuzzer: Sendable {
    let seed: UInt64
    let pictures: [[UInt8]]

    /// A fuzzer of a seed, over two small pictures made once (grey and colour).
    public init(seed: UInt64) throws {
        self.seed = seed
        let grey = (0..<(16 * 16)).map { UInt8(($0 * 7) & 0xFF) }
        let colour = (0..<(24 * 8 * 3)).map { UInt8(($0 * 13) & 0xFF) }
        pictures = [try JPEGCodec.encode(grey, width: 16, height: 16, components: 1, quality: 60),
                    try JPEGCodec.encode(colour, width: 24, height: 8, components: 3, quality: 60)]
    }

    /// Where the structural fields of a TIFF block are, relative to it: 16-bit and 32-bit ones.
    static func fields(of tiff: [UInt8]) -> (short: [Int], long: [Int]) {
        guard let t = try? TIFFDirectory(tiff, range: 0..<tiff.count) else { return ([], [4]) }
        var short: [Int] = [2], long: [Int] = [4]
        var pending = [(try? t.firstDirectory()) ?? 8], seen: Set<Int> = []
        while let at = pending.popLast(), seen.insert(at).inserted, let count = try? t.u16(at) {
            short.append(at)
            for k in 0..<min(count, 64) {
                let e = at + 2 + 12 * k
                short += [e, e + 2]; long += [e + 4, e + 8]
                if let tag = try? t.u16(e), tag == 0x8769 || tag == 0x8825, let p = try? t.u32(e + 8) { pending.append(p) }
            }
            long.append(at + 2 + 12 * count)
        }
        return (short, long)
    }

    /// Input `i`: the bytes of a mutated photo.
    public func input(_ i: Int) -> [UInt8] {
        var r = SeededRandom(seed: seed, stream: 0x1BE6, item: UInt64(truncatingIfNeeded: i))
        func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(r.next() % UInt64(n)) }
        let taken: String? = below(4) == 0 ? nil : ["2020:05:01 10:00:00", "2020:13:45 99:99:99", "0000:00:00 00:00:00", "2020:05:01"][below(4)]
        let writer = ExifWriter(taken: taken, offset: below(2) == 0 ? "+08:00" : nil, latitude: below(4) == 0 ? nil : 29.5 + Double(below(1000)) / 1000,
                                longitude: below(5) == 0 ? nil : 106.5 - Double(below(400)), littleEndian: below(2) == 0, make: "F\(i)")
        var tiff = writer.tiff()
        let (short, long) = Self.fields(of: tiff)
        let little = tiff.first == 0x49
        func put(_ at: Int, _ value: Int, width: Int) {
            guard at >= 0, at + width <= tiff.count else { return }
            for k in 0..<width {
                let shift = little ? 8 * k : 8 * (width - 1 - k)
                tiff[at + k] = UInt8(truncatingIfNeeded: value >> shift)
            }
        }
        func interesting() -> Int {
            [0, 1, 2, 8, 10, tiff.count - 1, tiff.count, tiff.count + 1, tiff.count - 4, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000,
             short.randomElement(using: &r) ?? 8, below(tiff.count + 16)][below(15)]
        }
        var app1Length: Int?
        var segmentMutations: [Int] = []
        for _ in 0..<(1 + below(4)) {
            switch below(12) {
            case 0, 1, 2: if let at = short.randomElement(using: &r) { put(at, interesting(), width: 2) }
            case 3, 4, 5: if let at = long.randomElement(using: &r) { put(at, interesting(), width: 4) }
            case 6: if tiff.count > 2 { (tiff[0], tiff[1]) = tiff[0] == 0x49 ? (0x4D, 0x4D) : (0x49, 0x49) }   // byte order flipped, data not
            case 7: if !tiff.isEmpty { tiff[below(tiff.count)] ^= UInt8(1 << below(8)) }
            case 8: app1Length = [0, 1, 2, 3, 7, 0xFFFF, tiff.count + 7, tiff.count + 9, tiff.count][below(9)]
            default: segmentMutations.append(below(7))
            }
        }
        var bytes = ExifWriter(taken: nil).write(into: pictures[below(pictures.count)])
        // Put the mutated TIFF block in place of the writer's own (which is the first APP1).
        let oldLength = Int(bytes[4]) << 8 | Int(bytes[5])
        let body: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
        let length = app1Length ?? (body.count + 2)
        bytes = [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + body + bytes[(4 + oldLength)...]
        for m in segmentMutations { bytes = Self.mutateSegments(bytes, m, &r) }
        return bytes
    }

    /// One mutation at the level of segments.
    static func mutateSegments(_ b: [UInt8], _ kind: Int, _ r: inout SeededRandom) -> [UInt8] {
        func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(r.next() % UInt64(n)) }
        // The segments' starts, up to the start of scan.
        var starts: [Int] = [], i = 2
        while i + 4 <= b.count, b[i] == 0xFF, b[i + 1] != 0xDA {
            starts.append(i)
            i += 2 + (Int(b[i + 2]) << 8 | Int(b[i + 3]))
        }
        let sos = i
        switch kind {
        case 0: return Array(b.prefix(below(b.count)))                       // truncated anywhere
        case 1: return Array(b.prefix(max(2, b.count - 2 - below(3))))      // the end marker cut
        case 2:                                                               // a segment doubled
            guard let s = starts.randomElement(using: &r), let e = starts.first(where: { $0 > s }) ?? Optional(sos), e <= b.count else { return b }
            return Array(b[..<e]) + Array(b[s..<e]) + Array(b[e...])
        case 3:                                                               // a segment dropped (the frame header, perhaps)
            guard let s = starts.randomElement(using: &r), let e = starts.first(where: { $0 > s }) ?? Optional(sos), e <= b.count else { return b }
            return Array(b[..<s]) + Array(b[e...])
        case 4:                                                               // a segment's length wrong
            guard let s = starts.randomElement(using: &r), s + 4 <= b.count else { return b }
            var c = b
            let v = [0, 1, 2, 0xFFFF, Int(b[s + 2]) << 8 | Int(b[s + 3]) + 1][below(5)]
            c[s + 2] = UInt8(v >> 8 & 0xFF); c[s + 3] = UInt8(v & 0xFF)
            return c
        case 5:                                                               // bytes that are no marker between segments
            guard let s = starts.randomElement(using: &r) else { return b }
            return Array(b[..<s]) + [UInt8(below(256)), 0x00, 0xFF] + Array(b[s...])
        default:                                                              // a stray start or end marker in the header
            guard let s = starts.randomElement(using: &r) else { return b }
            return Array(b[..<s]) + [0xFF, below(2) == 0 ? 0xD8 : 0xD9] + Array(b[s...])
        }
    }
}
