import Foundation
import RolloutCore
import RolloutImport
import RolloutStorage

/// What `rollout import evidence FILE.zip` answers: the manifest's rows, the photos attached and
/// those attached already, and every bad row (then nothing is kept); kind `evidence`.
public typealias EvidenceImportReport = ImportAnswer

extension CampaignService {
    /// Imports a bundle of photos (``EvidenceBundle``), all or nothing: every row is checked (its
    /// operator, stage and site, the photo in the bundle, a real JPEG, the site at that stage; with
    /// a `scope`, the account's own sites), each photo against its site as one sent alone; then every
    /// photo, its preview and its event are kept in one transaction, or with any bad row none is.
    /// A photo attached to the same stage before (or twice in the file) is left as it is.
    public func importEvidence(_ url: URL, actor: String, scope: Principal? = nil, dryRun: Bool,
                               limits: Limits = .standard) async throws -> EvidenceImportReport {
        if let scope, !Access.allows(scope.role, .attachEvidence) {
            throw RolloutError("forbidden_import", kind: .forbidden, ["role": scope.role.rawValue, "value": "evidence"])
        }
        let bundle = EvidenceBundle(url: url, limits: limits)
        defer { bundle.close() }
        var report = EvidenceImportReport(kind: "evidence", committed: false, dryRun: dryRun, rows: bundle.rows.count, applied: 0, unchanged: 0, errors: bundle.errors)
        guard report.errors.isEmpty else { return report }
        let now = try await campaign().now(clock)
        let rule = Verification(try await store.events(kinds: ["evidence.rule_set"]), at: ReadMoment(asOf: .including(now))).rule ?? EvidenceRule()
        // The photos kept already: each one's sites, and each site's stages it is evidence of.
        var sitesOf: [String: Set<SiteKey>] = [:]
        var attached: Set<String> = []
        for e in try await store.events(kinds: ["evidence.attached"]) {
            guard case .evidenceAttached(let p) = e.event.body else { continue }
            sitesOf[p.sha256, default: []].insert(p.site)
            attached.insert("\(p.site.entity)|\(p.stage.rawValue)|\(p.sha256)")
        }
        var blobs: [StoredBlob] = []
        var events: [NewEvent] = []
        for row in bundle.rows {
            func fail(_ column: String, _ code: String, _ arguments: [String: String] = [:]) {
                var a = arguments
                a["file"] = row.file
                report.errors.append(ImportError(row: row.number, column: column, code: code, arguments: a))
            }
            guard let op = Operator(codeOrName: row.operator) else { fail("operator", "bad_operator", ["value": row.operator]); continue }
            guard let stage = Stage(rawValue: row.stage), EvidencePhoto.stages.contains(stage) else { fail("stage", "bad_evidence_stage", ["value": row.stage]); continue }
            guard !row.siteCode.isEmpty else { fail("site_code", "required"); continue }
            let site = SiteKey(operator: op, code: row.siteCode)
            if let scope, scope.role != .cityOffice, scope.operator != op { fail("operator", "not_yours", ["value": scope.account]); continue }
            do {
                let bytes = try bundle.photo(row.file, maxBytes: limits.photoBytes)
                let sha = Self.sha256(bytes)
                let key = "\(site.entity)|\(stage.rawValue)|\(sha)"
                if attached.contains(key) { report.unchanged += 1; continue }
                let reused = sitesOf[sha].map { !$0.subtracting([site]).isEmpty } ?? false
                let (evidence, kept) = try await makeEvidence(site: site, stage: stage, bytes: bytes, sha256: sha, maxBytes: limits.photoBytes, now: now,
                                                              rule: rule, reusedElsewhere: reused)
                attached.insert(key)
                sitesOf[sha, default: []].insert(site)
                blobs += kept
                events.append(NewEvent(.evidenceAttached(evidence), occurredAt: now, recordedAt: now, actor: actor, via: scope?.token))
                report.applied += 1
            } catch let e as RolloutError {
                let column = e.code == "unknown_site" ? "site_code" : e.code == "evidence_stage_not_reached" ? "stage" : "file"
                fail(column, e.code, e.arguments)
            }
            if report.errors.count >= Importer.maxErrors { break }
        }
        guard report.errors.isEmpty else { report.applied = 0; report.unchanged = 0; return report }
        if !dryRun, !events.isEmpty { _ = try await store.keep(blobs, appending: events) }
        report.committed = !dryRun
        return report
    }
}
