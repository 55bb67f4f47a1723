import Foundation
import RolloutCore

/// The resources a site could use instead of a new tower.
public struct SiteMatches: Codable, Sendable, Equatable {
    /// False once the site's location is secured (past `planned`): nothing is proposed then.
    public var needsLocation: Bool
    public var radiusM: Double
    public var candidates: [ResourceMatching.Candidate]
}

extension CampaignService {
    /// The nearest suitable offered resources within a radius of a planned site without a location.
    public func matches(for key: SiteKey, radius: Double, limit: Int, asOf: String? = nil) async throws -> SiteMatches {
        guard radius > 0, radius <= 20_000 else { throw RolloutError("bad_radius", ["value": "\(radius)"]) }
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: nil)
        guard let detail = try await store.site(key, at: moment) else {
            throw RolloutError("unknown_site", kind: .notFound, ["operator": key.operator.rawValue, "value": key.code])
        }
        let s = detail.site
        guard s.stage == Stage.planned.rawValue, s.resourceId == nil, let kind = SiteKind(rawValue: s.kind) else {
            return SiteMatches(needsLocation: false, radiusM: radius, candidates: [])
        }
        let index = try await resourceIndex(at: moment)
        return SiteMatches(needsLocation: true, radiusM: radius,
                           candidates: index.nearest(lat: s.lat, lon: s.lon, kind: kind, radius: radius, limit: limit))
    }

    /// The offers' index at a moment, kept while the log does not grow.
    func resourceIndex(at moment: ReadMoment) async throws -> ResourceMatching.Index {
        let seq = try await store.currentSeq()
        let key = "\(seq)|\(moment.asOf.before.seconds)"
        if let hit = resourceIndexes.withLock({ $0[key] }) { return hit }
        let index = ResourceMatching.Index(try await store.resources(at: moment))
        resourceIndexes.withLock { if $0.count > 8 { $0.removeAll() }; $0[key] = index }
        return index
    }
}
