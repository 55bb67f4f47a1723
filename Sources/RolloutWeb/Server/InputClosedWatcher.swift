import NIOCore

/// Tells when the peer has closed its side of a connection. Hummingbird allows half-closed
/// connections, so a browser that drops an event stream (its page left, its tab closed) does not
/// close the channel: only the next write would fail, up to a keep-alive later, and meanwhile the
/// stream would hold its place. Put first in the pipeline, this hears the input close at once.
final class InputClosedWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private let closed: @Sendable () -> Void

    init(_ closed: @escaping @Sendable () -> Void) { self.closed = closed }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed { closed() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed()
        context.fireChannelInactive()
    }

    /// Watches a channel from now on (the handler is added on the channel's own loop).
    static func watch(_ channel: any Channel, _ closed: @escaping @Sendable () -> Void) {
        channel.closeFuture.whenComplete { _ in closed() }
        channel.eventLoop.execute {
            try? channel.pipeline.syncOperations.addHandler(InputClosedWatcher(closed), position: .first)
        }
    }
}
