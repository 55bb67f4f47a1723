import Foundation
import RolloutCore

/// Reads a regions file in the columns of `chongqing-regions.csv`.
///
/// Required columns: `region_code`, `name_zh`, `name_en`, `kind`; the others (`lat`, `lon`,
/// `min_lat`, `min_lon`, `max_lat`, `max_lon`, `population_2020`, `area_km2`, `host_regions`) may
/// be empty. A functional area takes the union of its host regions' bounds.
public enum RegionsFile {
    /// The regions in the file, in file order.
    public static func parse(_ data: Data) throws -> [Region] {
        guard var text = String(data: data, encoding: .utf8) else {
            throw RolloutError("bad_region_file", ["row": "1", "reason": "not UTF-8"])
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else {
            throw RolloutError("bad_region_file", ["row": "1", "reason": "empty"])
        }
        func col(_ name: String) -> Int? { header.firstIndex(of: name) }
        for required in ["region_code", "name_zh", "name_en", "kind"] where col(required) == nil {
            throw RolloutError("bad_region_file", ["row": "1", "reason": "missing column \(required)"])
        }
        var regions: [Region] = []
        for (n, line) in lines.dropFirst().enumerated() {
            let row = n + 2
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            func cell(_ name: String) -> String? {
                guard let i = col(name), i < cells.count, !cells[i].isEmpty else { return nil }
                return cells[i]
            }
            func number(_ name: String) throws -> Double? {
                guard let c = cell(name) else { return nil }
                guard let v = Double(c), v.isFinite else {
                    throw RolloutError("bad_region_file", ["row": "\(row)", "reason": "\(name) is not a number"])
                }
                return v
            }
            guard let code = cell("region_code"), let nameZh = cell("name_zh"), let nameEn = cell("name_en"),
                  let kind = cell("kind").flatMap(RegionKind.init(rawValue:)) else {
                throw RolloutError("bad_region_file", ["row": "\(row)", "reason": "code, names or kind missing or wrong"])
            }
            var bounds: Bounds? = nil
            if let a = try number("min_lat"), let b = try number("min_lon"), let c = try number("max_lat"),
               let d = try number("max_lon") {
                bounds = Bounds(minLat: a, minLon: b, maxLat: c, maxLon: d)
            }
            regions.append(Region(
                code: code, nameZh: nameZh, nameEn: nameEn, kind: kind, seatLat: try number("lat"),
                seatLon: try number("lon"), bounds: bounds, population: try number("population_2020").map { Int($0) },
                areaKm2: try number("area_km2"),
                hostRegions: cell("host_regions").map { $0.split(separator: ";").map(String.init) } ?? []))
        }
        let byCode = Dictionary(regions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        guard byCode.count == regions.count else {
            throw RolloutError("bad_region_file", ["row": "-", "reason": "a region code appears twice"])
        }
        for i in regions.indices where !regions[i].hostRegions.isEmpty {
            let hosts = regions[i].hostRegions.compactMap { byCode[$0]?.bounds }
            guard hosts.count == regions[i].hostRegions.count else {
                throw RolloutError("bad_region_file", ["row": "\(i + 2)", "reason": "unknown host region"])
            }
            if regions[i].bounds == nil { regions[i].bounds = hosts.dropFirst().reduce(hosts[0]) { $0.union($1) } }
        }
        return regions
    }
}
