import RolloutCore

/// A photo as the platform reads it from its bytes: a real JPEG (its structure walked to the
/// end marker) within the size limit, and what its EXIF block says of where and when.
public struct Photo: Sendable, Equatable {
    /// The picture's structure.
    public var layout: JPEGLayout
    /// What its EXIF block says (nothing when it has none).
    public var exif: ExifFacts

    /// The largest photo taken by default: 15 MB.
    public static let defaultMaxBytes = 15 * 1024 * 1024

    /// Reads a photo. Throws `photo_too_large` (over `maxBytes`, naming the limit in MB), the
    /// structure's errors (``JPEGLayout/read(_:)``) and the EXIF block's (``ExifFacts/read(_:range:)``).
    public static func read(_ bytes: [UInt8], maxBytes: Int = defaultMaxBytes) throws -> Photo {
        guard bytes.count <= maxBytes else { throw RolloutError("photo_too_large", kind: .tooLarge, ["value": String(maxBytes / (1024 * 1024))]) }
        let layout = try JPEGLayout.read(bytes)
        let exif = try layout.exif.map { try ExifFacts.read(bytes, range: $0) } ?? ExifFacts()
        return Photo(layout: layout, exif: exif)
    }
}
