import Foundation
import Hummingbird
import RolloutCore
import RolloutStorage

/// Live updates: `GET /api/v1/events/stream` sends a server-sent event for every committed change
/// (from this instance or, on PostgreSQL, any instance), and the pages' script reloads the
/// numbers of the page in place when one arrives.
enum LiveRoutes {
    /// A comment line keeps idle connections (and proxies) open.
    static let keepAlive: Duration = .seconds(15)

    static func add(to router: Router<RolloutContext>, service: CampaignService, streams: StreamQuota) {
        router.get("/api/v1/events/stream") { _, context in
            // Each account holds a bounded number of streams; its place is given back when the stream ends.
            let ticket = try streams.acquire(try context.requirePrincipal().account)
            let changes = service.store.changes()
            let lastSeq = try await service.store.lastSeq()
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
                body: .init { writer in
                    defer { ticket.release() }
                    try await writer.write(ByteBuffer(string: "retry: 2000\nevent: hello\ndata: {\"last_seq\":\(lastSeq)}\n\n"))
                    // Changes and keep-alive ticks arrive through one stream, so one loop writes them all.
                    let (ticks, tick) = AsyncStream.makeStream(of: StoreChange?.self)
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
        router.get(RouterPath(Paths.liveScript)) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/javascript; charset=utf-8", .cacheControl: "max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(string: script)))
        }
    }

    /// The pages' script: on each change, fetch the same page and swap its main part in place.
    static let script = """
        (function () {
          "use strict";
          var dot = document.getElementById("live");
          if (!dot || !window.EventSource) { return; }
          var timer = null;
          function refresh() {
            fetch(window.location.href, { headers: { "Accept": "text/html" } })
              .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
              .then(function (html) {
                var doc = new DOMParser().parseFromString(html, "text/html");
                var fresh = doc.getElementById("page");
                var page = document.getElementById("page");
                if (fresh && page) { page.innerHTML = fresh.innerHTML; }
                var now = new Date();
                var t = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2) + ":" + ("0" + now.getSeconds()).slice(-2);
                dot.title = (dot.getAttribute("data-updated") || "").replace("{time}", t);
                dot.textContent = "● " + dot.title;
                document.documentElement.setAttribute("data-live-updates", String(Number(document.documentElement.getAttribute("data-live-updates") || "0") + 1));
              })
              .catch(function () { dot.className = "live off"; });
          }
          var source = null;
          // The stream is closed when the page is left (so the browser's few connections to the
          // server are never held by pages nobody sees) and opened again when it is shown.
          function open() {
            if (source) { return; }
            source = new EventSource("/api/v1/events/stream");
            source.addEventListener("hello", function () {
              dot.className = "live";
              dot.textContent = "● " + (dot.getAttribute("data-label") || "");
              document.documentElement.setAttribute("data-live", "connected");
            });
            source.addEventListener("change", function () {
              if (timer) { clearTimeout(timer); }
              timer = setTimeout(refresh, 150);
            });
            source.onerror = function () { dot.className = "live off"; };
          }
          function close() {
            if (source) { source.close(); source = null; }
          }
          window.addEventListener("pagehide", close);
          window.addEventListener("pageshow", function (e) { if (e.persisted) { refresh(); } open(); });
          open();
        })();
        """
}
