import ArgumentParser
import Foundation
import RolloutCore
import RolloutDemo
import RolloutImport
import RolloutReference
import RolloutFiles
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
#if canImport(Glibc)
import Glibc
#endif

/// `rollout bench fuzz`: structurally mutated bulk files through the importer, in worker processes
/// under an address-space limit. A worker notes each input's number before reading it; when a
/// worker dies (a crash) or stops moving (a hang), the input is made again from its number, saved,
/// and a new worker goes on after it. Prints inputs/s, the largest peak memory and every crash.
struct BenchFuzz: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz", abstract: "Feed the importer structurally mutated CSV and XLSX files, in worker processes under a memory limit.",
        discussion: "Exit status: 0 no crash and no hang, 1 at least one (the inputs are saved under --crashes).")

    @OptionGroup var common: CommonOptions
    @Option(help: "How many inputs.") var inputs = 1_000_000
    @Option(help: "Seed of the inputs (input i of a seed is always the same file).") var seed: UInt64 = 1
    @Option(name: .customLong("memory-limit-mb"), help: "Address-space limit of each worker (ulimit -v), in MB.") var memoryLimitMB = 4096
    @Option(help: "Inputs per worker process.") var batch = 50_000
    @Option(help: "Folder where crashing and hanging inputs are saved.") var crashes = "fuzz-crashes"
    @Option(help: "Seconds of processor time one input may take before it counts as a hang (or ten times as long on the clock).") var timeout = 60
    @Flag(help: .hidden) var worker = false
    @Option(help: .hidden) var from = 0
    @Option(help: .hidden) var to = 0
    @Option(help: .hidden) var progressFile: String?

    func run() async throws {
        try await common.run {
            if worker { try await runWorker() } else { try await supervise() }
        }
    }

    /// One worker: inputs `from..<to` on a throwaway database; the summary as JSON on standard output.
    func runWorker() async throws {
        let dir = try PrivateTemporaryDirectory()
        defer { dir.remove() }
        let store = try await SQLCampaignStore.open(.sqlite(path: dir.url.appendingPathComponent("fuzz.sqlite").path))
        let now = ShanghaiCalendar.parseInstant("2020-06-15T12:00:00+08:00")!
        _ = try await store.migrate(now: now)
        try await store.createCampaign(Campaign(name: "fuzz", start: ShanghaiCalendar.parseInstant("2020-01-01")!, deadline: now), clock: now,
                                       regions: try Chongqing.regions(), outlines: try DemoInstaller.outlineGeometries(), now: now)
        let fd = progressFile.map { open($0, O_WRONLY | O_CREAT, 0o600) } ?? -1
        let summary = try await Fuzzer.run(store: store, fuzzer: StructuralFuzzer(seed: seed), range: from..<max(from, to), now: now) { i in
            guard fd >= 0 else { return }
            var n = Int64(i)
            _ = pwrite(fd, &n, 8, 0)
        }
        try await store.close()
        print(String(decoding: try JSONEncoder().encode(summary), as: UTF8.self))
    }

    func supervise() async throws {
        guard inputs > 0, batch > 0, timeout > 0, memoryLimitMB >= 256 else { throw ValidationError("--inputs, --batch, --timeout > 0; --memory-limit-mb ≥ 256") }
        let executable = try Self.ownExecutable()
        let work = try PrivateTemporaryDirectory()
        defer { work.remove() }
        let progress = work.url.appendingPathComponent("progress").path
        let output = work.url.appendingPathComponent("out.json").path
        var total = Fuzzer.Summary()
        var found: [String] = []
        var peakKB = 0
        var workers = 0
        let started = Date()
        var next = 0
        while next < inputs {
            let end = min(next + batch, inputs)
            let fd = open(progress, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            var none = Int64(-1)
            _ = pwrite(fd, &none, 8, 0)
            close(fd)
            let command = "ulimit -v \(memoryLimitMB * 1024); exec '\(executable)' bench fuzz --worker --seed \(seed) --from \(next) --to \(end) "
                + "--progress-file '\(progress)' > '\(output)' 2>/dev/null"
            let outcome = try await Self.runWatched(command, progressPath: progress, timeout: timeout)
            workers += 1
            peakKB = max(peakKB, outcome.maxRSSKB)
            if outcome.exitedNormally, outcome.status == 0,
               let data = FileManager.default.contents(atPath: output), let s = try? JSONDecoder().decode(Fuzzer.Summary.self, from: data) {
                total.inputs += s.inputs; total.committed += s.committed; total.rejected += s.rejected
                for (k, v) in s.codes { total.codes[k, default: 0] += v }
                next = end
                continue
            }
            // A crash or a hang: the input being read is the culprit; save it and go on after it.
            let culprit = max(outcome.lastInput, next)
            let input = StructuralFuzzer(seed: seed).input(culprit)
            try FileManager.default.createDirectory(atPath: crashes, withIntermediateDirectories: true)
            let path = "\(crashes)/\(outcome.hung ? "hang" : "crash")-\(seed)-\(culprit)-\(input.kind.rawValue).\(input.fileExtension)"
            try Data(input.bytes).write(to: URL(fileURLWithPath: path))
            let why = outcome.hung ? "no answer after \(timeout) s of processor time or \(10 * timeout) s on the clock" : outcome.exitedNormally ? "exit status \(outcome.status)" : "signal \(outcome.status)"
            found.append("input \(culprit) (\(input.shape), \(input.kind.rawValue)): \(why); saved as \(path)")
            total.inputs += culprit - next + 1
            next = culprit + 1
        }
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "fuzz: %d inputs in %.1f s (%.0f inputs/s), %d worker processes, address-space limit %d MB, seed %llu",
                     total.inputs, seconds, Double(total.inputs) / max(seconds, 0.001), workers, memoryLimitMB, seed))
        print("largest peak memory of a worker: \(peakKB / 1024) MB")
        print("crashes and hangs: \(found.isEmpty ? "none" : "\(found.count)")")
        for line in found { print("  " + line) }
        print("answers: \(total.committed) clean, \(total.rejected) rejected; first error codes: "
              + total.codes.sorted { $0.value > $1.value }.prefix(25).map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        if !found.isEmpty { throw ExitCode(1) }
    }

    /// How a worker ended.
    struct Outcome {
        var exitedNormally: Bool
        /// The exit status, or the signal that ended it.
        var status: Int32
        var hung: Bool
        var lastInput: Int
        var maxRSSKB: Int
    }

    /// Runs a shell command, watching the progress file: an input that takes `timeout` seconds of
    /// the worker's processor time, or ten times that on the clock (a deadlock uses none), is a hang
    /// (killed). Processor time, because on a loaded machine a worker can wait a minute for its
    /// writes (the first 1M-input run reported two such stalls as hangs; alone, both inputs answer in 0.16 s).
    static func runWatched(_ command: String, progressPath: String, timeout: Int) async throws -> Outcome {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (s: String) in strdup(s) } + [nil]
        defer { for p in argv { free(p) } }
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard spawned == 0 else { throw RolloutError("internal", ["value": "posix_spawn \(spawned)"]) }
        var last = -1
        var lastChange = Date()
        var cpuAtChange = cpuSeconds(pid)
        var hung = false
        while true {
            var status: Int32 = 0
            var usage = rusage()
            let done = wait4(pid, &status, WNOHANG, &usage)
            let current = readProgress(progressPath)
            if current != last { last = current; lastChange = Date(); cpuAtChange = cpuSeconds(pid) }
            if done == pid {
                let exited = (status & 0x7F) == 0
                return Outcome(exitedNormally: exited && !hung, status: exited ? (status >> 8) & 0xFF : status & 0x7F, hung: hung,
                               lastInput: last, maxRSSKB: Int(usage.ru_maxrss))
            }
            if !hung, cpuSeconds(pid) - cpuAtChange > Double(timeout) || Date().timeIntervalSince(lastChange) > Double(10 * timeout) {
                hung = true
                kill(pid, SIGKILL)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The processor time a process has used (user + system, from /proc), in seconds.
    static func cpuSeconds(_ pid: pid_t) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, utime 14 and stime 15 (1-based over the whole line).
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func readProgress(_ path: String) -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return -1 }
        defer { close(fd) }
        var n = Int64(-1)
        return pread(fd, &n, 8, 0) == 8 ? Int(n) : -1
    }

    /// This program's own path (to start workers of the same build).
    static func ownExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
