import Foundation
import Hummingbird
import NIOCore
import WebServing

/// `cliport serve`'s web server (Hummingbird), read-only:
///
///     GET /                                  datasets and runs
///     GET /data/D                            dataset D's episodes (task, seed, instruction, success)
///     GET /data/D/episodes/E                 the step-by-step player
///     GET /data/D/episodes/E/S/heightmap.png | cameraK.png   position S's pictures (S = steps: the final observation)
///     GET /runs/R                            run R: loss curves (SVG), eval scores, affordance pictures
///     GET /runs/R/pictures/NAME.png          one of RUN/eval/pictures (only names listed there)
///
/// The conventions of `cliport capture`'s server: loopback by default, every request's Host header must
/// name this machine (`AllowedHosts`, against DNS rebinding: pages here show datasets), and a connection
/// that sends its request too slowly is closed (`RequestDeadlineHandler`).
public final class ServeServer: RoutedWebServer, @unchecked Sendable {
    public let library: ServeLibrary
    let shelf: DatasetShelf
    public let web: WebServer

    public init(library: ServeLibrary, host: String = "127.0.0.1", port: Int = 8090, timeout: Double = 10) {
        self.library = library
        shelf = DatasetShelf(library: library)
        web = WebServer(host: host, port: port, timeout: timeout, serverName: "cliport-serve")
    }

    /// Starts in the background; returns the port once listening.
    public func start(timeout: Double = 60) throws -> Int {
        do { return try web.start(router: makeRouter(), within: timeout) } catch {
            switch error {
            case .noAnswer(let seconds): throw ServeError.listen(address: web.address, reason: "no answer within \(Int(seconds)) s")
            case .cannotListen(let underlying): throw ServeError.listen(address: web.address, reason: "\(underlying)")
            }
        }
    }

    struct HostCheck<Context: RequestContext>: RouterMiddleware {
        let server: ServeServer
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            let port = server.web.portForHostCheck
            guard server.web.allowedHosts.allows(authority: request.head.authority ?? "", port: port) else {
                return ServeServer.failure(ServeError.wrongHost(authority: request.head.authority ?? "", urls: server.pageURLs(port: port)))
            }
            return try await next(request, context)
        }
    }

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: HostCheck(server: self))
        let library = self.library, shelf = self.shelf
        router.get("/") { _, _ -> Response in
            Self.html(ServePages.index(library: library, datasetSummaries: library.datasets.indices.map { shelf.summary($0) },
                                       runSummaries: library.runs.map { RunRecords(path: $0.path) }))
        }
        router.get("/data/:d") { _, context -> Response in
            Self.answer {
                let d = try Self.index(context, "d")
                return Self.html(ServePages.dataset(index: d, folder: try Self.item(library.datasets, d, "dataset"), rows: try shelf.rows(d)))
            }
        }
        router.get("/data/:d/episodes/:e") { _, context -> Response in
            Self.answer {
                let d = try Self.index(context, "d"), e = try Self.index(context, "e")
                let folder = try Self.item(library.datasets, d, "dataset")
                let (episode, header) = try shelf.episode(d, e)
                let hm = (episode.steps.first?.observation ?? episode.finalObservation).heightmap
                return Self.html(ServePages.episode(dataset: d, folder: folder, index: e, metadata: episode.metadata, header: header,
                                                    steps: episode.steps, rows: hm.rows, cols: hm.cols))
            }
        }
        router.get("/data/:d/episodes/:e/:s/:picture") { _, context -> Response in
            Self.answer {
                let bytes = try shelf.picture(try Self.index(context, "d"), try Self.index(context, "e"), position: try Self.index(context, "s"),
                                              name: context.parameters.get("picture") ?? "")
                return Self.bytes(bytes, type: "image/png")
            }
        }
        router.get("/runs/:r") { _, context -> Response in
            Self.answer {
                let r = try Self.index(context, "r")
                let folder = try Self.item(library.runs, r, "run")
                return Self.html(ServePages.run(index: r, folder: folder, records: RunRecords(path: folder.path)))
            }
        }
        router.get("/runs/:r/pictures/:name") { _, context -> Response in
            Self.answer {
                let folder = try Self.item(library.runs, try Self.index(context, "r"), "run")
                let name = context.parameters.get("name") ?? ""
                // Only a name listed in the folder is read: a request cannot reach any other file.
                guard RunRecords.pictureNames(run: folder.path).contains(name),
                      let data = FileManager.default.contents(atPath: folder.path + "/eval/pictures/" + name)
                else { throw ServeError.notFound("picture \(name)") }
                return Self.bytes([UInt8](data), type: "image/png")
            }
        }
        return router
    }

    static func index(_ context: BasicRequestContext, _ name: String) throws -> Int {
        guard let text = context.parameters.get(name), let i = Int(text), i >= 0 else { throw ServeError.notFound("\(name) \(context.parameters.get(name) ?? "")") }
        return i
    }

    static func item(_ folders: [ServeLibrary.Folder], _ i: Int, _ kind: String) throws -> ServeLibrary.Folder {
        guard folders.indices.contains(i) else { throw ServeError.notFound("\(kind) \(i)") }
        return folders[i]
    }

    static func answer(_ body: () throws -> Response) -> Response {
        do { return try body() } catch { return failure(error) }
    }

    static func html(_ s: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: s)))
    }

    static func bytes(_ b: [UInt8], type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: b)))
    }

    static func failure(_ error: Error) -> Response {
        let status = (error as? ServeError)?.httpStatus ?? 500
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        let body = ServePages.page("error", "<p id=\"error\">\(ServePages.escape("\(error)"))</p>")
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
