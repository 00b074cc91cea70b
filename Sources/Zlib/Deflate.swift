import CZlib

/// Raw DEFLATE (RFC 1951, no zlib or gzip wrapper) and CRC-32, as zip archives use them: an entry is
/// stored or deflated, and its central-directory record carries the CRC-32 of the uncompressed bytes.
public enum Deflate {
    /// Why `inflate` refused its input.
    public enum Failure: Error, Equatable { case reason(String) }

    /// The `expectedCount` bytes that the raw DEFLATE stream `bytes` decompresses to; refuses a stream
    /// that ends early, runs longer, or is damaged.
    public static func inflate(_ bytes: UnsafeRawBufferPointer, expectedCount: Int) throws -> [UInt8] {
        var stream = z_stream()
        // -15: raw DEFLATE with a window of up to 2^15 bytes.
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure.reason("zlib could not start: out of memory")
        }
        defer { inflateEnd(&stream) }
        // One extra byte: a stream longer than declared fills it instead of stopping at the boundary.
        var out = [UInt8](repeating: 0, count: expectedCount + 1)
        let status: Int32 = out.withUnsafeMutableBufferPointer { o in
            stream.next_in = UnsafeMutablePointer(mutating: bytes.bindMemory(to: UInt8.self).baseAddress)
            stream.avail_in = UInt32(bytes.count)
            stream.next_out = o.baseAddress
            stream.avail_out = UInt32(o.count)
            return CZlib.inflate(&stream, Z_FINISH)
        }
        let produced = out.count - Int(stream.avail_out)
        guard status == Z_STREAM_END else {
            if status == Z_DATA_ERROR { throw Failure.reason(stream.msg.map { String(cString: $0) } ?? "damaged data") }
            throw Failure.reason("the compressed data ends early (zlib status \(status))")
        }
        guard produced == expectedCount else {
            throw Failure.reason("decompresses to \(produced) bytes, but \(expectedCount) were declared")
        }
        out.removeLast()
        return out
    }

    /// The CRC-32 (ISO-HDLC, as zip and gzip use it) of `bytes`.
    public static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CZlib.crc32(0, nil, 0)
        var rest = bytes
        // zlib takes a 32-bit length: feed large entries in 1 GiB pieces.
        while !rest.isEmpty {
            let n = min(rest.count, 1 << 30)
            crc = CZlib.crc32(crc, rest.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32(n))
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
        return UInt32(crc)
    }
}
