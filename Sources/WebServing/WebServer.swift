import Foundation
import Hummingbird
import NIOCore

/// The listening half the web servers share (`cliport capture`, `cliport serve`): Hummingbird on one
/// address, a connection closed when it stays silent or sends its request too slowly
/// (`RequestDeadlineHandler`), the Host names it answers (`AllowedHosts`), and the port it bound (which
/// differs from the requested one when that was 0). Each server brings its own router.
public final class WebServer: @unchecked Sendable {
    /// Why `start` failed.
    public enum StartFailure: Error, CustomStringConvertible {
        case noAnswer(seconds: Double)
        case cannotListen(underlying: Error)

        public var description: String {
            switch self {
            case .noAnswer(let seconds): return "the web server did not start within \(Int(seconds)) s"
            case .cannotListen(let error): return "the web server could not listen (\(error))"
            }
        }
    }

    public let host: String
    public let requestedPort: Int
    /// Seconds a connection may stay silent, or take to send one whole request, before it is closed.
    public let timeout: Double
    public let serverName: String
    public let allowedHosts: AllowedHosts
    private let portLock = NSLock()
    private var boundPort: Int?
    private var runTask: _Concurrency.Task<Void, Error>?

    public init(host: String, port: Int, timeout: Double, serverName: String) {
        self.host = host
        requestedPort = port
        self.timeout = timeout
        self.serverName = serverName
        allowedHosts = AllowedHosts(listenHost: host)
    }

    /// "host:port" as requested, for messages.
    public var address: String { "\(host):\(requestedPort)" }

    /// The port the server listens on, once it does.
    public var port: Int? { portLock.withLock { boundPort } }

    /// The port to check Host headers against: the bound one, else the requested one.
    public var portForHostCheck: Int { port ?? requestedPort }

    /// The addresses to open the page at (for `--host 0.0.0.0`, this machine's loopback and network addresses).
    public func pageURLs(port: Int) -> [String] { allowedHosts.pageURLs(port: port) }

    /// Serves `router` until cancelled. `onRunning` gets the bound port.
    public func run(router: Router<BasicRequestContext>, onRunning: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let limit = TimeAmount.nanoseconds(Int64(timeout * 1e9))
        let app = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [RequestDeadlineHandler(limit: limit)], idleTimeout: limit)),
            configuration: .init(address: .hostname(host, port: requestedPort), serverName: serverName),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? requestedPort
                portLock.withLock { boundPort = port }
                onRunning(port)
            })
        try await app.runService(gracefulShutdownSignals: [])
    }

    /// Serves `router` in the background and returns the port once it listens (for commands and tests
    /// that are not async).
    public func start(router: Router<BasicRequestContext>, within seconds: Double = 60) throws(StartFailure) -> Int {
        let ready = DispatchSemaphore(value: 0)
        let failure = ErrorBox()
        runTask = _Concurrency.Task { [self] in
            do { try await run(router: router) { _ in ready.signal() } } catch { failure.error = error; ready.signal(); throw error }
        }
        guard ready.wait(timeout: .now() + seconds) == .success else { throw .noAnswer(seconds: seconds) }
        if let error = failure.error { throw .cannotListen(underlying: error) }
        return port ?? requestedPort
    }

    /// Stops a server started with `start`.
    public func stop() {
        runTask?.cancel()
        runTask = nil
    }

    private final class ErrorBox: @unchecked Sendable { var error: Error? }
}

/// A web server of this project: its routes served by a `WebServer`. The conformers (capture, serve) bring
/// the router; listening, the bound port and stopping come from here.
public protocol RoutedWebServer: AnyObject {
    var web: WebServer { get }
    func makeRouter() -> Router<BasicRequestContext>
}

extension RoutedWebServer {
    /// The port the server listens on (differs from the requested one when that was 0).
    public var port: Int? { web.port }

    /// The addresses to open the page at (for `--host 0.0.0.0`, this machine's loopback and network addresses).
    public func pageURLs(port: Int) -> [String] { web.pageURLs(port: port) }

    /// Runs until cancelled. `onRunning` gets the bound port.
    public func run(onRunning: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        try await web.run(router: makeRouter(), onRunning: onRunning)
    }

    /// Stops a server started with `start`.
    public func stop() { web.stop() }
}
