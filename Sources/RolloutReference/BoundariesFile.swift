import Foundation
import RolloutCore

/// Reads region outlines from GeoJSON: a FeatureCollection whose features carry `region_code`
/// and a Polygon or MultiPolygon geometry in WGS-84.
public enum BoundariesFile {
    /// The outline of each region code in the file.
    public static func parse(_ data: Data) throws -> [String: Outline] {
        struct Collection: Decodable { var features: [Feature] }
        struct Feature: Decodable { var properties: Properties; var geometry: Geometry }
        struct Properties: Decodable { var region_code: String }
        struct Geometry: Decodable {
            var type: String
            var polygon: [[[Double]]]?
            var multi: [[[[Double]]]]?
            enum CodingKeys: String, CodingKey { case type, coordinates }
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                type = try c.decode(String.self, forKey: .type)
                switch type {
                case "Polygon": polygon = try c.decode([[[Double]]].self, forKey: .coordinates)
                case "MultiPolygon": multi = try c.decode([[[[Double]]]].self, forKey: .coordinates)
                default: throw RolloutError("bad_boundaries_file", ["reason": "geometry \(type) is not a polygon"])
                }
            }
        }
        let collection: Collection
        do { collection = try JSONDecoder().decode(Collection.self, from: data) } catch let e as RolloutError {
            throw e
        } catch {
            throw RolloutError("bad_boundaries_file", ["reason": "not a GeoJSON FeatureCollection with region_code"])
        }
        func ring(_ coords: [[Double]]) throws -> Ring {
            guard coords.count >= 4, coords.allSatisfy({ $0.count >= 2 }) else {
                throw RolloutError("bad_boundaries_file", ["reason": "a ring has fewer than 4 points"])
            }
            return coords.map { (lon: $0[0], lat: $0[1]) }
        }
        func part(_ rings: [[[Double]]]) throws -> Outline.Part {
            guard let outer = rings.first else { throw RolloutError("bad_boundaries_file", ["reason": "an empty polygon"]) }
            return Outline.Part(outer: try ring(outer), holes: try rings.dropFirst().map(ring))
        }
        var out: [String: Outline] = [:]
        for f in collection.features {
            let parts = try (f.geometry.polygon.map { [$0] } ?? f.geometry.multi ?? []).map(part)
            var all = out[f.properties.region_code]?.parts ?? []
            all += parts
            out[f.properties.region_code] = Outline(parts: all)
        }
        return out
    }
}
