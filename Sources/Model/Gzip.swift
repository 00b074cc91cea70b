import Foundation

/// A gzip (RFC 1952) reader with its own DEFLATE (RFC 1951) decoder, in Swift.
///
/// Why here: CLIP's BPE merges ship as `bpe_simple_vocab_16e6.txt.gz`. Foundation on Linux has no
/// decompression API, and the model module stays free of C (zlib reaches the package only inside the
/// HDF5 library). Reading the file as OpenAI ships it keeps one source of truth for the vocabulary; the
/// decoder is ~150 lines and the trailer's CRC-32 and length are checked, so a damaged download fails
/// loudly. Speed is ample for a 1.4 MB file read once (table-driven Huffman decoding).
public enum GzipError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read \(path): \(reason); check the path and permissions"
        case let .malformed(path, reason): return "\(path) is not a valid gzip file (\(reason)); download it again"
        }
    }
}

public enum Gzip {
    /// The decompressed contents of the gzip file at `path` (all members concatenated).
    public static func read(_ path: String) throws -> [UInt8] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) }
        catch { throw GzipError.unreadable(path: path, reason: error.localizedDescription) }
        do { return try decompress([UInt8](data)) }
        catch let InflateFailure.reason(r) { throw GzipError.malformed(path: path, reason: r) }
    }

    enum InflateFailure: Error { case reason(String) }

    /// Decompresses gzip bytes.
    static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        var pos = 0
        repeat {
            guard bytes.count - pos >= 18, bytes[pos] == 0x1F, bytes[pos + 1] == 0x8B else {
                throw InflateFailure.reason("no gzip header at byte \(pos)")
            }
            guard bytes[pos + 2] == 8 else { throw InflateFailure.reason("compression method \(bytes[pos + 2]) is not deflate") }
            let flags = bytes[pos + 3]
            var p = pos + 10
            if flags & 4 != 0 { p += 2 + Int(bytes[p]) | Int(bytes[p + 1]) << 8 }       // FEXTRA
            if flags & 8 != 0 { while p < bytes.count && bytes[p] != 0 { p += 1 }; p += 1 }  // FNAME
            if flags & 16 != 0 { while p < bytes.count && bytes[p] != 0 { p += 1 }; p += 1 } // FCOMMENT
            if flags & 2 != 0 { p += 2 }                                                    // FHCRC
            let start = out.count
            var reader = BitReader(bytes: bytes, position: p)
            try inflate(&reader, into: &out)
            p = reader.alignedPosition
            guard p + 8 <= bytes.count else { throw InflateFailure.reason("truncated trailer") }
            let crc = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
            let size = UInt32(bytes[p + 4]) | UInt32(bytes[p + 5]) << 8 | UInt32(bytes[p + 6]) << 16 | UInt32(bytes[p + 7]) << 24
            guard UInt32(truncatingIfNeeded: out.count - start) == size else { throw InflateFailure.reason("length mismatch") }
            guard crc32(out[start...]) == crc else { throw InflateFailure.reason("CRC-32 mismatch") }
            pos = p + 8
        } while pos < bytes.count && bytes[pos] == 0x1F
        return out
    }

    struct BitReader {
        let bytes: [UInt8]
        var position: Int
        var buffer: UInt64 = 0
        var count = 0

        init(bytes: [UInt8], position: Int) { self.bytes = bytes; self.position = position }

        mutating func fill() {
            while count <= 56 {
                let b: UInt64 = position < bytes.count ? UInt64(bytes[position]) : 0
                buffer |= b << UInt64(count); count += 8; position += 1
            }
        }
        mutating func bits(_ n: Int) throws -> Int {
            if n == 0 { return 0 }
            if count < n { fill() }
            guard position - count / 8 <= bytes.count else { throw InflateFailure.reason("unexpected end of data") }
            let v = Int(buffer & ((1 << UInt64(n)) - 1))
            buffer >>= UInt64(n); count -= n
            return v
        }
        /// Byte position after discarding the partial byte (stored blocks, the trailer).
        var alignedPosition: Int { position - count / 8 }
        mutating func alignToByte() { let drop = count % 8; buffer >>= UInt64(drop); count -= drop }
    }

    /// A canonical Huffman code as a lookup on the next `maxBits` input bits (LSB first).
    struct Huffman {
        var table: [Int32]   // symbol << 4 | length, -1 for an unused code
        var maxBits: Int

        init(lengths: [Int]) throws {
            maxBits = max(1, lengths.max() ?? 1)
            table = [Int32](repeating: -1, count: 1 << maxBits)
            var blCount = [Int](repeating: 0, count: 16)
            for l in lengths where l > 0 { blCount[l] += 1 }
            var next = [Int](repeating: 0, count: 16)
            var code = 0
            for bits in 1...15 { code = (code + blCount[bits - 1]) << 1; next[bits] = code }
            for (symbol, len) in lengths.enumerated() where len > 0 {
                let c = next[len]; next[len] += 1
                guard c < (1 << len) else { throw InflateFailure.reason("over-subscribed Huffman code") }
                var reversed = 0
                for i in 0..<len where c & (1 << i) != 0 { reversed |= 1 << (len - 1 - i) }
                var r = reversed
                while r < table.count { table[r] = Int32(symbol << 4 | len); r += 1 << len }
            }
        }

        func decode(_ reader: inout BitReader) throws -> Int {
            if reader.count < maxBits { reader.fill() }
            // Past the end, fill() feeds zeros; stop rather than decode them forever.
            guard reader.alignedPosition <= reader.bytes.count else { throw InflateFailure.reason("unexpected end of data") }
            let entry = table[Int(reader.buffer & UInt64((1 << maxBits) - 1))]
            guard entry >= 0 else { throw InflateFailure.reason("invalid Huffman code") }
            let len = Int(entry & 15)
            reader.buffer >>= UInt64(len); reader.count -= len
            return Int(entry >> 4)
        }
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                               2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    static func inflate(_ r: inout BitReader, into out: inout [UInt8]) throws {
        var last = false
        while !last {
            last = try r.bits(1) == 1
            switch try r.bits(2) {
            case 0:
                r.alignToByte()
                let len = try r.bits(16), nlen = try r.bits(16)
                guard len == (~nlen & 0xFFFF) else { throw InflateFailure.reason("stored block length check failed") }
                for _ in 0..<len { out.append(UInt8(try r.bits(8))) }
            case 1:
                let fixed = (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }
                try inflateBlock(&r, &out, literal: try Huffman(lengths: fixed), distance: try Huffman(lengths: [Int](repeating: 5, count: 30)))
            case 2:
                let hlit = try r.bits(5) + 257, hdist = try r.bits(5) + 1, hclen = try r.bits(4) + 4
                let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
                var codeLengths = [Int](repeating: 0, count: 19)
                for i in 0..<hclen { codeLengths[order[i]] = try r.bits(3) }
                let lengthCode = try Huffman(lengths: codeLengths)
                var lengths: [Int] = []
                while lengths.count < hlit + hdist {
                    let sym = try lengthCode.decode(&r)
                    switch sym {
                    case 0...15: lengths.append(sym)
                    case 16:
                        guard let prev = lengths.last else { throw InflateFailure.reason("repeat with no previous length") }
                        lengths += [Int](repeating: prev, count: 3 + (try r.bits(2)))
                    case 17: lengths += [Int](repeating: 0, count: 3 + (try r.bits(3)))
                    default: lengths += [Int](repeating: 0, count: 11 + (try r.bits(7)))
                    }
                }
                guard lengths.count == hlit + hdist else { throw InflateFailure.reason("code lengths overflow") }
                try inflateBlock(&r, &out, literal: try Huffman(lengths: Array(lengths[0..<hlit])),
                                 distance: try Huffman(lengths: Array(lengths[hlit...])))
            default:
                throw InflateFailure.reason("reserved block type")
            }
        }
    }

    static func inflateBlock(_ r: inout BitReader, _ out: inout [UInt8], literal: Huffman, distance: Huffman) throws {
        while true {
            let sym = try literal.decode(&r)
            if sym < 256 { out.append(UInt8(sym)); continue }
            if sym == 256 { return }
            let li = sym - 257
            guard li < 29 else { throw InflateFailure.reason("invalid length symbol") }
            let length = lengthBase[li] + (try r.bits(lengthExtra[li]))
            let di = try distance.decode(&r)
            guard di < 30 else { throw InflateFailure.reason("invalid distance symbol") }
            let dist = distanceBase[di] + (try r.bits(distanceExtra[di]))
            guard dist <= out.count else { throw InflateFailure.reason("distance before the start of the data") }
            let from = out.count - dist
            for i in 0..<length { out.append(out[from + i]) }
        }
    }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
