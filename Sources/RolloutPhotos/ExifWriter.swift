import RolloutCore

/// Writes an EXIF block (APP1) of a camera's kind into a JPEG: the time the picture was taken,
/// with or without its offset, and a GPS position; in either byte order. For the demo's photos and
/// the tests' and the fuzzer's, which then read it back.
public struct ExifWriter: Sendable {
    /// When the picture was taken, as the camera's clock wrote it (`YYYY:MM:DD HH:MM:SS`), if at all.
    public var taken: String?
    /// The offset of that time (`+08:00`), if the camera wrote one.
    public var offset: String?
    /// The position in decimal degrees, if any.
    public var latitude: Double?, longitude: Double?
    /// Intel (`II`) or Motorola (`MM`) byte order.
    public var littleEndian: Bool
    /// The camera's make, written in IFD0 (the demo makes each photo's bytes unique with it).
    public var make: String

    /// A block's fields.
    public init(taken: String? = nil, offset: String? = nil, latitude: Double? = nil, longitude: Double? = nil, littleEndian: Bool = true, make: String = "Rollout") {
        self.taken = taken; self.offset = offset; self.latitude = latitude; self.longitude = longitude
        self.littleEndian = littleEndian; self.make = make
    }

    /// A field's time from an instant, as a camera set to Beijing time writes it.
    public static func cameraTime(_ t: Instant) -> String {
        let iso = ShanghaiCalendar.iso8601(t)   // 2020-05-01T10:00:00+08:00
        let c = Array(iso)
        return String(c[0..<4]) + ":" + String(c[5..<7]) + ":" + String(c[8..<10]) + " " + String(c[11..<19])
    }

    private struct Field { var tag: Int; var type: Int; var count: Int; var data: [UInt8] }

    private func u16(_ v: Int) -> [UInt8] { littleEndian ? [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] : [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    private func u32(_ v: Int) -> [UInt8] {
        let b = [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
        return littleEndian ? b.reversed() : b
    }
    private func ascii(_ tag: Int, _ s: String) -> Field { let d = Array(s.utf8) + [0]; return Field(tag: tag, type: 2, count: d.count, data: d) }
    private func rationals(_ tag: Int, _ degrees: Double) -> Field {
        let a = abs(degrees), d = Int(a), m = Int((a - Double(d)) * 60), s = ((a - Double(d)) * 60 - Double(m)) * 60
        let parts = [(d, 1), (m, 1), (Int((s * 10_000).rounded()), 10_000)]
        return Field(tag: tag, type: 5, count: 3, data: parts.flatMap { u32($0.0) + u32($0.1) })
    }

    /// Lays out a directory at `offset` with its values after it; `next`: the following directory.
    private func directory(_ fields: [Field], at offset: Int, next: Int = 0) -> [UInt8] {
        let sorted = fields.sorted { $0.tag < $1.tag }
        var out = u16(sorted.count), data: [UInt8] = []
        let dataStart = offset + 2 + 12 * sorted.count + 4
        for f in sorted {
            out += u16(f.tag) + u16(f.type) + u32(f.count)
            if f.data.count <= 4 {
                out += f.data + [UInt8](repeating: 0, count: 4 - f.data.count)
            } else {
                out += u32(dataStart + data.count)
                data += f.data
                if data.count % 2 == 1 { data.append(0) }
            }
        }
        return out + u32(next) + data
    }

    /// The TIFF structure of the block (what follows `Exif\0\0`).
    public func tiff() -> [UInt8] {
        var header: [UInt8] = littleEndian ? [0x49, 0x49] : [0x4D, 0x4D]
        header += u16(42) + u32(8)
        var exifFields: [Field] = []
        if let taken { exifFields.append(ascii(0x9003, taken)) }
        if let offset, taken != nil { exifFields.append(ascii(0x9011, offset)) }
        var gpsFields: [Field] = []
        if let latitude, let longitude {
            gpsFields = [Field(tag: 0, type: 1, count: 4, data: [2, 3, 0, 0]), ascii(1, latitude < 0 ? "S" : "N"), rationals(2, latitude),
                         ascii(3, longitude < 0 ? "W" : "E"), rationals(4, longitude)]
        }
        // IFD0 first, then the EXIF directory, then the GPS directory: their offsets known once IFD0's size is.
        var ifd0 = [ascii(0x010F, make)]
        if let taken { ifd0.append(ascii(0x0132, taken)) }
        let pointers = (exifFields.isEmpty ? 0 : 1) + (gpsFields.isEmpty ? 0 : 1)
        let placeholder = ifd0 + (0..<pointers).map { Field(tag: 0x8769 + $0, type: 4, count: 1, data: u32(0)) }
        let ifd0Size = directory(placeholder, at: 8).count
        let exifAt = 8 + ifd0Size
        let exifDirectory = exifFields.isEmpty ? [] : directory(exifFields, at: exifAt)
        let gpsAt = exifAt + exifDirectory.count
        if !exifFields.isEmpty { ifd0.append(Field(tag: 0x8769, type: 4, count: 1, data: u32(exifAt))) }
        if !gpsFields.isEmpty { ifd0.append(Field(tag: 0x8825, type: 4, count: 1, data: u32(gpsAt))) }
        let gpsDirectory = gpsFields.isEmpty ? [] : directory(gpsFields, at: gpsAt)
        return header + directory(ifd0, at: 8) + exifDirectory + gpsDirectory
    }

    /// The JPEG with this block as its first segment after the start marker (an existing EXIF block is kept after it).
    public func write(into jpeg: [UInt8]) -> [UInt8] {
        let body: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff()
        let length = body.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + body + jpeg.dropFirst(2)
    }
}
