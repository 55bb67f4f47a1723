/// Bytes written in a fixed little-endian layout: whole numbers, and strings as a 32-bit length
/// and their UTF-8.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func reserve(_ n: Int) { bytes.reserveCapacity(n) }
    mutating func append(_ more: [UInt8]) { bytes += more }
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes += utf8
    }
}

/// Reads what ``ByteWriter`` wrote, every read checked against the bytes' end.
struct ByteReader {
    /// The bytes end before what is read, or say what cannot be.
    struct Malformed: Error {}

    private let bytes: [UInt8]
    private var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { at == bytes.count }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - at else { throw Malformed() }
        defer { at += n }
        return bytes[at..<(at + n)]
    }

    mutating func u8() throws -> UInt8 { try take(1).first! }

    mutating func u32() throws -> UInt32 { UInt32(littleEndian: try load(UInt32.self)) }

    mutating func i64() throws -> Int64 { Int64(littleEndian: try load(Int64.self)) }

    /// A whole number's bytes as they lie (a copy: they need not be aligned).
    private mutating func load<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let n = MemoryLayout<T>.size
        guard n <= bytes.count - at else { throw Malformed() }
        defer { at += n }
        return bytes.withUnsafeBytes { [at] in $0.loadUnaligned(fromByteOffset: at, as: T.self) }
    }

    mutating func string() throws -> String {
        let n = Int(try u32())
        guard let s = String(validating: try take(n), as: UTF8.self) else { throw Malformed() }
        return s
    }
}
