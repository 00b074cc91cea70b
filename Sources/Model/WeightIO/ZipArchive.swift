import Foundation
import Zlib

/// Why a zip archive could not be read.
public enum ZipArchiveError: Error, CustomStringConvertible, Equatable {
    case malformed(path: String, reason: String)
    case missingEntry(path: String, name: String)
    case unsupportedEntry(path: String, name: String, reason: String)

    public var description: String {
        switch self {
        case let .malformed(path, reason):
            return "\(path) is not a readable zip archive (\(reason)); the file is damaged or truncated — download it again"
        case let .missingEntry(path, name):
            return "\(path) has no entry '\(name)'; the archive is incomplete — download it again"
        case let .unsupportedEntry(path, name, reason):
            return "entry '\(name)' of \(path) cannot be read (\(reason)); re-save the checkpoint with torch.save"
        }
    }
}

/// A zip archive read from memory: the container of PyTorch checkpoints (`torch.save` and
/// `torch.jit.save` write one, entries stored uncompressed and aligned). Reads the central directory
/// (zip64 included), stored and deflated entries, and checks each entry's CRC-32.
public struct ZipArchive {
    public struct Entry: Sendable {
        public let name: String
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        public let size: Int
        let localHeaderOffset: Int
    }

    public let path: String
    let data: Data
    /// The entries in directory order.
    public let entries: [Entry]
    let index: [String: Int]

    /// True when `data` starts with a zip local-file header.
    public static func isZip(_ data: Data) -> Bool {
        data.count >= 4 && data.prefix(4).elementsEqual([0x50, 0x4B, 0x03, 0x04])
    }

    public init(path: String, data: Data) throws {
        self.path = path; self.data = data
        func fail(_ reason: String) -> ZipArchiveError { .malformed(path: path, reason: reason) }
        let reader = ByteReader(data: data)
        // The end-of-central-directory record: 22 bytes plus a comment of up to 65535 bytes, at the end.
        guard data.count >= 22 else { throw fail("shorter than a zip directory") }
        var eocd = -1
        var at = data.count - 22
        let lowest = max(0, data.count - 22 - 65535)
        while at >= lowest {
            if reader.u32(at) == 0x0605_4B50 { eocd = at; break }
            at -= 1
        }
        guard eocd >= 0 else { throw fail("no end-of-directory record: the file is truncated") }
        var count = Int(reader.u16(eocd + 10))
        var directorySize = Int(reader.u32(eocd + 12))
        var directoryOffset = Int(reader.u32(eocd + 16))
        // zip64: the 32-bit fields are saturated and a zip64 record (found through its locator) holds them.
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            let locator = eocd - 20
            guard locator >= 0, reader.u32(locator) == 0x0706_4B50 else { throw fail("zip64 sizes without a zip64 locator") }
            let record = reader.u64(locator + 8)
            guard record <= UInt64(data.count - 56), reader.u32(Int(record)) == 0x0606_4B50 else {
                throw fail("zip64 locator points outside the file")
            }
            let r = Int(record)
            guard reader.u64(r + 32) <= UInt64(Int.max), reader.u64(r + 40) <= UInt64(Int.max), reader.u64(r + 48) <= UInt64(Int.max) else {
                throw fail("zip64 record with impossible sizes")
            }
            count = Int(reader.u64(r + 32)); directorySize = Int(reader.u64(r + 40)); directoryOffset = Int(reader.u64(r + 48))
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset <= data.count, directorySize <= data.count - directoryOffset else {
            throw fail("directory at \(directoryOffset) (+\(directorySize) bytes) lies outside the \(data.count)-byte file")
        }
        var entries: [Entry] = [], index: [String: Int] = [:]
        var p = directoryOffset
        let end = directoryOffset + directorySize
        for _ in 0..<count {
            guard p + 46 <= end, reader.u32(p) == 0x0201_4B50 else { throw fail("damaged directory entry at byte \(p)") }
            let method = reader.u16(p + 10), crc = reader.u32(p + 16)
            var compressed = UInt64(reader.u32(p + 20)), size = UInt64(reader.u32(p + 24))
            let nameLength = Int(reader.u16(p + 28)), extraLength = Int(reader.u16(p + 30)), commentLength = Int(reader.u16(p + 32))
            var local = UInt64(reader.u32(p + 42))
            guard p + 46 + nameLength + extraLength + commentLength <= end else { throw fail("directory entry runs past the directory") }
            let name = String(decoding: data[(data.startIndex + p + 46)..<(data.startIndex + p + 46 + nameLength)], as: UTF8.self)
            // zip64 extra field (id 1): the 64-bit values of exactly the saturated fields, in this order.
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = reader.u16(e), length = Int(reader.u16(e + 2))
                if id == 1 {
                    var f = e + 4
                    for field in [0, 1, 2] {
                        let saturated = field == 0 ? size == 0xFFFF_FFFF : field == 1 ? compressed == 0xFFFF_FFFF : local == 0xFFFF_FFFF
                        guard saturated, f + 8 <= e + 4 + length else { continue }
                        let v = reader.u64(f); f += 8
                        if field == 0 { size = v } else if field == 1 { compressed = v } else { local = v }
                    }
                }
                e += 4 + length
            }
            let limit = UInt64(data.count)
            guard compressed <= limit, local <= limit, size <= UInt64(Int32.max) * 64 else {
                throw fail("entry '\(name)' declares sizes beyond the file")
            }
            index[name] = entries.count
            entries.append(Entry(name: name, method: method, crc: crc, compressedSize: Int(compressed), size: Int(size),
                                 localHeaderOffset: Int(local)))
            p += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries; self.index = index
    }

    /// Opens the archive at `path` (memory-mapped).
    public init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) }
        catch { throw ZipArchiveError.malformed(path: path, reason: error.localizedDescription) }
        try self.init(path: path, data: data)
    }

    public func contains(_ name: String) -> Bool { index[name] != nil }

    /// The uncompressed bytes of entry `name`, CRC-checked.
    public func contents(of name: String) throws -> Data {
        guard let i = index[name] else { throw ZipArchiveError.missingEntry(path: path, name: name) }
        let entry = entries[i]
        let reader = ByteReader(data: data)
        let h = entry.localHeaderOffset
        guard h + 30 <= data.count, reader.u32(h) == 0x0403_4B50 else {
            throw ZipArchiveError.malformed(path: path, reason: "entry '\(name)' has no local header at byte \(h)")
        }
        let start = h + 30 + Int(reader.u16(h + 26)) + Int(reader.u16(h + 28))
        guard start <= data.count, entry.compressedSize <= data.count - start else {
            throw ZipArchiveError.malformed(path: path, reason: "entry '\(name)' runs past the end of the file")
        }
        let raw = data[(data.startIndex + start)..<(data.startIndex + start + entry.compressedSize)]
        let bytes: Data
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else {
                throw ZipArchiveError.malformed(path: path, reason: "stored entry '\(name)' has \(entry.compressedSize) bytes but declares \(entry.size)")
            }
            bytes = raw
        case 8:
            do {
                bytes = Data(try raw.withUnsafeBytes { try Deflate.inflate($0, expectedCount: entry.size) })
            } catch let Deflate.Failure.reason(reason) {
                throw ZipArchiveError.malformed(path: path, reason: "entry '\(name)': \(reason)")
            }
        default:
            throw ZipArchiveError.unsupportedEntry(path: path, name: name, reason: "compression method \(entry.method); only stored and deflated entries are read")
        }
        let crc = bytes.withUnsafeBytes { Deflate.crc32($0) }
        guard crc == entry.crc else {
            throw ZipArchiveError.malformed(path: path, reason: "entry '\(name)' fails its CRC-32 check")
        }
        return bytes
    }
}

/// Little-endian reads at byte offsets of a `Data` (any start index), unaligned.
struct ByteReader {
    let data: Data
    func u16(_ at: Int) -> UInt16 { UInt16(data[data.startIndex + at]) | UInt16(data[data.startIndex + at + 1]) << 8 }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
    func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }
}
