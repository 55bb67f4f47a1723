import RolloutCore
import RolloutStorage

/// Checks the rows of a `resources` file: towers, poles and rooftops offered for shared use.
struct ResourcesRows: RowChecker {
    private var known: [String: [ResourceOffer]] = [:]
    private var seen: [String: Int] = [:]
    static let kinds: [Host] = [.existingTower, .powerTower, .streetLamp, .trafficPole, .policePole, .rooftop]

    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any ImportChecks) async throws {
        let ids = Set(rows.compactMap { header.cell("resource_id", in: $0.1) })
        known.merge(try await session.resources(ids)) { a, _ in a }
    }

    mutating func check(_ row: inout RowReader) -> [NewEvent] {
        let id = row.code("resource_id"), owner = row.required("owner")
        var kind: Host? = nil
        if let k = row.required("kind") {
            kind = Self.kinds.first { $0.rawValue == k.lowercased() || $0.chineseName == k }
            if kind == nil { row.fail("kind", "bad_resource_kind", ["value": k]) }
        }
        let region = row.region()
        let point = row.point(in: region)
        let height = row.number("height_m", required: false)
        guard row.isValid, let id, let owner, let kind, let region, let point else { return [] }
        let offer = ResourceOffer(resourceId: id, owner: owner, kind: kind, regionCode: region.code, lat: point.lat, lon: point.lon, heightM: height)
        if let first = seen[offer.entity] {
            row.fail("resource_id", "duplicate_in_file", ["value": id, "first": "\(first)"])
            return []
        }
        seen[offer.entity] = row.number
        if let old = known[id]?.first(where: { $0.entity == offer.entity }), old != offer {
            row.fail("resource_id", "resource_exists", ["value": id])
            return []
        }
        return [row.event(.resourceOffered(offer))]
    }
}
