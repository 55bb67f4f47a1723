import RolloutCore
import RolloutJPEGLib

/// JPEG encoding and previews through libjpeg-turbo (the system's `libjpeg62-turbo`): a preview is
/// decoded with the library's DCT scaling (at most 1/8 of the work of a full decode) and encoded
/// again, so a page of 50 photos carries previews, not originals.
public enum JPEGCodec {
    /// Encodes 8-bit samples (1 component: grey, 3: RGB, row by row) at a quality (1–100).
    /// Throws `photo_encode_failed` with libjpeg's message.
    public static func encode(_ pixels: [UInt8], width: Int, height: Int, components: Int, quality: Int = 85) throws -> [UInt8] {
        precondition(pixels.count == width * height * components && (components == 1 || components == 3))
        var out: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: Int(JMSG_LENGTH_MAX))
        let status = pixels.withUnsafeBufferPointer { p in
            rollout_jpeg_encode(p.baseAddress, Int32(width), Int32(height), Int32(components), Int32(quality), &out, &size, &message)
        }
        guard status == 0, let out else { throw RolloutError("photo_encode_failed", ["value": text(message)]) }
        defer { free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(size)))
    }

    /// The most pixels a photo may have to be decoded for a preview (a 100-megapixel camera's).
    public static let maxPixels: UInt64 = 100_000_000

    /// A preview of a JPEG whose longer side is at most `maxSide` pixels (never larger than the
    /// photo), RGB at `quality`: the smallest DCT scale that keeps `maxSide`, then the nearest pixel.
    /// Throws `photo_unreadable` with libjpeg's message for a file it cannot decode.
    public static func preview(_ jpeg: [UInt8], maxSide: Int = 320, quality: Int = 75) throws -> (bytes: [UInt8], width: Int, height: Int) {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0
        var message = [CChar](repeating: 0, count: Int(JMSG_LENGTH_MAX))
        let status = jpeg.withUnsafeBufferPointer { p in
            rollout_jpeg_decode_scaled(p.baseAddress, UInt(p.count), Int32(maxSide), maxPixels, &pixels, &width, &height, &message)
        }
        guard status == 0, let pixels else { throw RolloutError("photo_unreadable", ["value": text(message)]) }
        defer { free(pixels) }
        let (w, h) = (Int(width), Int(height))
        // The DCT scale leaves less than 8/7 of the side asked for: the nearest pixel brings it to it.
        let f = max(w, h) > maxSide ? Double(maxSide) / Double(max(w, h)) : 1
        let (ow, oh) = (max(1, Int((Double(w) * f).rounded())), max(1, Int((Double(h) * f).rounded())))
        var out = [UInt8](repeating: 0, count: ow * oh * 3)
        for y in 0..<oh {
            let sy = min(h - 1, Int((Double(y) + 0.5) / f))
            for x in 0..<ow {
                let sx = min(w - 1, Int((Double(x) + 0.5) / f))
                let s = (sy * w + sx) * 3, d = (y * ow + x) * 3
                out[d] = pixels[s]; out[d + 1] = pixels[s + 1]; out[d + 2] = pixels[s + 2]
            }
        }
        return (try encode(out, width: ow, height: oh, components: 3, quality: quality), ow, oh)
    }

    /// libjpeg's message, up to its NUL.
    static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
