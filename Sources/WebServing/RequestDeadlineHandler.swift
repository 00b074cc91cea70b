import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request does not arrive complete in time: the first request within `limit`
/// of the connection opening, each later one within `limit` of its head. Hummingbird's idle timeout (also
/// set) closes silent connections, but every body chunk resets it, so a client trickling a byte at a time
/// would hold a connection for hours; this deadline does not move.
public final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart

    let limit: TimeAmount
    private var deadline: Scheduled<Void>?

    public init(limit: TimeAmount) { self.limit = limit }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    public func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(context)
        case .body: break
        case .end: disarm()  // answering may take long (a robot motion); the idle timeout spares requests in progress
        }
        context.fireChannelRead(data)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: limit) { [weak self] in
            self?.deadline = nil
            context.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
