import Crypto

/// The name a photo (or preview) is kept by: the SHA-256 of its bytes in lowercase hex.
public enum PhotoHash {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The SHA-256 of bytes, in hex (written digit by digit: `String(format:)` took 1.5 % of the
    /// demo's generation for its 25,000 photos and previews).
    public static func sha256(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in SHA256.hash(data: bytes) { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0F)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
