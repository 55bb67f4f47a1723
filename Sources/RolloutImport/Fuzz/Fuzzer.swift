import Foundation
import RolloutCore
import RolloutStorage
import RolloutFiles

/// Feeds the importer the inputs of a ``StructuralFuzzer``, all in one transaction that is rolled
/// back at the end. Every input must get an answer (committed or rejected with its errors); a crash
/// ends the process, which is what a fuzz run is there to find: `rollout bench fuzz` runs this in
/// a worker process and notes the number of the input before reading it.
public enum Fuzzer {
    /// What a fuzz run saw.
    public struct Summary: Sendable, Codable {
        /// Inputs run through the importer.
        public var inputs = 0
        /// Inputs read and checked without an error (a dry run: nothing is kept).
        public var committed = 0
        /// Inputs answered with errors.
        public var rejected = 0
        /// Per error code, the rejected inputs whose first error had it.
        public var codes: [String: Int] = [:]
        /// An empty summary (every count 0), to add runs to.
        public init() {}
    }

    struct Rollback: Error { var summary: Summary }

    /// Runs inputs `range` of `fuzzer` through the importer's reading and checking; `starting` is
    /// told each input's number before it is read.
    public static func run(store: any CampaignStore, fuzzer: StructuralFuzzer, range: Range<Int>, now: Instant,
                           starting: (@Sendable (Int) -> Void)? = nil) async throws -> Summary {
        guard let campaign = try await store.campaign()?.campaign else { throw RolloutError("no_campaign") }
        let dir = try PrivateTemporaryDirectory()
        defer { dir.remove() }
        do {
            return try await store.withWriteSession { session in
                let context = try await Importer.context(session, campaign: campaign, now: now, actor: "fuzz", limits: fuzzer.limits)
                var summary = Summary()
                for i in range {
                    let input = fuzzer.input(i)
                    starting?(i)
                    let file = dir.url.appendingPathComponent("input.\(input.fileExtension)")
                    try Data(input.bytes).write(to: file)
                    let report = try await Importer.importRows(input.kind, file: file, session: session, context: context, dryRun: true, progress: nil)
                    summary.inputs += 1
                    if report.errors.isEmpty { summary.committed += 1 } else { summary.rejected += 1 }
                    for e in report.errors.prefix(1) { summary.codes[e.code, default: 0] += 1 }
                }
                throw Rollback(summary: summary)
            }
        } catch let r as Rollback {
            return r.summary
        }
    }
}
