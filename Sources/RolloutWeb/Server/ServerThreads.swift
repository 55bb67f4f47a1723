import NIOCore
import NIOPosix

/// Where a serving process runs its Swift tasks.
public enum ServerThreads {
    /// Runs Swift Concurrency's tasks on the server's own event loops (NIO's singleton group)
    /// instead of a second pool of threads: a request's handler then runs on the thread that read
    /// it, without two thread switches per request. Measured with `scripts/bench-web`: see the
    /// README's figures. Once per process; later calls do nothing.
    public static func useEventLoopsForTasks() { _ = installed }

    private static let installed: Bool = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
