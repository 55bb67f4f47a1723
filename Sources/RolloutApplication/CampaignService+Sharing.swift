import NIOConcurrencyHelpers
import Foundation
import RolloutCore
import RolloutStorage

/// The resources a site could use instead of a new tower.
public struct SiteMatches: Codable, Sendable, Equatable {
    /// False once the site's location is secured (past `planned`): nothing is proposed then.
    public var needsLocation: Bool
    /// The radius searched around the site, in metres.
    public var radiusM: Double
    /// The suitable offers within the radius, nearest first, at most the limit asked.
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
        if let hit = resourceIndexes.withLockedValue({ $0[key] }) { return hit }
        let index = ResourceMatching.Index(try await store.resources(at: moment))
        resourceIndexes.withLockedValue { if $0.count > 8 { $0.removeAll() }; $0[key] = index }
        return index
    }
}

extension CampaignService {
    /// The kinds of event that make up the resource requests.
    public static let requestKinds = ["resource.requested", "resource.request_answered"]

    /// The requests an account may see, newest first: an operator its own sites', an owner those on
    /// its offers, the city office and leaders all of them.
    public func requests(for principal: Principal, asOf: String? = nil) async throws -> [RequestState] {
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: nil)
        let all = SharingRequests.fold(try await store.events(kinds: Self.requestKinds), at: moment).values
        return all.filter { r in
            switch principal.role {
            case .operator: r.request.site.operator == principal.operator
            case .resourceOwner: r.request.owner == principal.owner
            case .district, .admin, .inspector, .verifier: false
            case .cityOffice, .leader: true
            }
        }.sorted { ($0.requestedAt, $0.request.id) > ($1.requestedAt, $1.request.id) }
    }

    /// An operator (or the city office) asks an owner for an offered resource for a planned site.
    public func requestResource(site key: SiteKey, owner: String, resourceId: String, note: String, by principal: Principal) async throws -> RequestState {
        let c = try await campaign()
        let now = c.now(clock)
        let moment = ReadMoment(asOf: .including(now))
        guard principal.role == .cityOffice || (principal.role == .operator && principal.operator == key.operator) else {
            throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue])
        }
        guard let site = try await store.site(key, at: moment)?.site else {
            throw RolloutError("unknown_site", kind: .notFound, ["operator": key.operator.rawValue, "value": key.code])
        }
        guard site.stage == Stage.planned.rawValue, site.resourceId == nil, let kind = SiteKind(rawValue: site.kind) else {
            throw RolloutError("site_located", kind: .conflict, ["value": key.code])
        }
        guard let offer = try await store.resources(at: moment).first(where: { $0.owner == owner && $0.resourceId == resourceId }) else {
            throw RolloutError("unknown_resource", kind: .notFound, ["value": resourceId])
        }
        guard ResourceMatching.suits(kind, offer.kind) else { throw RolloutError("resource_unsuitable", ["value": resourceId]) }
        guard note.count <= 500 else { throw RolloutError("text_too_long", ["value": "500"]) }
        let open = SharingRequests.fold(try await store.events(kinds: Self.requestKinds), at: moment).values
        if open.contains(where: { $0.accepted == nil && $0.request.site == key && $0.request.owner == owner && $0.request.resourceId == resourceId }) {
            throw RolloutError("request_exists", kind: .conflict, ["value": resourceId])
        }
        let request = ResourceRequest(id: "Q" + String(UInt64.random(in: 0...UInt64(UInt32.max)), radix: 16), site: key, owner: owner,
                                      resourceId: resourceId, host: offer.kind, note: note.trimmingCharacters(in: .whitespacesAndNewlines))
        _ = try await store.append([NewEvent(.resourceRequested(request), occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)])
        await noteReport(by: principal, at: now)
        return RequestState(request: request, requestedAt: now, requestedBy: principal.account)
    }

    /// The owner (or the city office) accepts or declines a waiting request.
    public func answerRequest(id: String, accepted: Bool, reason: String, by principal: Principal) async throws -> RequestState {
        let c = try await campaign()
        let now = c.now(clock)
        let current = SharingRequests.fold(try await store.events(kinds: Self.requestKinds), at: ReadMoment(asOf: .including(now)))[id]
        if let r = current?.request, !(principal.role == .cityOffice || (principal.role == .resourceOwner && principal.owner == r.owner)) {
            throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue])
        }
        let next = try SharingRequests.answer(current, id: id, accepted: accepted, reason: reason, at: now)
        _ = try await store.append([NewEvent(.resourceRequestAnswered(next.request, accepted: accepted, reason: next.reason ?? ""),
                                             occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)])
        return next
    }
}
