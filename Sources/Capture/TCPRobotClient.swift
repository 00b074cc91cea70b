import Foundation
import Geometry
import Sim

/// A robot controller reached over TCP. Each action is one JSON line:
///
///     {"type":"pick_place","id":3,"pick":{"position":[x,y,z],"orientation_xyzw":[x,y,z,w]},"place":{...}}
///
/// and the controller answers with one JSON line once the motion is over:
///
///     {"id":3,"ok":true,"message":"placed","done":false}      or      {"id":3,"ok":false,"error":"IK failed"}
///
/// Poses are in the robot base frame (metres), already checked against the workspace bounds. No reply
/// within `timeout` seconds is `CaptureError.robotTimeout`; the connection is then dropped (a late reply
/// must not be taken for the next action's) and made again for the next action.
public final class TCPRobotClient: RobotClient {
    public let host: String
    public let port: Int
    public let timeout: Double
    private var fd: Int32 = -1
    private var nextID = 1
    private var buffer: [UInt8] = []

    public init(host: String, port: Int, timeout: Double = 30) {
        self.host = host; self.port = port; self.timeout = timeout
    }

    deinit { disconnect() }

    public var name: String { "tcp \(host):\(port)" }
    public var kind: RobotKind { .network }

    public func beginEpisode(seed: Int, replaying actions: [PickPlaceAction]) throws {}

    public func execute(_ action: PickPlaceAction) throws -> RobotReply {
        if fd < 0 { try openConnection() }
        let id = nextID
        nextID += 1
        let line = Self.requestLine(id: id, action: action)
        do {
            try sendAll(Array(line.utf8) + [10])
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                let reply = try readLine(deadline: deadline)
                guard let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any] else {
                    throw CaptureError.robotRefused(robot: name, message: "the controller sent a line that is not a JSON object: \(reply.prefix(200))")
                }
                if let replyID = object["id"] as? Int, replyID != id { continue }  // a stale answer
                if (object["ok"] as? Bool) == true {
                    return RobotReply(reward: nil, done: (object["done"] as? Bool) ?? false, message: (object["message"] as? String) ?? "done")
                }
                let error = (object["error"] as? String) ?? (object["message"] as? String) ?? "no reason given"
                throw CaptureError.robotRefused(robot: name, message: error)
            }
        } catch let error as CaptureError {
            if case .robotRefused = error {} else { disconnect() }
            throw error
        }
    }

    static func requestLine(id: Int, action: PickPlaceAction) -> String {
        func pose(_ p: Pose) -> [String: Any] {
            ["position": [p.position.x, p.position.y, p.position.z], "orientation_xyzw": p.rotation.xyzw]
        }
        let object: [String: Any] = ["type": "pick_place", "id": id, "pick": pose(action.pick), "place": pose(action.place)]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])  // numbers and strings only
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - socket plumbing

    private func openConnection() throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            throw CaptureError.robotUnreachable(robot: name, reason: "cannot resolve \(host) (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(result) }
        var lastError = "no address"
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let a = info {
            let s = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if s >= 0 {
                // Non-blocking connect so the timeout also bounds an unreachable controller.
                let flags = fcntl(s, F_GETFL, 0)
                _ = fcntl(s, F_SETFL, flags | O_NONBLOCK)
                var r = connect(s, a.pointee.ai_addr, a.pointee.ai_addrlen)
                if r != 0 && errno == EINPROGRESS {
                    var p = pollfd(fd: s, events: Int16(POLLOUT), revents: 0)
                    if poll(&p, 1, Int32(timeout * 1000)) == 1 {
                        var err: Int32 = 0
                        var len = socklen_t(MemoryLayout<Int32>.size)
                        getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len)
                        r = err == 0 ? 0 : -1
                        if err != 0 { errno = err }
                    } else {
                        errno = ETIMEDOUT
                    }
                }
                if r == 0 {
                    var one: Int32 = 1
                    setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    fd = s
                    buffer = []
                    return
                }
                lastError = String(cString: strerror(errno))
                close(s)
            }
            info = a.pointee.ai_next
        }
        throw CaptureError.robotUnreachable(robot: name, reason: "connection failed (\(lastError))")
    }

    private func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
        buffer = []
    }

    private func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        let deadline = Date().addingTimeInterval(timeout)
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 { offset += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let left = deadline.timeIntervalSinceNow
                if left <= 0 || poll(&p, 1, Int32(left * 1000)) == 0 { throw CaptureError.robotTimeout(robot: name, seconds: timeout) }
                continue
            }
            let reason = String(cString: strerror(errno))
            disconnect()
            throw CaptureError.robotUnreachable(robot: name, reason: "sending failed (\(reason))")
        }
    }

    private func readLine(deadline: Date) throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            guard buffer.count < 1 << 20 else {
                disconnect()
                throw CaptureError.robotRefused(robot: name, message: "the controller sent more than 1 MB without a newline")
            }
            let left = deadline.timeIntervalSinceNow
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard left > 0, poll(&p, 1, Int32(max(1, left * 1000))) == 1 else {
                throw CaptureError.robotTimeout(robot: name, seconds: timeout)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer += chunk[..<n]
            } else if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                let reason = n == 0 ? "the controller closed the connection" : String(cString: strerror(errno))
                disconnect()
                throw CaptureError.robotUnreachable(robot: name, reason: reason)
            }
        }
    }
}
