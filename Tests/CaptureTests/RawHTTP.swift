import Foundation

/// One HTTP/1.1 request over a plain socket with `Connection: close` (Foundation's URLSession on Linux
/// trips over the DevTools server's response headers).
enum RawHTTP {
    /// `address` is the IPv4 address connected to; `host` the Host header (default ADDRESS:PORT).
    static func request(port: Int, method: String = "GET", path: String, headers: [String: String] = [:],
                        body: Data = Data(), address: String = "127.0.0.1", host: String? = nil) -> (status: Int, body: Data)? {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host ?? "\(address):\(port)")\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        return exchange(port: port, address: address, Array((head + "\r\n").utf8) + Array(body))
    }

    /// Sends `bytes` as they are (any framing) on a new connection and reads the reply.
    static func exchange(port: Int, address: String = "127.0.0.1", _ bytes: [UInt8]) -> (status: Int, body: Data)? {
        guard let fd = connect(port: port, address: address) else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard send(fd, bytes) else { return nil }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !complete(response) {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += chunk[..<n]
        }
        guard let split = (0..<max(0, response.count - 3)).first(where: { response[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }) else { return nil }
        let headText = String(decoding: response[..<split], as: UTF8.self)
        let status = Int(headText.split(separator: " ").dropFirst().first ?? "") ?? 0
        var payload = Array(response[(split + 4)...])
        if headText.lowercased().contains("transfer-encoding: chunked") { payload = dechunk(payload) }
        return (status, Data(payload))
    }

    /// A connected TCP socket, or nil.
    static func connect(port: Int, address: String = "127.0.0.1") -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = in_port_t(UInt16(port).bigEndian)
        target.sin_addr.s_addr = inet_addr(address)
        let r = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else { close(fd); return nil }
        return fd
    }

    /// Sends all of `bytes`; false when the connection refuses them (closed).
    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// True once the headers and `Content-Length` bytes of body have arrived (some servers, like
    /// Chromium's DevTools endpoint, keep the connection open despite `Connection: close`).
    static func complete(_ response: [UInt8]) -> Bool {
        guard response.count >= 4,
              let split = (0...(response.count - 4)).first(where: { response[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }) else { return false }
        let head = String(decoding: response[..<split], as: UTF8.self).lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
        return response.count - split - 4 >= length
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i..<max(i, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                  let size = Int(String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16),
                  size > 0 else { break }
            let start = lineEnd + 2
            out += bytes[start..<min(bytes.count, start + size)]
            i = start + size + 2
        }
        return out
    }
}
