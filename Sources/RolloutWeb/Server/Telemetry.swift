import Dispatch
import Hummingbird
import Metrics
import Prometheus
import RolloutApplication
import RolloutStorage
import NIOConcurrencyHelpers

/// The process's metrics (swift-metrics, kept in a Prometheus registry), served at `/metrics`:
/// Hummingbird's request counts and durations, and Rollout's own (imports, rows, sign-ins).
enum Telemetry {
    /// The registry, with swift-metrics bootstrapped onto it on first use (once per process).
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (sanitize(name, colon: true), labels.map { (sanitize($0.0, colon: false), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Prometheus names allow letters, digits, `_` (and `:` in metric names); others become `_`.
    static func sanitize(_ s: String, colon: Bool) -> String {
        String(s.map { c in c.isASCII && (c.isLetter || c.isNumber || c == "_" || (colon && c == ":")) ? c : "_" })
    }

    /// Makes sure metrics are recorded from the start (before `/metrics` is first asked), the
    /// storage's timers included (those made before the metrics system was set up are made again).
    static func start(_ service: CampaignService) {
        _ = registry
        service.metricsSystemStarted()
    }

    /// The event log's extent and the database's size, read when `/metrics` is asked (a gauge each).
    static let logLastSeq = Gauge(label: "rollout_event_log_last_seq")
    static let databaseBytes = Gauge(label: "rollout_database_bytes")

    static func add(to router: Router<RolloutContext>, service: CampaignService) {
        router.on(.metrics) { _, _ in
            // A database that does not answer leaves the gauges as they were; the rest is still served.
            if let seq = try? await service.lastSeq() { logLastSeq.record(seq) }
            if let bytes = try? await service.databaseBytes() { databaseBytes.record(bytes) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}

/// Counts requests and times them per route, method and status, under Hummingbird's metric names
/// (`hb_requests`, `http_server_request_duration`, `hb_request_errors`). Unlike Hummingbird's
/// `MetricsMiddleware` it stops the clock when the handler has answered, not after the body is
/// written: wrapping every body in a closure to time its writing cost a third of the server's
/// requests per second (`scripts/bench-web`, /healthz 35.5 k → 22.2 k req/s). Rollout's answers are
/// built in full before they are sent, so the two times differ by the write alone; the event stream
/// and the exports, which stream, are timed to their head.
struct RequestMetrics<Context: RequestContext>: RouterMiddleware {
    let meters = RequestMeters()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            let m = meters.for(.init(endpoint: context.endpointPath ?? "Unknown", method: request.method, status: response.status))
            m.counter.increment()
            m.timer.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let m = meters.for(.init(endpoint: context.endpointPath ?? "NotFound", method: request.method, status: status))
            m.counter.increment()
            m.errors.increment()
            throw error
        }
    }
}

/// The metric handles of each route, method and status, made once (the metrics factory's own
/// lookup builds and sanitizes names on every call).
final class RequestMeters: Sendable {
    struct Key: Hashable, Sendable { let endpoint: String; let method: HTTPRequest.Method; let status: HTTPResponse.Status }
    struct Meters: Sendable { let counter: Metrics.Counter; let timer: Metrics.Timer; let errors: Metrics.Counter }
    private let made = NIOLockedValueBox([Key: Meters]())

    func `for`(_ key: Key) -> Meters {
        made.withLockedValue { made in
            if let m = made[key] { return m }
            let dimensions = [("http.route", key.endpoint), ("http.request.method", key.method.rawValue),
                              ("http.response.status_code", String(key.status.code))]
            let m = Meters(counter: Metrics.Counter(label: "hb.requests", dimensions: dimensions),
                           timer: Metrics.Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds),
                           errors: Metrics.Counter(label: "hb.request.errors", dimensions: [dimensions[0], dimensions[1], ("error.type", String(key.status.code))]))
            made[key] = m
            return m
        }
    }
}
