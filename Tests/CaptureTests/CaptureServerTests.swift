@testable import Capture
import Foundation
import Geometry
import Sim
import TestSupport
@testable import WebServing
import XCTest

/// The web server against hand-made requests on real sockets: which Host headers it answers, bodies over
/// the limit, and clients that send half a request and stall (each was a defect, issue #15 item 5).
final class CaptureServerTests: XCTestCase {
    var server: CaptureServer?
    var service: CaptureService?
    let folders = TemporaryFolders(prefix: "cliport-capture-server")

    override func tearDown() {
        server?.stop()
        service?.shutdown()
        server = nil; service = nil
        folders.removeAll()
    }

    /// A server over the simulator with one camera (a small, real session), listening on `host`.
    func start(host: String, timeout: Double = 10) throws -> Int {
        let out = folders.make("out")
        let service = try CaptureService {
            let world = try SimulatorWorld(task: try TaskRegistry.task(named: "put-block-in-bowl-seen-colors"),
                                           environment: try Environment(cameras: [CameraConfig.realSenseD415[0]]))
            return try CaptureSession(camera: SimulatorCamera(world: world), robot: SimulatorRobot(world: world),
                                      configuration: CaptureConfiguration(outputFolder: out, task: "put-block-in-bowl-seen-colors"))
        }
        self.service = service
        let server = CaptureServer(service: service, host: host, port: 0, timeout: timeout)
        self.server = server
        return try server.start()
    }

    static let pageHeaders = ["Content-Type": "application/json", "X-Cliport-Capture": "1"]

    func testListeningOnAllInterfacesAnswersRequestsAddressedToThisMachineAndNoOtherName() throws {
        let port = try start(host: "0.0.0.0")
        // A browser on another machine opens http://ADDRESS:PORT/: it connects to one of this machine's
        // addresses and names it in the Host header.
        let addresses = AllowedHosts.interfaceAddresses().filter { !$0.contains(":") && !$0.hasPrefix("127.") }
        guard let address = addresses.first else { throw XCTSkip("this machine has no network address besides loopback") }
        let remote = RawHTTP.request(port: port, method: "POST", path: "/api/refresh", headers: Self.pageHeaders, address: address)
        XCTAssertEqual(remote?.status, 200, remote.map { String(decoding: $0.body, as: UTF8.self) } ?? "no reply")
        var hostName = [CChar](repeating: 0, count: 256)
        gethostname(&hostName, 255)
        let byName = RawHTTP.request(port: port, method: "POST", path: "/api/refresh", headers: Self.pageHeaders,
                                     host: "\(String(cString: hostName)):\(port)")
        XCTAssertEqual(byName?.status, 200, "the machine's own name is this machine")
        XCTAssertEqual(RawHTTP.request(port: port, method: "POST", path: "/api/refresh", headers: Self.pageHeaders,
                                       host: "localhost:\(port)")?.status, 200)

        // Another site's name (what a DNS-rebinding page sends), or the right name on another port, is refused;
        // the message names addresses to open, never 0.0.0.0.
        for host in ["attacker.example:\(port)", "\(address):\(port + 1)", "0.0.0.0.attacker.example:\(port)"] {
            let foreign = try XCTUnwrap(RawHTTP.request(port: port, method: "POST", path: "/api/refresh", headers: Self.pageHeaders, host: host))
            let text = try XCTUnwrap(try JSONSerialization.jsonObject(with: foreign.body) as? [String: String])["error"] ?? ""
            XCTAssertEqual(foreign.status, 400, host)
            XCTAssertTrue(text.contains("unexpected Host '\(host)'"), text)
            XCTAssertTrue(text.contains("http://127.0.0.1:\(port)/") && text.contains("http://\(address):\(port)/"), text)
            XCTAssertFalse(text.contains("http://0.0.0.0"), text)
        }
        XCTAssertEqual(server!.pageURLs(port: port).first, "http://127.0.0.1:\(port)/")
        XCTAssertTrue(server!.pageURLs(port: port).contains("http://\(address):\(port)/"))
    }

    func testHostHeadersParseWithPortsBracketsAndCase() {
        XCTAssertEqual(AllowedHosts.split("Example.COM.:8080").map { "\($0.host) \($0.port)" }, "example.com 8080")
        XCTAssertEqual(AllowedHosts.split("[::1]:8080").map { "\($0.host) \($0.port)" }, "::1 8080")
        XCTAssertEqual(AllowedHosts.split("[::1]").map { "\($0.host) \($0.port)" }, "::1 80")
        XCTAssertEqual(AllowedHosts.split("10.0.0.7").map { "\($0.host) \($0.port)" }, "10.0.0.7 80")
        for bad in ["", ":8080", "host:99999", "host:x", "[::1", "[::1]x"] { XCTAssertNil(AllowedHosts.split(bad), bad) }
        let loopbackOnly = AllowedHosts(listenHost: "127.0.0.1")
        XCTAssertTrue(loopbackOnly.allows(authority: "[::1]:8080", port: 8080))
        XCTAssertFalse(loopbackOnly.allows(authority: "127.0.0.1:8081", port: 8080))
        XCTAssertEqual(loopbackOnly.pageURLs(port: 8080), ["http://127.0.0.1:8080/"])
    }

    func testBodiesOverTheLimitGet413WithAPlainMessage() throws {
        let port = try start(host: "127.0.0.1")
        let big = Data(repeating: UInt8(ascii: " "), count: 100 * 1024)
        let declared = try XCTUnwrap(RawHTTP.request(port: port, method: "POST", path: "/api/preview", headers: Self.pageHeaders, body: big))
        XCTAssertEqual(declared.status, 413)
        let message = try XCTUnwrap(try JSONSerialization.jsonObject(with: declared.body) as? [String: String])["error"]
        XCTAssertEqual(message, "the request body is larger than 64 KiB, the most this server reads: the capture page's commands are far smaller")

        // The same without a declared length (chunked): the limit is found while reading.
        var chunked = "POST /api/preview HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nX-Cliport-Capture: 1\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        for _ in 0..<10 { chunked += "2800\r\n" + String(repeating: " ", count: 0x2800) + "\r\n" }
        chunked += "0\r\n\r\n"
        let streamed = try XCTUnwrap(RawHTTP.exchange(port: port, Array(chunked.utf8)))
        XCTAssertEqual(streamed.status, 413)
        XCTAssertTrue(String(decoding: streamed.body, as: UTF8.self).contains("larger than 64 KiB"))

        // A body under the limit is still read and answered.
        let small = RawHTTP.request(port: port, method: "POST", path: "/api/refresh", headers: Self.pageHeaders)
        XCTAssertEqual(small?.status, 200)
    }

    func testHalfSentAndTricklingRequestsAreClosedAfterTheTimeoutWhileOthersAreServed() throws {
        let timeout = 2.0
        let port = try start(host: "127.0.0.1", timeout: timeout)
        let head = "POST /api/refresh HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nX-Cliport-Capture: 1\r\nContent-Type: application/json\r\n"
        var stalled: [Int32] = []
        defer { stalled.forEach { close($0) } }
        let opened = Date()
        // 40 requests cut off inside the headers, 10 with the headers but half the body.
        for i in 0..<50 {
            let fd = try XCTUnwrap(RawHTTP.connect(port: port))
            stalled.append(fd)
            let part = i < 40 ? String(head.prefix(40)) : head + "Content-Length: 100\r\n\r\n" + String(repeating: "x", count: 50)
            XCTAssertTrue(RawHTTP.send(fd, Array(part.utf8)))
        }
        // One that trickles its body a byte every 0.2 s, which keeps an idle timer from ever firing.
        let trickle = try XCTUnwrap(RawHTTP.connect(port: port))
        stalled.append(trickle)
        XCTAssertTrue(RawHTTP.send(trickle, Array((head + "Content-Length: 1000\r\n\r\n").utf8)))
        let trickling = Thread {
            var sent = 0
            while sent < 300, RawHTTP.send(trickle, [UInt8(ascii: " ")]) { sent += 1; usleep(200_000) }
        }
        trickling.start()

        // Meanwhile the page is served.
        XCTAssertEqual(RawHTTP.request(port: port, path: "/api/state")?.status, 200)
        XCTAssertEqual(RawHTTP.request(port: port, method: "POST", path: "/api/refresh", headers: Self.pageHeaders)?.status, 200)

        // Every stalled connection is closed by the server with no reply: recv sees the end (or a reset)
        // before a deadline well past the timeout, not its own receive timeout.
        let deadline = opened.addingTimeInterval(timeout + 20)
        for (i, fd) in stalled.enumerated() {
            let left = max(0.1, deadline.timeIntervalSinceNow)
            var wait = timeval(tv_sec: Int(left), tv_usec: Int((left - left.rounded(.down)) * 1e6))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, 0)
            let error = errno
            XCTAssertTrue(n == 0 || (n < 0 && error == ECONNRESET), "connection \(i) was not closed by the server (recv \(n), errno \(error))")
        }
        let closedAfter = Date().timeIntervalSince(opened)
        XCTAssertGreaterThanOrEqual(closedAfter, timeout * 0.9, "closed by the timeout, not at once")

        // A normal request still works after the stalled ones are gone.
        XCTAssertEqual(RawHTTP.request(port: port, method: "POST", path: "/api/refresh", headers: Self.pageHeaders)?.status, 200)
    }
}
