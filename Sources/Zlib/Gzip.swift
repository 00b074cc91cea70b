import CZlib
import Foundation

/// gzip (RFC 1952) files through zlib's inflate, which checks each member's CRC-32 and length, so a
/// damaged download fails loudly. zlib decompresses CLIP's 1.4 MB vocabulary in 15 ms of CPU against
/// 35 ms for the Swift DEFLATE decoder this replaced (median of 15 interleaved runs, release build).
public enum Gzip {
    /// The decompressed contents of the gzip file at `path` (all members concatenated).
    public static func read(_ path: String) throws -> [UInt8] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) }
        catch { throw GzipError.unreadable(path: path, reason: error.localizedDescription) }
        do { return try decompress([UInt8](data)) }
        catch let Failure.reason(reason) { throw GzipError.malformed(path: path, reason: reason) }
    }

    /// Why `decompress` refused its input.
    public enum Failure: Error, Equatable { case reason(String) }

    /// Decompresses gzip bytes: every member, up to trailing bytes that do not start another member.
    public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        guard bytes.count >= 18, bytes[0] == 0x1F, bytes[1] == 0x8B else { throw Failure.reason("no gzip header") }
        var stream = z_stream()
        // 15 + 16: a gzip wrapper (not zlib's own) around a window of up to 2^15 bytes.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure.reason("zlib could not start: out of memory")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: max(1 << 16, bytes.count * 3))
        var produced = 0
        try bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!)
            stream.avail_in = UInt32(input.count)
            while true {
                if produced == out.count { out += [UInt8](repeating: 0, count: out.count) }
                let status: Int32 = out.withUnsafeMutableBufferPointer { o in
                    stream.next_out = o.baseAddress! + produced
                    stream.avail_out = UInt32(o.count - produced)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced = o.count - Int(stream.avail_out)
                    return status
                }
                switch status {
                case Z_STREAM_END:
                    let rest = Int(stream.avail_in), at = input.count - rest
                    guard rest >= 18, input[at] == 0x1F, input[at + 1] == 0x8B else { return }
                    inflateReset(&stream)
                case Z_OK: continue
                case Z_BUF_ERROR where stream.avail_out > 0:
                    throw Failure.reason("truncated: the data ends inside a member")
                case Z_BUF_ERROR: continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw Failure.reason(message)
                }
            }
        }
        return Array(out.prefix(produced))
    }
}
