import Hummingbird
import Metrics
import Prometheus

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

    /// Makes sure metrics are recorded from the start (before `/metrics` is first asked).
    static func start() { _ = registry }

    static func add(to router: Router<RolloutContext>) {
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
