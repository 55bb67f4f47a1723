import RolloutCore

/// The structure of a JPEG file as its markers lay it out: the frame's size, where the EXIF block
/// is, and whether the picture's data runs to its end marker. Read from the bytes alone, every
/// length checked against what is there before it is used, so that no file can make it read past
/// the end or loop (each step moves forward).
public struct JPEGLayout: Sendable, Equatable {
    /// Width and height in pixels, and the colour components, from the frame header (SOF).
    public var width: Int, height: Int, components: Int
    /// Where the TIFF structure of the first EXIF block (APP1 `Exif\0\0`) lies in the file.
    public var exif: Range<Int>?

    /// The frame headers' markers: baseline, extended, progressive and lossless, Huffman or arithmetic.
    static let frameMarkers: Set<UInt8> = [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF]

    /// Reads the layout. Throws `photo_not_jpeg` (no start marker), `photo_bad_segment` (a byte
    /// where a marker must be, or a length below 2, naming the offset), `photo_no_frame` (no frame
    /// header before the picture's data or a frame of no pixels), `photo_truncated` (a segment or
    /// the picture's data cut short: no end marker).
    public static func read(_ b: [UInt8]) throws -> JPEGLayout {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { throw RolloutError("photo_not_jpeg") }
        var i = 2
        var frame: (Int, Int, Int)?
        var exif: Range<Int>?
        while true {
            guard i < b.count else { throw RolloutError("photo_truncated") }
            guard b[i] == 0xFF else { throw RolloutError("photo_bad_segment", ["value": String(i)]) }
            while i < b.count && b[i] == 0xFF { i += 1 }   // fill bytes
            guard i < b.count else { throw RolloutError("photo_truncated") }
            let marker = b[i]
            i += 1
            switch marker {
            case 0x01, 0xD0...0xD7: continue   // standalone markers
            case 0x00, 0xD8, 0xD9: throw RolloutError("photo_bad_segment", ["value": String(i - 1)])
            default: break
            }
            guard i + 2 <= b.count else { throw RolloutError("photo_truncated") }
            let length = Int(b[i]) << 8 | Int(b[i + 1])
            guard length >= 2 else { throw RolloutError("photo_bad_segment", ["value": String(i)]) }
            guard i + length <= b.count else { throw RolloutError("photo_truncated") }
            let payload = (i + 2)..<(i + length)
            if marker == 0xE1, exif == nil, payload.count >= 6, Array(b[payload.prefix(6)]) == [0x45, 0x78, 0x69, 0x66, 0, 0] {
                exif = (payload.lowerBound + 6)..<payload.upperBound
            }
            if frameMarkers.contains(marker) {
                guard frame == nil, payload.count >= 6 else { throw RolloutError("photo_bad_segment", ["value": String(i)]) }
                let p = payload.lowerBound
                let height = Int(b[p + 1]) << 8 | Int(b[p + 2]), width = Int(b[p + 3]) << 8 | Int(b[p + 4]), components = Int(b[p + 5])
                guard width > 0, height > 0, [1, 3, 4].contains(components) else { throw RolloutError("photo_no_frame") }
                frame = (width, height, components)
            }
            i += length
            if marker == 0xDA { break }   // start of scan: the picture's data follows
        }
        guard let (width, height, components) = frame else { throw RolloutError("photo_no_frame") }
        // The entropy-coded data ends at an end marker: 0xFF then 0xD9 (0xFF 0x00 is a stuffed byte).
        var j = i
        var ended = false
        while j + 1 < b.count {
            if b[j] == 0xFF && b[j + 1] == 0xD9 { ended = true; break }
            j += 1
        }
        guard ended else { throw RolloutError("photo_truncated") }
        return JPEGLayout(width: width, height: height, components: components, exif: exif)
    }
}
