import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RolloutAccess
import RolloutCore
import RolloutDemo
import RolloutReference
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
#if canImport(Glibc)
import Glibc
import NIOConcurrencyHelpers
#endif

/// `rollout bench load`: a `rollout serve` process under the load of a working day compressed:
/// operators importing large progress files over and over through the API while readers poll
/// the overview, a district page and the summary. Prints what was committed, the readers'
/// latencies and errors by status, and checks that the log holds exactly the rows the imports
/// said they applied (none lost, none doubled).
struct BenchLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Concurrent imports and readers against a served database; no row lost or doubled.",
        discussion: "Without --database a throwaway SQLite file is used; with a PostgreSQL URL, the database must be empty. "
            + "Exit status: 0 the goals hold (no 5xx, counts exact, readers' p99 under 1 s), 1 otherwise.")

    @OptionGroup var common: CommonOptions
    @Option(help: "How long the load lasts, in seconds.") var seconds = 60
    @Option(help: "Operators importing at once (at most 4: China Mobile, Telecom, Unicom, Tower).") var operators = 4
    @Option(help: "Rows in each progress file (a multiple of 8: each site goes through eight stages).") var rows = 20_000
    @Option(help: "Readers polling at once.") var readers = 50
    @Option(name: .customLong("interval-ms"), help: "Each reader's pause between requests, in milliseconds.") var intervalMs = 500
    @Option(help: "Port for the server.") var port = 18_480

    static let stages: [Stage] = [.siteSecured, .designed, .civilDone, .powerReady, .transmissionReady, .installed, .onAir, .accepted]
    /// Points inside two districts' outlines, where the generated sites stand.
    static let places = [("500103", "29.557", "106.577"), ("500101", "30.81", "108.376")]

    func run() async throws {
        try await common.run {
            guard (1...4).contains(operators), rows >= 8, rows % 8 == 0, readers >= 0, seconds > 0, intervalMs > 0 else {
                throw ValidationError("--operators 1…4, --rows a multiple of 8, --seconds and --interval-ms > 0")
            }
            let work = NSTemporaryDirectory() + "rollout-load-\(getpid())"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: work) }
            let url = common.database.map { _ in try? common.url() } ?? DatabaseURL.sqlite(path: work + "/load.sqlite")
            guard let url else { throw RolloutError("bad_database_url", ["value": common.database ?? ""]) }
            let (tokens, reader) = try await Self.prepare(url, operators: Array([Operator.cmcc, .ctcc, .cucc, .tower].prefix(operators)))
            let server = try Self.spawn([try BenchFuzz.ownExecutable(), "serve", "--database", url.description(withPassword: true),
                                         "--port", "\(port)", "--lang", "en"], log: work + "/serve.log")
            defer { kill(server, SIGTERM); var s: Int32 = 0; waitpid(server, &s, 0) }
            let base = "http://127.0.0.1:\(port)"
            try await Self.waitForHealth(base)

            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpMaximumConnectionsPerHost = readers + operators + 4
            configuration.timeoutIntervalForRequest = 600
            let session = URLSession(configuration: configuration)
            let record = LoadRecord()
            let deadline = Date().addingTimeInterval(Double(seconds))
            let started = Date()
            let rows = self.rows, intervalMs = self.intervalMs
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, (op, token)) in tokens.enumerated() {
                    group.addTask {
                        var k = 0
                        while Date() < deadline {
                            try await Self.importRound(session, base, op: op, token: token, round: k, rows: rows, lane: i, record: record)
                            k += 1
                        }
                    }
                }
                for r in 0..<readers {
                    group.addTask {
                        let paths = ["/", "/regions/500103", "/api/v1/summary"]
                        var n = r
                        while Date() < deadline {
                            let path = paths[n % paths.count]
                            n += 1
                            var request = URLRequest(url: URL(string: base + path)!)
                            request.setValue("Bearer \(reader)", forHTTPHeaderField: "Authorization")
                            let t = Date()
                            let status = (try? await session.data(for: request)).flatMap { ($0.1 as? HTTPURLResponse)?.statusCode } ?? 0
                            record.read(path: path, status: status, seconds: Date().timeIntervalSince(t))
                            try await Task.sleep(for: .milliseconds(intervalMs))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = Date().timeIntervalSince(started)
            try await report(record, url: url, elapsed: elapsed)
        }
    }

    /// A fresh campaign with an account and token per operator and one reader (a leader).
    static func prepare(_ url: DatabaseURL, operators: [Operator]) async throws -> ([(Operator, String)], String) {
        let store = try await SQLCampaignStore.open(url)
        do {
            let now = ShanghaiCalendar.parseInstant("2020-06-15T12:00:00+08:00")!
            _ = try await store.migrate(now: now)
            guard try await store.campaign() == nil else { throw RolloutError("bench_needs_empty_database") }
            try await store.createCampaign(Campaign(name: "load", start: ShanghaiCalendar.parseInstant("2020-01-01")!,
                                                    deadline: ShanghaiCalendar.parseInstant("2020-06-30T23:59:59+08:00")!),
                                           clock: now, regions: try Chongqing.regions(), outlines: try DemoInstaller.outlineGeometries(), now: now)
            let accounts = AccountService(store: store, cost: 4, clock: CommonOptions.systemClock)
            var tokens: [(Operator, String)] = []
            for op in operators {
                try await accounts.createAccount(Account(name: "load-\(op.rawValue)", role: .operator, operator: op, createdAt: now),
                                                 password: AccountService.random(bytes: 12, hex: false))
                tokens.append((op, try await accounts.createToken(account: "load-\(op.rawValue)", label: "load").token))
            }
            try await accounts.createAccount(Account(name: "load-reader", role: .leader, createdAt: now), password: AccountService.random(bytes: 12, hex: false))
            let reader = try await accounts.createToken(account: "load-reader", label: "load").token
            try await store.close()
            return (tokens, reader)
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// One round of an operator: its new sites, then a progress file taking each through eight stages.
    static func importRound(_ session: URLSession, _ base: String, op: Operator, token: String, round: Int, rows: Int, lane: Int,
                            record: LoadRecord) async throws {
        let count = rows / 8
        var sites = "site_code,operator,region_code,name,lat,lon,kind\n"
        var progress = "site_code,operator,stage,occurred_at\n"
        for i in 0..<count {
            let code = "L\(lane)-\(round)-\(i)"
            let (region, lat, lon) = places[i % places.count]
            sites += "\(code),\(op.rawValue),\(region),站\(i),\(lat),\(lon),macro\n"
        }
        for (s, stage) in stages.enumerated() {
            for i in 0..<count { progress += "L\(lane)-\(round)-\(i),\(op.rawValue),\(stage.rawValue),2020-05-\(String(format: "%02d", 1 + s * 3))\n" }
        }
        for (kind, body) in [("sites", sites), ("progress", progress)] {
            var request = URLRequest(url: URL(string: base + "/api/v1/imports/\(kind)")!)
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("text/csv", forHTTPHeaderField: "Content-Type")
            let t = Date()
            let (data, response) = try await session.upload(for: request, from: Data(body.utf8))
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let applied = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["applied"] as? Int ?? 0
            record.imported(kind: kind, status: status, applied: applied, seconds: Date().timeIntervalSince(t))
            if status != 200 { return }
        }
    }

    func report(_ record: LoadRecord, url: DatabaseURL, elapsed: Double) async throws {
        let r = record.snapshot()
        let engine: String = if case .sqlite = url { "SQLite" } else { "PostgreSQL" }
        print("load (\(engine)): \(String(format: "%.0f", elapsed)) s, \(operators) operators importing \(rows)-row progress files "
              + "(each after a file of its \(rows / 8) new sites), \(readers) readers every \(intervalMs) ms")
        print("imports committed: \(r.committed["progress", default: 0]) progress files, \(r.committed["sites", default: 0]) sites files; "
              + "rows applied: \(r.applied["progress", default: 0]) progress, \(r.applied["sites", default: 0]) sites; "
              + "import time p50 \(Self.ms(Self.quantile(r.importSeconds, 0.5))), max \(Self.ms(r.importSeconds.max() ?? 0))")
        var latencies: [String] = []
        for path in ["/", "/regions/500103", "/api/v1/summary"] {
            let s = r.readSeconds[path, default: []]
            latencies.append("\(path) p50 \(Self.ms(Self.quantile(s, 0.5))) p99 \(Self.ms(Self.quantile(s, 0.99)))")
        }
        let all = r.readSeconds.values.flatMap { $0 }
        print("reader requests: \(all.count) (\(String(format: "%.0f", Double(all.count) / elapsed))/s); latency p50 \(Self.ms(Self.quantile(all, 0.5))), "
              + "p99 \(Self.ms(Self.quantile(all, 0.99))); " + latencies.joined(separator: "; "))
        let errors = r.statuses.filter { $0.key != 200 }.sorted { $0.key < $1.key }
        print("errors by status: " + (errors.isEmpty ? "none" : errors.map { "\($0.key == 0 ? "no answer" : "\($0.key)"): \($0.value)" }.joined(separator: ", ")))
        // The log against what the imports said: every site row one event, every progress row one event.
        let store = try await SQLCampaignStore.open(url, create: false)
        let events = try await store.eventCount()
        let summaryBuilt = try await store.counters(at: ReadMoment(asOf: Cutoff.including(ShanghaiCalendar.parseInstant("2020-06-15T12:00:00+08:00")!)))
        try await store.close()
        let expected = r.applied["sites", default: 0] + r.applied["progress", default: 0]
        let builtExpected = r.committed["progress", default: 0] * (rows / 8)
        let built = summaryBuilt.built()
        print("check: events in the log \(events), applied rows reported \(expected); built sites \(built), expected \(builtExpected): "
              + (events == expected && built == builtExpected ? "no row lost or doubled" : "MISMATCH"))
        let fivexx = r.statuses.filter { $0.key >= 500 || $0.key == 0 }.values.reduce(0, +)
        let p99 = Self.quantile(all, 0.99)
        print("goals: no 5xx \(fivexx == 0 ? "✓" : "✗ (\(fivexx))"), counts exact \(events == expected && built == builtExpected ? "✓" : "✗"), "
              + "readers' p99 < 1 s \(p99 < 1 ? "✓" : "✗ (\(Self.ms(p99)))")")
        if fivexx > 0 || events != expected || built != builtExpected || p99 >= 1 { throw ExitCode(1) }
    }

    /// The q-quantile by the nearest rank.
    static func quantile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((Double(sorted.count) * q).rounded(.up))
        return sorted[min(max(rank - 1, 0), sorted.count - 1)]
    }

    static func ms(_ s: Double) -> String { String(format: "%.0f ms", s * 1000) }

    static func waitForHealth(_ base: String) async throws {
        for _ in 0..<300 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: base + "/healthz")!),
               (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RolloutError("internal", ["value": "the server did not start"])
    }

    /// Starts a program with its output in a log file; answers its process id.
    static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { (s: String) in strdup(s) } + [nil]
        defer { for p in argv { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { throw RolloutError("internal", ["value": "posix_spawn"]) }
        return pid
    }
}

/// What the load's clients saw, gathered from every task.
final class LoadRecord: Sendable {
    struct Snapshot {
        var committed: [String: Int] = [:]
        var applied: [String: Int] = [:]
        var importSeconds: [Double] = []
        var readSeconds: [String: [Double]] = [:]
        var statuses: [Int: Int] = [:]
    }

    private let state = NIOLockedValueBox(Snapshot())

    func imported(kind: String, status: Int, applied: Int, seconds: Double) {
        state.withLockedValue { s in
            s.statuses[status, default: 0] += 1
            if status == 200 { s.committed[kind, default: 0] += 1; s.applied[kind, default: 0] += applied }
            if kind == "progress" { s.importSeconds.append(seconds) }
        }
    }

    func read(path: String, status: Int, seconds: Double) {
        state.withLockedValue { s in
            s.statuses[status, default: 0] += 1
            s.readSeconds[path, default: []].append(seconds)
        }
    }

    func snapshot() -> Snapshot { state.withLockedValue { $0 } }
}
