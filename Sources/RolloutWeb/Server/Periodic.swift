import ServiceLifecycle

/// The loop of the server's background services: work now, then again every `interval`, until
/// the task is cancelled or the server shuts down (the wait in between ends with the shutdown, so
/// a stopped server exits at once instead of after its longest interval).
enum Periodic {
    static func run(every interval: Duration, _ work: @escaping @Sendable () async -> Void) async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await work()
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { return }
        }
    }
}
