import ArgumentParser
import Foundation
import Hummingbird
import RolloutWeb

/// `rollout bench http-reference`: the reference that `scripts/bench-web` divides by. A bare
/// Hummingbird router in this same binary (no middleware, no database) answers `GET /NAME` with
/// the bytes of the file NAME of a folder, read once at start: what the HTTP stack alone costs for
/// answers of the same sizes as Rollout's.
struct BenchHTTPReference: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "http-reference",
                                                    abstract: "Serve a folder's files from memory on a bare route (the web benchmark's reference).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 18082
    @Option(help: "The folder whose files are served (by their names).") var directory: String

    func run() async throws {
        var files: [String: ByteBuffer] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))
            files[name] = ByteBuffer(bytes: data)
        }
        let bodies = files
        ServerThreads.useEventLoopsForTasks()
        let router = Router()
        router.get("/:name") { _, context -> Response in
            guard let body = bodies[try context.parameters.require("name")] else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: body))
        }
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Rollout"))
        try await app.runService()
    }
}
