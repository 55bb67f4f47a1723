import Foundation
import RolloutCore
import RolloutStorage

/// PostgreSQL's own client programs (`pg_dump`, `pg_restore`), which the backup and restore of a
/// PostgreSQL database run: found on the PATH or in Debian's `/usr/lib/postgresql/N/bin`, run to
/// their end with their output kept in files (no pipe can fill and stall them).
enum ExternalProgram {
    struct Ending: Sendable {
        var status: Int32
        var output: Data
        var errors: String
    }

    /// The path of a PostgreSQL client program, the newest when several versions are installed;
    /// throws `postgres_client_missing` when there is none.
    static func postgresClient(_ name: String) throws -> String {
        let fm = FileManager.default
        var candidates: [String] = []
        if let lib = try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            // Debian's per-version folders: the newest first (pg_dump must be at least the server's version).
            for v in lib.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) { candidates.append("/usr/lib/postgresql/\(v)/bin/\(name)") }
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            candidates.append("\(dir)/\(name)")
        }
        guard let found = candidates.first(where: { fm.isExecutableFile(atPath: $0) }) else {
            throw RolloutError("postgres_client_missing", kind: .unavailable, ["value": name])
        }
        return found
    }

    /// Runs `path` with `arguments` and `environment` added to this process's, waiting for its end
    /// off the cooperative pool.
    static func run(_ path: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Ending {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { p in continuation.resume(returning: p.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: RolloutError("postgres_client_missing", kind: .unavailable, ["value": path]))
            }
        }
        try? outHandle.close(); try? errHandle.close()
        let errors = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        return Ending(status: status, output: (try? Data(contentsOf: out)) ?? Data(),
                      errors: errors.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The connection a client program is given: everything but the password, which goes in `PGPASSWORD`.
    static func connection(_ url: DatabaseURL) -> (arguments: [String], environment: [String: String]) {
        guard case .postgres(let host, let port, let user, let password, let database) = url else { return ([], [:]) }
        let args = ["--host=\(host)", "--port=\(port)", "--username=\(user)", "--dbname=\(database)", "--no-password"]
        return (args, password.map { ["PGPASSWORD": $0] } ?? [:])
    }
}
