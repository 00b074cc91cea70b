import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Host headers the web servers (`cliport capture`, `cliport serve`) answer: the names and addresses of this machine. A page from
/// another site that a rebinding DNS server points at this machine still sends its own name as the Host,
/// so it is refused; a browser on another machine that opens http://ADDRESS:PORT/ sends one of ours.
public struct AllowedHosts: Sendable {
    /// The `--host` the server listens on.
    public let listenHost: String

    public init(listenHost: String) { self.listenHost = listenHost }

    static let loopback: Set<String> = ["127.0.0.1", "localhost", "::1"]

    /// True when `authority` (a Host header: "name", "name:port", "[v6]:port") names this machine at `port`.
    public func allows(authority: String, port: Int) -> Bool {
        guard let (host, givenPort) = Self.split(authority), givenPort == port else { return false }
        if Self.loopback.contains(host) || host == Self.normalized(listenHost) { return true }
        // Interfaces come and go (DHCP, Wi-Fi), so they are read at each request that needs them.
        return Self.machineNames().contains(host) || Self.interfaceAddresses().contains(host)
    }

    /// Where to open the page: the listening address, or for a wildcard (0.0.0.0, ::) this machine's loopback
    /// and network addresses, which browsers can reach (0.0.0.0 itself is not an address to open).
    public func pageURLs(port: Int) -> [String] {
        let host = Self.normalized(listenHost)
        // 0.0.0.0 listens on IPv4 only; :: on both.
        let reachable = Self.interfaceAddresses().filter { !Self.isLoopbackOrLinkLocal($0) && (host != "0.0.0.0" || !$0.contains(":")) }
        let hosts = Self.isWildcard(host) ? ["127.0.0.1"] + reachable : [host]
        return hosts.map { "http://\($0.contains(":") ? "[\($0)]" : $0):\(port)/" }
    }

    static func isWildcard(_ host: String) -> Bool { host.isEmpty || host == "0.0.0.0" || host == "::" }

    /// Host and port of a Host header (port 80 when absent), the host lower-cased without brackets or a
    /// trailing dot; nil when it is not one.
    static func split(_ authority: String) -> (host: String, port: Int)? {
        var host = Substring(authority), portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                portText = rest.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { return nil }
        let port: Int
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { return nil }
            port = p
        } else {
            port = 80
        }
        return (normalized(String(host)), port)
    }

    static func normalized(_ host: String) -> String {
        var h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h.hasSuffix(".") { h.removeLast() }
        return h
    }

    /// The machine's host name, and its mDNS form (NAME.local).
    static func machineNames() -> Set<String> {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return [] }
        let name = normalized(String(cString: buffer))
        guard !name.isEmpty else { return [] }
        let short = String(name.split(separator: ".").first ?? Substring(name))
        return [name, short, short + ".local"]
    }

    /// Every IPv4 and IPv6 address of the machine's interfaces (IPv6 without a zone suffix).
    static func interfaceAddresses() -> [String] {
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0 else { return [] }
        defer { freeifaddrs(first) }
        var addresses: [String] = []
        var next = first
        while let entry = next {
            defer { next = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
            guard getnameinfo(address, length, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            let numeric = String(cString: text).split(separator: "%").first.map(String.init) ?? ""
            if !numeric.isEmpty, !addresses.contains(numeric) { addresses.append(numeric.lowercased()) }
        }
        return addresses
    }

    static func isLoopbackOrLinkLocal(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("fe80:") || address.hasPrefix("169.254.")
    }
}
