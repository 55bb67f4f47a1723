import Foundation
import OTel
import ServiceLifecycle
import Tracing

/// Traces of requests, service reads and SQL transactions, exported over OTLP/HTTP when an
/// endpoint is configured (`--otlp-endpoint`, or the standard `OTEL_EXPORTER_OTLP_ENDPOINT` /
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); off otherwise, at the cost of a no-op tracer.
enum TraceExport {
    /// Sets up the tracer and returns the exporter's service (to run beside the server), or nil
    /// when no endpoint is configured. The other `OTEL_*` variables (protocol, headers, sampler,
    /// batch delay) are read as the OpenTelemetry specification says.
    static func start(endpoint: String?) throws -> (any Service)? {
        let environment = ProcessInfo.processInfo.environment
        guard endpoint != nil || environment["OTEL_EXPORTER_OTLP_ENDPOINT"] != nil || environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] != nil else {
            return nil
        }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "rollout"
        configuration.traces.enabled = true
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        if let endpoint { configuration.traces.otlpExporter.endpoint = endpoint }
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        return backend.service
    }
}
