import Foundation
import RolloutZlib

/// Reads the entries of a ZIP archive (a workbook) by its central directory, and inflates one
/// entry with zlib, trusting nothing the archive says: every offset and size is checked against
/// the file, the compressed bytes read are bounded by the entry's compressed size, and a deflate
/// stream that ends early or runs past its size is an error.
///
/// Written here because ZIPFoundation 0.9.20's Linux inflate reads on past the entry to the end of
/// the file, passes the full buffer size to zlib for a shorter last chunk (reading past it), and
/// loops for ever when the file ends before the deflate stream does: a crafted workbook hung the
/// import inside its write transaction. Writing workbooks still goes through ZIPFoundation.
struct ZipEntries {
    struct Entry {
        var path: String
        var method: UInt16
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
        /// External attributes (the high 16 bits: Unix mode); a link or a folder is not a plain file.
        var externalAttributes: UInt32
        var isPlainFile: Bool {
            // Archivers often leave the Unix file type out (the mode alone, or nothing): only a
            // type that says link, folder or device is refused.
            let type = (externalAttributes >> 16) & 0o170000
            return !path.hasSuffix("/") && (type == 0 || type == 0o100000)
        }
    }

    enum Problem: Error { case notZip, badEntry(String) }

    let handle: FileHandle
    let fileSize: UInt64
    private(set) var entries: [String: Entry] = [:]

    /// The archive's central directory (at most 10,000 entries).
    init(url: URL) throws {
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw Problem.notZip }
        self.handle = handle
        fileSize = (try? handle.seekToEnd()) ?? 0
        // The end of central directory record: in the last 64 KiB + 22 bytes.
        let tailSize = min(fileSize, 65_557)
        guard tailSize >= 22 else { throw Problem.notZip }
        let tail = try read(at: fileSize - tailSize, count: Int(tailSize))
        guard let eocd = (0...(tail.count - 22)).reversed().first(where: {
            tail[$0] == 0x50 && tail[$0 + 1] == 0x4B && tail[$0 + 2] == 0x05 && tail[$0 + 3] == 0x06
        }) else { throw Problem.notZip }
        let count = Int(Self.u16(tail, eocd + 10))
        let cdSize = UInt64(Self.u32(tail, eocd + 12))
        let cdOffset = UInt64(Self.u32(tail, eocd + 16))
        guard count <= 10_000, cdOffset <= fileSize, cdSize <= fileSize - cdOffset else { throw Problem.notZip }
        let cd = try read(at: cdOffset, count: Int(cdSize))
        var at = 0
        for _ in 0..<count {
            guard at + 46 <= cd.count, Self.u32(cd, at) == 0x0201_4B50 else { throw Problem.notZip }
            let nameLength = Int(Self.u16(cd, at + 28)), extra = Int(Self.u16(cd, at + 30)), comment = Int(Self.u16(cd, at + 32))
            guard at + 46 + nameLength <= cd.count else { throw Problem.notZip }
            let name = String(decoding: cd[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            let entry = Entry(path: name, method: Self.u16(cd, at + 10), compressedSize: UInt64(Self.u32(cd, at + 20)),
                              uncompressedSize: UInt64(Self.u32(cd, at + 24)), localHeaderOffset: UInt64(Self.u32(cd, at + 42)),
                              externalAttributes: Self.u32(cd, at + 38))
            if entries[name] == nil { entries[name] = entry }
            at += 46 + nameLength + extra + comment
        }
    }

    func close() { try? handle.close() }

    /// Inflates (or copies) an entry, giving `consume` pieces of at most 64 KiB.
    func extract(_ entry: Entry, consume: (Data) throws -> Void) throws {
        let bad = Problem.badEntry(entry.path)
        guard entry.isPlainFile, entry.localHeaderOffset <= fileSize - min(fileSize, 30) else { throw bad }
        let local = try read(at: entry.localHeaderOffset, count: 30)
        guard local.count == 30, Self.u32(local, 0) == 0x0403_4B50 else { throw bad }
        let dataStart = entry.localHeaderOffset + 30 + UInt64(Self.u16(local, 26)) + UInt64(Self.u16(local, 28))
        guard dataStart <= fileSize, entry.compressedSize <= fileSize - dataStart else { throw bad }
        try handle.seek(toOffset: dataStart)
        var left = entry.compressedSize
        switch entry.method {
        case 0:
            while left > 0 {
                let n = Int(min(left, 65_536))
                guard let chunk = try handle.read(upToCount: n), chunk.count == n else { throw bad }
                left -= UInt64(n)
                try consume(chunk)
            }
        case 8:
            var stream = z_stream()
            guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw bad }
            defer { inflateEnd(&stream) }
            var output = [UInt8](repeating: 0, count: 65_536)
            var ended = false
            while !ended {
                guard left > 0 else { throw bad }  // the stream goes on past the entry's compressed bytes
                let n = Int(min(left, 65_536))
                guard var input = try handle.read(upToCount: n).map({ [UInt8]($0) }), input.count == n else { throw bad }
                left -= UInt64(n)
                try input.withUnsafeMutableBufferPointer { inBuffer in
                    stream.next_in = inBuffer.baseAddress
                    stream.avail_in = UInt32(inBuffer.count)
                    repeat {
                        let (result, produced) = output.withUnsafeMutableBufferPointer { outBuffer -> (Int32, Int) in
                            stream.next_out = outBuffer.baseAddress
                            stream.avail_out = UInt32(outBuffer.count)
                            let r = inflate(&stream, Z_NO_FLUSH)
                            return (r, outBuffer.count - Int(stream.avail_out))
                        }
                        guard result == Z_OK || result == Z_STREAM_END || (result == Z_BUF_ERROR && produced == 0) else { throw bad }
                        if produced > 0 { try consume(Data(output[0..<produced])) }
                        if result == Z_STREAM_END { ended = true; break }
                        if result == Z_BUF_ERROR { break }
                    } while stream.avail_in > 0 || stream.avail_out == 0
                }
            }
        default:
            throw bad
        }
    }

    private func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        try handle.seek(toOffset: offset)
        return [UInt8](try handle.read(upToCount: count) ?? Data())
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }
}
