import Foundation
import RolloutCore
import RolloutFiles
import RolloutImport
import RolloutStorage

/// Safety at a moment: the fold of the log's findings, with the regions and their site counts.
public struct SafetyView: Sendable {
    /// The moment's field instant (the last second counted).
    public var at: Instant
    /// The findings as they stand.
    public var safety: Safety
    /// The campaign's regions, in their order.
    public var regions: [Region]
    /// Each region's sites (the network's, as the figures count them).
    public var sites: [String: Int]

    /// The tallies at the moment.
    public var tallies: (city: Safety.Tally, regions: [String: Safety.Tally], contractors: [String: Safety.Tally], categories: [String: Safety.Tally]) {
        safety.tallies(at: at)
    }
}

extension CampaignService {
    /// Safety as of a written moment.
    public func safety(asOf: String? = nil, knownAt: String? = nil) async throws -> SafetyView {
        let (c, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await safety(c.campaign, at: moment)
    }

    /// The events safety is folded from, caught up with the log.
    func safetyEvents() async throws -> [LoggedEvent] { try await kept.events(kinds: Safety.kinds, store: store) }

    /// Safety at a checked moment. `withSites`: with the regions' site counts (the safety page's
    /// rates per 100 sites), which cost the figures of every region at the moment; a site's or a
    /// contractor's page leaves them out.
    public func safety(_ campaign: Campaign, at moment: ReadMoment, withSites: Bool = true) async throws -> SafetyView {
        let sites = withSites ? Dictionary(uniqueKeysWithValues: try await counts(campaign, at: moment).regions.map { ($0.regionCode, $0.sites) }) : [:]
        return SafetyView(at: moment.asOf.before.adding(seconds: -1), safety: Safety(try await safetyEvents(), at: moment),
                          regions: try await regionList(), sites: sites)
    }

    /// One site's findings at a checked moment (a site's page): the fold of its own findings'
    /// events only (``Safety/events(_:of:)``), without the regions' site counts.
    public func safety(ofSite site: SiteKey, at moment: ReadMoment) async throws -> SafetyView {
        SafetyView(at: moment.asOf.before.adding(seconds: -1), safety: Safety(Safety.events(try await safetyEvents(), of: site), at: moment),
                   regions: try await regionList(), sites: [:])
    }

    /// Records one finding as `principal`, from the fields of an `inspections` row (a form's, the
    /// API's): checked as that file's row is, all or nothing; the answer is the import's.
    public func recordFinding(_ fields: [String: String], by principal: Principal) async throws -> ImportReport {
        let columns = ImportKind.inspections.columns.map(\.code)
        var fields = fields
        if (fields["inspected_at"] ?? "").trimmedSpaces.isEmpty { fields["inspected_at"] = ShanghaiCalendar.iso8601(try await campaign().now(clock)) }
        func cell(_ v: String) -> String { "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let text = columns.joined(separator: ",") + "\n" + columns.map { cell(fields[$0] ?? "") }.joined(separator: ",") + "\n"
        // A private folder (0700, the file 0600) as for an upload: the finding is not readable by others meanwhile.
        let dir = try PrivateTemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.file("finding.csv")
        let handle = try file.openForWriting()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        return try await importFile(.inspections, file: file.url, by: principal, dryRun: false)
    }

    /// Names the contractor building a site (or changes it), now, as `principal`: the city office,
    /// or the site's operator. Throws `bad_contractor` for an empty or overlong name,
    /// `unknown_site`, `not_yours`.
    public func setContractor(_ site: SiteKey, _ name: String, by principal: Principal) async throws {
        guard Access.allows(principal.role, .nameContractor) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        let name = name.trimmedSpaces
        guard !name.isEmpty, name.count <= 200, !name.contains(where: \.isNewline) else { throw RolloutError("bad_contractor") }
        let body = EventBody.contractorSet(site: site, contractor: name)
        guard Access.mayRecord(body, principal) else { throw RolloutError("site_not_yours", kind: .forbidden, ["value": site.code]) }
        let now = try await campaign().now(clock)
        guard try await store.site(site, at: ReadMoment(asOf: Cutoff.including(now))) != nil else {
            throw RolloutError("unknown_site", kind: .notFound, ["operator": site.operator.rawValue, "value": site.code])
        }
        _ = try await store.append([NewEvent(body, occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)])
    }

    /// Takes a step on a finding as `principal`, now: the fix reported by its responsible
    /// organisation, or the re-inspection's verdict (see ``Safety/check(_:on:at:by:)``).
    public func findingStep(ref: String, _ step: SafetyFinding.Step, by principal: Principal) async throws {
        guard Access.allows(principal.role, .handleSafety) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        let now = try await campaign().now(clock)
        let safety = Safety(try await safetyEvents(), at: ReadMoment(asOf: Cutoff.including(now)))
        try Safety.check(step, on: safety.findings[ref], at: now, by: principal)
        let note: String
        switch step {
        case .rectified(let n), .accepted(let n), .reopened(let n, _): note = n
        case .escalated: throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue])
        }
        guard !note.trimmedSpaces.isEmpty, note.count <= 2_000 else { throw RolloutError("finding_note_required") }
        _ = try await store.append([NewEvent(.findingStep(ref: ref, step: step), occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)])
    }

    /// Escalates to the city every finding whose deadline in force ran out with the fix not
    /// reported (and not escalated yet), as `system`, dated when the deadline ran out. Several
    /// instances may sweep at once: each deadline is escalated once (the log's re-sent check).
    /// Returns how many it escalated.
    @discardableResult
    public func escalateOverdueFindings() async throws -> Int {
        let now = try await campaign().now(clock)
        let safety = Safety(try await safetyEvents(), at: ReadMoment(asOf: Cutoff.including(now)))
        let events = safety.dueForEscalation(at: now).map { s in
            NewEvent(.findingStep(ref: s.finding.ref, step: .escalated(deadline: s.deadline)), occurredAt: min(s.deadline, now),
                     recordedAt: now, actor: Self.systemActor)
        }
        guard !events.isEmpty else { return 0 }
        return try await store.append(events).applied
    }
}
