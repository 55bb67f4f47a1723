import Foundation
import NIOConcurrencyHelpers
import RolloutCore
import RolloutReference

/// Parsed region outlines, kept between imports: parsing a province's GeoJSON costs more than a small import.
public final class OutlineCache: Sendable {
    /// The one cache every import in the process shares.
    public static let shared = OutlineCache()
    private let entries = NIOLockedValueBox<[String: [String: Outline]]>([:])

    /// The outlines of GeoJSON geometries by region code, parsed once.
    public func outlines(_ geometries: [String: String]) throws -> [String: Outline] {
        guard !geometries.isEmpty else { return [:] }
        let key = fingerprint(geometries.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
        if let hit = entries.withLockedValue({ $0[key] }) { return hit }
        let features = geometries.map { code, g in #"{"type":"Feature","properties":{"region_code":"\#(code)"},"geometry":\#(g)}"# }
        let collection = #"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#
        let parsed = try BoundariesFile.parse(Data(collection.utf8))
        entries.withLockedValue { $0 = [key: parsed] }
        return parsed
    }
}
