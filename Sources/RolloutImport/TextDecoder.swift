import Foundation
import RolloutCore
#if canImport(Glibc)
import Glibc
#endif

/// Turns the bytes of a file into UTF-8, whatever Excel saved: UTF-8 with or without a BOM, or
/// GB18030 (which covers GBK and GB2312), detected from the first bytes.
///
/// It works chunk by chunk, so a file of any size passes through in bounded memory.
struct TextDecoder {
    enum Encoding: Equatable { case utf8, gb18030 }

    private(set) var encoding: Encoding?
    private var pending: [UInt8] = []
    private var converter: Converter?
    private var sawFirstChunk = false

    /// Decides the encoding from a sample of the start of the file.
    static func detect(_ sample: ArraySlice<UInt8>) -> Encoding {
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8 }
        // Valid UTF-8 (allowing a character cut at the end of the sample) is UTF-8; else GB18030.
        var cut = sample.endIndex
        var back = 0
        while cut > sample.startIndex, back < 3, sample[cut - 1] & 0xC0 == 0x80 { cut -= 1; back += 1 }
        if cut > sample.startIndex, sample[cut - 1] >= 0xC0 { cut -= 1 }
        return String(validating: sample[sample.startIndex..<cut], as: UTF8.self) != nil ? .utf8 : .gb18030
    }

    /// Decodes the next chunk; throws `mixed_encoding` when bytes stop being valid in the detected encoding.
    mutating func decode(_ chunk: [UInt8], last: Bool) throws -> [UInt8] {
        var bytes = pending + chunk
        pending = []
        if !sawFirstChunk {
            // Decide on a sample large enough to tell (or on the whole of a small file).
            if bytes.count < 65_536 && !last {
                pending = bytes
                return []
            }
            sawFirstChunk = true
            encoding = TextDecoder.detect(bytes[...].prefix(1 << 20))
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            if encoding == .gb18030 { converter = try Converter() }
        }
        switch encoding! {
        case .utf8:
            // Keep an incomplete character for the next chunk; check the rest is valid.
            var cut = bytes.endIndex
            if !last {
                var back = 0
                while cut > 0, back < 3, bytes[cut - 1] & 0xC0 == 0x80 { cut -= 1; back += 1 }
                if cut > 0, bytes[cut - 1] >= 0xC0 { cut -= 1 } else { cut = bytes.endIndex }
            }
            let head = Array(bytes[..<cut])
            pending = Array(bytes[cut...])
            guard String(validating: head, as: UTF8.self) != nil else { throw RolloutError("mixed_encoding") }
            return head
        case .gb18030:
            return try converter!.convert(bytes, last: last, pending: &pending)
        }
    }

    /// glibc iconv from GB18030 to UTF-8.
    final class Converter {
        private let handle: iconv_t

        init() throws {
            let h = iconv_open("UTF-8", "GB18030")
            guard h != iconv_t(bitPattern: -1) else { throw RolloutError("internal", ["value": "iconv GB18030"]) }
            handle = h!
        }

        deinit { iconv_close(handle) }

        func convert(_ input: [UInt8], last: Bool, pending: inout [UInt8]) throws -> [UInt8] {
            var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
            var inLeft = input.count
            var outLeft = output.count
            var consumed = 0
            try input.withUnsafeBufferPointer { inBuf in
                try output.withUnsafeMutableBufferPointer { outBuf in
                    var inPtr = UnsafeMutablePointer(mutating: inBuf.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).assumingMemoryBound(to: CChar.self) })
                    var outPtr = outBuf.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }
                    let r = iconv(handle, &inPtr, &inLeft, &outPtr, &outLeft)
                    consumed = input.count - inLeft
                    if r == -1 {
                        let e = errno
                        if e == EINVAL && !last { return }  // an incomplete character: kept for the next chunk
                        throw RolloutError("mixed_encoding")
                    }
                }
            }
            pending = Array(input[consumed...])
            return Array(output[..<(output.count - outLeft)])
        }
    }
}
