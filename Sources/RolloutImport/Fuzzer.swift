import Foundation
import RolloutCore
import RolloutStorage

/// Feeds the importer random mutations of valid files (bytes changed, quotes, separators, line
/// ends, NUL and stray bytes inserted, bytes dropped, pieces repeated), all in one transaction that
/// is rolled back at the end. Every input must get an answer; a crash ends the process, which is
/// what the fuzz run is there to find.
public enum Fuzzer {
    /// What a fuzz run saw.
    public struct Summary: Sendable {
        public var inputs = 0
        public var committed = 0
        public var rejected = 0
        public var codes: [String: Int] = [:]
    }

    struct Rollback: Error { var summary: Summary }

    /// Runs `inputs` mutated files through the importer's reading and checking.
    public static func run(store: any CampaignStore, seeds: [(ImportKind, Data)], inputs: Int, seed: UInt64, now: Instant) async throws -> Summary {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-fuzz-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            return try await store.withWriteSession { session in
                let context = try await Importer.context(session, now: now, actor: "fuzz")
                var rng = seed
                func next(_ n: Int) -> Int {
                    rng = rng &* 6364136223846793005 &+ 1442695040888963407
                    return Int((rng >> 33) % UInt64(max(n, 1)))
                }
                var summary = Summary()
                for i in 0..<inputs {
                    let (kind, original) = seeds[i % seeds.count]
                    var bytes = [UInt8](original)
                    for _ in 0..<(1 + next(8)) {
                        let at = next(bytes.count + 1)
                        switch next(5) {
                        case 0 where at < bytes.count: bytes[at] = UInt8(next(256))
                        case 1: bytes.insert([0x22, 0x2C, 0x0A, 0x0D, 0x00, 0xFF, 0xE4, 0xEF, 0x3D][next(9)], at: at)
                        case 2 where at < bytes.count: bytes.remove(at: at)
                        case 3: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + next(40))], at: at)
                        default: bytes = Array(bytes.prefix(at))
                        }
                    }
                    try Data(bytes).write(to: file)
                    let report = try await Importer.importRows(kind, file: file, session: session, context: context, dryRun: true, progress: nil)
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
