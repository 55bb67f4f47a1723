import Foundation
import RolloutCore

/// The built-in reference data: Chongqing's 41 campaign units and their outlines (see
/// `Resources/SOURCES.md` for where every value comes from).
public enum Chongqing {
    /// The raw bytes of the bundled regions file.
    public static func regionsData() throws -> Data { try resource("chongqing-regions", "csv") }

    /// The raw bytes of the bundled boundaries file.
    public static func boundariesData() throws -> Data { try resource("chongqing-boundaries", "geojson") }

    /// The 41 units: 38 districts and counties and 3 functional areas.
    public static func regions() throws -> [Region] { try RegionsFile.parse(regionsData()) }

    /// The outlines of the 38 districts and counties.
    public static func outlines() throws -> [String: Outline] { try BoundariesFile.parse(boundariesData()) }

    private static func resource(_ name: String, _ ext: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources")
            ?? Bundle.module.url(forResource: name, withExtension: ext) else {
            throw RolloutError("internal", ["value": "missing resource \(name).\(ext)"])
        }
        return try Data(contentsOf: url)
    }
}
