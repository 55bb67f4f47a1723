import Dispatch
import Foundation
import Hummingbird
import Metrics
import RolloutApplication
import RolloutTexts
import Tracing
import RolloutCore
import RolloutImport
import RolloutStorage
import RolloutFiles

/// `POST /api/v1/imports/{kind}`: the body is the file (CSV or XLSX); the answer is the CLI's
/// `--json`, with 200 when committed (or a clean dry run) and 422 when rejected.
enum ImportRoutes {
    static func add(to router: Router<RolloutContext>, service: CampaignService, limits: Limits) {
        router.on(.apiImport) { request, context in
            let kindText = try context.parameters.require("kind")
            guard let kind = ImportKind(rawValue: kindText) else {
                throw RolloutError("unknown_import_kind", kind: .notFound, ["value": kindText])
            }
            let principal = try context.requirePrincipal()
            guard Access.mayImport(kind.rawValue, principal) else {
                throw RolloutError("forbidden_import", kind: .forbidden, ["role": Catalogue.text("page_role_\(principal.role.rawValue)", request.language),
                                                                         "value": kind.rawValue])
            }
            let dryRun = ["true", "1", "yes"].contains(request.query("dry_run")?.lowercased() ?? "")
            // An empty database refuses before the upload is read.
            _ = try await service.campaign()
            // The body goes to a private temporary file (0600 in a 0700 folder of its own), so a
            // large upload is never held in memory; it is removed however the request ends.
            let dir = try PrivateTemporaryDirectory()
            defer { dir.remove() }
            let file = try dir.file("upload")
            let handle = try file.openForWriting()
            do {
                for try await buffer in request.body { try handle.write(contentsOf: Data(buffer: buffer)) }
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            // Checked and written on the background thread: readers are served first meanwhile.
            let started = DispatchTime.now().uptimeNanoseconds
            let report = try await withSpan("import.\(kind.rawValue)") { _ in try await withTaskExecutorPreference(BackgroundExecutor.shared) {
                try await service.importFile(kind, file: file.url, by: principal, dryRun: dryRun, limits: limits)
            } }
            let outcome = !report.errors.isEmpty ? "rejected" : dryRun ? "dry_run" : "committed"
            Counter(label: "rollout_imports_total", dimensions: [("kind", kind.rawValue), ("outcome", outcome)]).increment()
            Counter(label: "rollout_import_rows_total", dimensions: [("kind", kind.rawValue), ("outcome", outcome)]).increment(by: report.rows)
            Counter(label: "rollout_import_row_errors_total", dimensions: [("kind", kind.rawValue)]).increment(by: report.errors.count)
            Metrics.Timer(label: "rollout_import_duration_seconds", dimensions: [("kind", kind.rawValue), ("outcome", outcome)], preferredDisplayUnit: .seconds)
                .recordNanoseconds(DispatchTime.now().uptimeNanoseconds - started)
            return Response(status: report.errors.isEmpty ? .ok : .unprocessableContent,
                            headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try report.json(request.language))))
        }
    }
}
