import Foundation
import Geometry
import Hummingbird
import NIOCore
import Sim
import WebServing

/// The capture tool's web server (Hummingbird): the page, its script, and a small JSON API over the
/// `CaptureService`.
///
///     GET  /                 the page          GET  /api/state    state JSON
///     GET  /app.js           its script        GET  /api/view     current heightmap (colour bytes, then Float32 heights)
///     POST /api/preview      {"view", "pick": {"row","col"}, "place": {...}, "rotationBin"} -> the 3D poses
///     POST /api/step         same + "instruction": the robot acts and the step is recorded
///     GET  /api/cameras  the cameras' colour and depth, downsampled (`CameraThumbnails`)
///     POST /api/end      {"outcome": "success" | "failure"}: save the episode, or set it apart in failed/
///     POST /api/refresh | /api/undo | /api/discard
///
/// Requests cannot name files, and every pixel and pose is checked before use. POSTs must carry the
/// header `X-Cliport-Capture: 1`, which a foreign web page cannot send without a CORS preflight that this
/// server never grants, and the Host header must name this machine (`AllowedHosts`), which defeats DNS
/// rebinding. A connection that stays silent or sends its request too slowly is closed after `timeout`.
public final class CaptureServer: RoutedWebServer, @unchecked Sendable {
    public let service: CaptureService
    /// The largest POST body in bytes (the page's commands are well under 1 KiB).
    public let maxBody: Int
    public let web: WebServer

    /// `timeout`: seconds a connection may stay silent, or take to send one whole request, before it is closed.
    public init(service: CaptureService, host: String = "127.0.0.1", port: Int = 8080, timeout: Double = 10,
                maxBody: Int = 64 * 1024) {
        self.service = service
        self.maxBody = maxBody
        web = WebServer(host: host, port: port, timeout: timeout, serverName: "cliport-capture")
    }

    /// Starts the server in the background and returns its port once it listens.
    public func start(timeout: Double = 60) throws -> Int {
        do { return try web.start(router: makeRouter(), within: timeout) } catch {
            switch error {
            case .noAnswer: throw CaptureError.output(path: web.address, problem: "\(error)")
            case .cannotListen: throw CaptureError.output(path: web.address, problem: "\(error); choose another --port")
            }
        }
    }

    // MARK: - routes

    /// Binary view data (heightmap or camera thumbnails), never cached, tagged with the view it shows so
    /// that a click can name it.
    static func viewBytes(_ bytes: Data, view: Int) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.cacheControl] = "no-store"
        headers[HTTPFields.Element.Name("X-View-Id")!] = String(view)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }


    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let service = self.service
        router.get("/") { _, _ -> Response in Self.text(CapturePage.html, type: "text/html; charset=utf-8") }
        router.get("/app.js") { _, _ -> Response in Self.text(CapturePage.script, type: "text/javascript; charset=utf-8") }
        router.get("/api/state") { _, _ -> Response in Self.json(service.state) }
        router.get("/api/view") { _, _ -> Response in
            guard let view = service.view else {
                return Self.failure(CaptureError.noView(reason: service.state.error ?? "no capture yet"))
            }
            return Self.viewBytes(view.bytes, view: view.view)
        }
        router.get("/api/cameras") { _, _ -> Response in
            guard let cameras = service.cameras else {
                return Self.failure(CaptureError.noView(reason: service.state.error ?? "no capture yet"))
            }
            return Self.viewBytes(cameras.bytes, view: cameras.view)
        }
        post(router, "/api/refresh") { _ in
            try await service.perform("capturing the view") { session in
                if !session.refresh() { throw CaptureError.noView(reason: session.lastError ?? "the capture failed") }
            }
            return Self.json(service.state)
        }
        post(router, "/api/preview") { body in
            let request = try Self.decode(ClickRequest.self, body)
            let action = try await service.query { try $0.preview(request.click, view: request.view) }
            return Self.json(PosePreview(action))
        }
        post(router, "/api/step") { body in
            let request = try Self.decode(ClickRequest.self, body)
            try await service.perform("the robot is executing") { session in
                try session.record(request.click, view: request.view, instruction: request.instruction ?? "")
            }
            return Self.json(service.state)
        }
        post(router, "/api/undo") { _ in
            try await service.perform("undoing the last step") { try $0.undo() }
            return Self.json(service.state)
        }
        post(router, "/api/discard") { _ in
            try await service.perform("discarding the episode") { try $0.discard() }
            return Self.json(service.state)
        }
        post(router, "/api/end") { body in
            // The operator's verdict is required: no request ends an episode without saying how it went.
            let request = try Self.decode(EndRequest.self, body)
            try await service.perform("saving the episode") { _ = try $0.endEpisode(outcome: request.outcome) }
            return Self.json(service.state)
        }
        return router
    }

    /// A POST route with the origin checks and a bounded body; errors become JSON messages.
    private func post(_ router: Router<BasicRequestContext>, _ path: RouterPath,
                      _ handler: @escaping @Sendable (Data) async throws -> Response) {
        let maxBody = self.maxBody
        router.post(path) { [self] request, _ -> Response in
            do {
                guard request.headers[HTTPFields.Element.Name("X-Cliport-Capture")!] == "1" else {
                    throw CaptureError.badRequest("missing the X-Cliport-Capture header (only the capture page may send commands)")
                }
                let authority = request.head.authority ?? ""
                let port = web.portForHostCheck
                guard web.allowedHosts.allows(authority: authority, port: port) else {
                    let urls = web.pageURLs(port: port).joined(separator: " or ")
                    throw CaptureError.badRequest("unexpected Host '\(authority)', which is not this machine: open the page at \(urls)")
                }
                if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBody {
                    throw CaptureError.bodyTooLarge(limit: maxBody)
                }
                let buffer: ByteBuffer
                do { buffer = try await request.body.collect(upTo: maxBody) } catch is NIOTooManyBytesError {
                    throw CaptureError.bodyTooLarge(limit: maxBody)  // a chunked body that declared no length
                }
                return try await handler(Data(buffer.readableBytesView))
            } catch {
                return Self.failure(error)
            }
        }
    }

    // MARK: - bodies

    struct ClickRequest: Decodable {
        var view: Int
        var pick: Pixel
        var place: Pixel
        var rotationBin: Int
        var pickRotationBin: Int?
        var instruction: String?
        var click: ClickedAction { ClickedAction(pick: pick, place: place, rotationBin: rotationBin, pickRotationBin: pickRotationBin) }
    }

    struct EndRequest: Decodable {
        var outcome: EpisodeOutcome
    }

    struct PosePreview: Encodable {
        struct PoseJSON: Encodable {
            var position: [Double]
            var orientation_xyzw: [Double]
            var yawDegrees: Double
        }
        var pick: PoseJSON
        var place: PoseJSON
        init(_ a: PickPlaceAction) {
            func json(_ p: Pose) -> PoseJSON {
                PoseJSON(position: [p.position.x, p.position.y, p.position.z], orientation_xyzw: p.rotation.xyzw,
                         yawDegrees: p.rotation.yaw * 180 / .pi)
            }
            pick = json(a.pick); place = json(a.place)
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: Data) throws -> T {
        do { return try JSONDecoder().decode(type, from: body) } catch {
            throw CaptureError.badRequest("the request body is not the expected JSON (\(error))")
        }
    }

    static func text(_ s: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: s)))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func failure(_ error: Error) -> Response {
        let status = (error as? CaptureError)?.httpStatus ?? 500
        return json(["error": "\(error)"], status: HTTPResponse.Status(code: status))
    }
}
