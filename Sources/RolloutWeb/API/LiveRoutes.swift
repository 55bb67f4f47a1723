import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage

/// Live updates: `GET /api/v1/events/stream` sends a server-sent event for every committed change
/// (from this instance or, on PostgreSQL, any instance), and the pages' script reloads the
/// numbers of the page in place when one arrives.
enum LiveRoutes {
    /// A comment line keeps idle connections (and proxies) open.
    static let keepAlive: Duration = .seconds(15)

    static func add(to router: Router<RolloutContext>, service: CampaignService, streams: StreamQuota) {
        router.on(.apiEventStream) { _, context in
            // Each account holds a bounded number of streams; its place is given back when the stream ends.
            let ticket = try streams.acquire(try context.requirePrincipal().account)
            let changes = service.changes()
            let lastSeq = try await service.lastSeq()
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
                body: .init { writer in
                    defer { ticket.release() }
                    try await writer.write(ByteBuffer(string: "retry: 2000\nevent: hello\ndata: {\"last_seq\":\(lastSeq)}\n\n"))
                    // Changes and keep-alive ticks arrive through one stream, so one loop writes them all.
                    // A reader that does not read needs only the newest change: the buffer stays small.
                    let (ticks, tick) = AsyncStream.makeStream(of: StoreChange?.self, bufferingPolicy: .bufferingNewest(8))
                    // The browser left the page (or closed the tab): the stream ends now, and its place with it.
                    InputClosedWatcher.watch(context.channel) { tick.finish() }
                    let pump = Task {
                        // Only what is newer than the version the client was told in `hello`.
                        for await change in changes where change.lastSeq > lastSeq { tick.yield(change) }
                        tick.finish()
                    }
                    let beat = Task {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: keepAlive)
                            tick.yield(nil)
                        }
                    }
                    defer { pump.cancel(); beat.cancel() }
                    for await item in ticks {
                        if let change = item {
                            try await writer.write(ByteBuffer(string: "event: change\ndata: {\"last_seq\":\(change.lastSeq)}\n\n"))
                        } else {
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        }
                    }
                    try await writer.finish(nil)
                })
        }
        for (route, script) in [(Route.liveScript, script), (Route.liveWorker, worker)] {
            router.on(route) { _, _ in
                Response(status: .ok, headers: [.contentType: "application/javascript; charset=utf-8", .cacheControl: "max-age=300"],
                         body: .init(byteBuffer: ByteBuffer(string: script)))
            }
        }
    }

    /// The pages' script and the shared worker that holds a browser's one stream (resources of this target).
    static let script = WebResources.text("live.js")
    static let worker = WebResources.text("live-worker.js")
}
