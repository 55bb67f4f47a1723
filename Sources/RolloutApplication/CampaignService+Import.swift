import Foundation
import RolloutCore
import RolloutImport
import RolloutStorage

extension CampaignService {
    /// Imports a file sent by an account (or only checks it, `dryRun`), at the campaign's now: all
    /// of it or nothing, with a row error for every row the account may not send. A committed file
    /// sent for an organisation that must report logs its receipt with the rows.
    public func importFile(_ kind: ImportKind, file: URL, by principal: Principal, dryRun: Bool,
                           limits: Limits = .standard) async throws -> ImportReport {
        let now = try await campaign().now(clock)
        return try await Importer.run(kind, file: file, store: store, now: now, actor: principal.account,
                                      scope: principal, dryRun: dryRun, limits: limits,
                                      receipt: { report in Self.receipt(for: principal, channel: kind.rawValue, rows: report.rows, at: now) })
    }
}
