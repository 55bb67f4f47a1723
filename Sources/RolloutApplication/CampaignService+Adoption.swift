import Foundation
import RolloutCore
import RolloutStorage

/// 5G adoption at a moment: the fold of the log's adoption records, with the regions it is shown by.
public struct AdoptionView: Sendable {
    /// The moment's field instant (the last second counted).
    public var at: Instant
    /// Projects, figures and targets as of the moment.
    public var adoption: Adoption
    /// The campaign's regions, in their order.
    public var regions: [Region]

    /// Each region's line, in the campaign's order.
    public var lines: [Adoption.Line] { regions.map { adoption.line(region: $0.code, population: $0.population) } }

    /// The city's line.
    public var city: Adoption.Line {
        adoption.cityLine(populations: Dictionary(uniqueKeysWithValues: regions.compactMap { r in r.population.map { (r.code, $0) } }))
    }
}

extension CampaignService {
    /// Adoption as of a written moment.
    public func adoption(asOf: String? = nil, knownAt: String? = nil) async throws -> AdoptionView {
        let (c, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await adoption(c.campaign, at: moment)
    }

    /// Adoption at a checked moment.
    public func adoption(_ campaign: Campaign, at moment: ReadMoment) async throws -> AdoptionView {
        AdoptionView(at: moment.asOf.before.adding(seconds: -1), adoption: Adoption(try await store.events(kinds: Adoption.kinds), at: moment),
                     regions: try await regionList())
    }

    /// Records an application project (or a change of it) as `principal`, dated `statusDate` (a
    /// date or instant, not in the future; nil: now). Refused without the right to record
    /// adoption, for a region the campaign does not have, for a project the account may not keep
    /// (a district another region's, an operator one it does not carry, or one another keeps).
    /// Returns whether the log changed (the same record again changes nothing).
    @discardableResult
    public func recordApplication(_ project: ApplicationProject, statusDate: String?, by principal: Principal) async throws -> Bool {
        guard Access.allows(principal.role, .recordAdoption) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        let p = try project.validated()
        guard try await regionsByCode()[p.regionCode] != nil else { throw RolloutError("unknown_region", ["value": p.regionCode]) }
        let c = try await campaign()
        let now = c.now(clock)
        var at = now
        if let written = statusDate?.trimmedSpaces, !written.isEmpty {
            guard let parsed = ShanghaiCalendar.parseInstant(written) else { throw RolloutError("bad_date", ["value": String(written.prefix(40))]) }
            let window = FieldDateWindow(campaign: c.campaign, now: now, historyYears: Limits.standard.historyYears)
            if let code = window.refusal(parsed, happened: true) { throw RolloutError("application_date_\(code)", ["value": written]) }
            at = parsed
        }
        let standing = Adoption(try await store.events(kinds: Adoption.kinds), at: ReadMoment(asOf: Cutoff(before: Instant(seconds: .max)))).projects[p.ref]
        guard Access.mayRecord(.applicationRecorded(p), principal), standing.map({ Access.mayRecord(.applicationRecorded($0.project), principal) }) ?? true else {
            throw RolloutError("application_not_yours", kind: .forbidden, ["value": p.ref])
        }
        if statusDate == nil || statusDate?.trimmedSpaces.isEmpty == true, standing?.project == p { return false }
        let result = try await store.append([NewEvent(.applicationRecorded(p), occurredAt: at, recordedAt: now, actor: principal.account, via: principal.token)])
        return result.applied > 0
    }
}
