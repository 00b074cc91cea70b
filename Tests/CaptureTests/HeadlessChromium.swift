import Foundation

/// A real headless Chromium driven over the DevTools protocol: `chromium --headless --no-sandbox
/// --remote-debugging-port=0`, its page target found through `/json/list`, and a minimal WebSocket client
/// (RFC 6455, client frames masked) to send commands. Mouse and key input go through
/// `Input.dispatchMouseEvent` / `Input.dispatchKeyEvent`, so the page sees real trusted DOM events.
final class HeadlessChromium {
    enum Failure: Error, CustomStringConvertible {
        case missing
        case startup(String)
        case protocolError(String)
        var description: String {
            switch self {
            case .missing: return "chromium is not installed (apt-get install chromium)"
            case let .startup(s): return "chromium did not start: \(s)"
            case let .protocolError(s): return "DevTools: \(s)"
            }
        }
    }

    static var executable: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    let process = Process()
    let profile: String
    private var fd: Int32 = -1
    private var nextID = 1
    private var buffer: [UInt8] = []

    init(url: String, width: Int = 1240, height: Int = 800) throws {
        guard let exe = Self.executable else { throw Failure.missing }
        profile = NSTemporaryDirectory() + "cliport-chromium-" + UUID().uuidString
        process.executableURL = URL(fileURLWithPath: exe)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--remote-debugging-port=0", "--user-data-dir=\(profile)", "--window-size=\(width),\(height)", url]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr.
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        var port: Int?
        while port == nil, Date() < deadline {
            let chunk = stderr.fileHandleForReading.availableData
            if chunk.isEmpty { if !process.isRunning { break }; usleep(50_000); continue }
            text += String(decoding: chunk, as: UTF8.self)
            if let r = text.range(of: #"ws://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                port = Int(text[r].dropFirst("ws://127.0.0.1:".count).dropLast())
            }
        }
        // Keep draining stderr so Chromium never blocks on a full pipe.
        stderr.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
        guard let port else { quit(); throw Failure.startup(text.isEmpty ? "no output" : String(text.suffix(500))) }
        let wsPath = try Self.pagePath(port: port)
        try openWebSocket(port: port, path: wsPath)
    }

    deinit { quit() }

    func quit() {
        if fd >= 0 { close(fd); fd = -1 }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: profile)
    }

    /// The page target's WebSocket path from `http://127.0.0.1:PORT/json/list`.
    static func pagePath(port: Int) throws -> String {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let data = RawHTTP.request(port: port, path: "/json/list")?.body,
               let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]],
               let page = list.first(where: { ($0["type"] as? String) == "page" }),
               let ws = page["webSocketDebuggerUrl"] as? String,
               let r = ws.range(of: "/devtools/") {
                return String(ws[r.lowerBound...])
            }
            usleep(200_000)
        }
        throw Failure.startup("no page target at http://127.0.0.1:\(port)/json/list")
    }

    // MARK: - DevTools commands

    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        let message = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": params])
        try sendFrame(Array(message))
        while true {
            let text = try receiveMessage()
            guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
            guard (object["id"] as? Int) == id else { continue }  // events and other replies
            if let error = object["error"] { throw Failure.protocolError("\(method): \(error)") }
            return (object["result"] as? [String: Any]) ?? [:]
        }
    }

    /// Evaluates a JavaScript expression in the page and returns its value (awaiting promises).
    func evaluate(_ expression: String) throws -> Any? {
        let result = try call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] { throw Failure.protocolError("script failed: \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Waits until `expression` is true in the page.
    func waitFor(_ expression: String, timeout: Double = 120, what: String) throws {
        let start = Date()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? evaluate(expression)) as? Bool == true {
                if ProcessInfo.processInfo.environment["CAPTURE_TEST_TIMING"] != nil {
                    FileHandle.standardError.write(Data(String(format: "[capture test] %@: %.1f s\n", what, Date().timeIntervalSince(start)).utf8))
                }
                return
            }
            usleep(100_000)
        }
        let message = (try? evaluate("document.getElementById('message').textContent + ' | ' + document.getElementById('device').textContent")) as? String ?? "?"
        throw Failure.protocolError("timed out waiting for \(what); the page says: \(message)")
    }

    /// A real mouse click (press and release) at page coordinates.
    func click(x: Double, y: Double) throws {
        for type in ["mouseMoved", "mousePressed", "mouseReleased"] {
            var p: [String: Any] = ["type": type, "x": x, "y": y]
            if type != "mouseMoved" { p["button"] = "left"; p["clickCount"] = 1 }
            try call("Input.dispatchMouseEvent", p)
        }
    }

    /// Clicks the centre of the element with `id`.
    func click(elementID id: String) throws {
        guard let rect = try evaluate("(() => { const r = document.getElementById('\(id)').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()") as? [Double] else {
            throw Failure.protocolError("no element \(id)")
        }
        try click(x: rect[0], y: rect[1])
    }

    /// A real key press of a single printable key, or of "Enter" / "Escape".
    func press(key: String) throws {
        let special: [String: (code: String, keyCode: Int, text: String?)] = ["Enter": ("Enter", 13, "\r"), "Escape": ("Escape", 27, nil)]
        if let s = special[key] {
            var down: [String: Any] = ["type": "keyDown", "key": key, "code": s.code, "windowsVirtualKeyCode": s.keyCode]
            if let text = s.text { down["text"] = text }
            try call("Input.dispatchKeyEvent", down)
            try call("Input.dispatchKeyEvent", ["type": "keyUp", "key": key, "code": s.code, "windowsVirtualKeyCode": s.keyCode])
            return
        }
        try call("Input.dispatchKeyEvent", ["type": "keyDown", "key": key, "text": key])
        try call("Input.dispatchKeyEvent", ["type": "keyUp", "key": key])
    }

    /// Types text into the focused element as real key input.
    func type(_ text: String) throws {
        try call("Input.insertText", ["text": text])
    }

    func screenshot(to path: String, width: Int = 1240, height: Int = 760) throws {
        try call("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false])
        usleep(300_000)
        let result = try call("Page.captureScreenshot", ["format": "png"])
        guard let b64 = result["data"] as? String, let data = Data(base64Encoded: b64) else { throw Failure.protocolError("no screenshot") }
        try data.write(to: URL(fileURLWithPath: path))
    }

    // MARK: - WebSocket

    private func openWebSocket(port: Int, path: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else { throw Failure.startup("cannot connect to the DevTools port \(port)") }
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try writeAll(Array(request.utf8))
        var response: [UInt8] = []
        while !response.suffix(4).elementsEqual([13, 10, 13, 10]) {
            response.append(try readByte())
        }
        let head = String(decoding: response, as: UTF8.self)
        guard head.hasPrefix("HTTP/1.1 101") else { throw Failure.startup("WebSocket upgrade refused: \(head.prefix(200))") }
    }

    private func sendFrame(_ payload: [UInt8]) throws {
        var frame: [UInt8] = [0x81]  // FIN + text
        let n = payload.count
        if n < 126 { frame.append(0x80 | UInt8(n)) } else if n < 65536 {
            frame += [0x80 | 126, UInt8(n >> 8), UInt8(n & 0xff)]
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((n >> shift) & 0xff)) }
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try writeAll(frame)
    }

    private func receiveMessage() throws -> String {
        var message: [UInt8] = []
        while true {
            let b0 = try readByte(), b1 = try readByte()
            var length = Int(b1 & 0x7f)
            if length == 126 { length = Int(try readByte()) << 8 | Int(try readByte()) } else if length == 127 {
                length = 0
                for _ in 0..<8 { length = length << 8 | Int(try readByte()) }
            }
            var mask: [UInt8] = []
            if b1 & 0x80 != 0 { mask = try (0..<4).map { _ in try readByte() } }
            var payload = try readBytes(length)
            if !mask.isEmpty { payload = payload.enumerated().map { $0.element ^ mask[$0.offset % 4] } }
            let opcode = b0 & 0x0f
            if opcode == 0x8 { throw Failure.protocolError("the browser closed the connection") }
            if opcode == 0x9 || opcode == 0xA { continue }  // ping / pong
            message += payload
            if b0 & 0x80 != 0 { return String(decoding: message, as: UTF8.self) }
        }
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure.protocolError("send failed") }
            offset += n
        }
    }

    private func fill(_ minimum: Int) throws {
        while buffer.count < minimum {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure.protocolError("the connection to the browser broke (or 120 s without a reply)") }
            buffer += chunk[..<n]
        }
    }

    private func readByte() throws -> UInt8 {
        try fill(1)
        return buffer.removeFirst()
    }

    private func readBytes(_ n: Int) throws -> [UInt8] {
        try fill(n)
        let out = Array(buffer[..<n])
        buffer.removeFirst(n)
        return out
    }
}
