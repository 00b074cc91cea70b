import CISAL

/// The DEFLATE decoder that undoes the deflate filter of chunks decoded outside libhdf5. Both read the zlib
/// streams any HDF5 writer stores and verify their Adler-32; ISA-L's igzip is faster on the project's chunks
/// (docs/architecture.md, "Inflate").
public enum HDF5Inflater: String, CaseIterable, Codable, Sendable {
    case isal
    case zlib

    /// What `HDF5ChunkScratch` uses unless told otherwise.
    public static let standard = HDF5Inflater.isal
}

/// Memory one thread reuses to read and decode raw chunks: the stored bytes, two work buffers and the
/// inflater's state grow to the largest chunk seen and stay, so a steady stream of chunks allocates nothing.
/// Not for sharing between threads.
public final class HDF5ChunkScratch {
    public var inflater: HDF5Inflater
    /// The last raw chunk read: its first `rawCount` bytes, and which filters were skipped.
    var raw = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    var rawCount = 0
    var filterMask: UInt32 = 0
    private var works = [UnsafeMutableRawBufferPointer(start: nil, count: 0), UnsafeMutableRawBufferPointer(start: nil, count: 0)]
    let isalState = UnsafeMutablePointer<inflate_state>.allocate(capacity: 1)

    public init(inflater: HDF5Inflater = .standard) { self.inflater = inflater }

    deinit {
        raw.deallocate()
        for w in works { w.deallocate() }
        isalState.deallocate()
    }

    /// The raw buffer, at least `bytes` long.
    func rawBuffer(bytes: Int) -> UnsafeMutableRawBufferPointer {
        if raw.count < bytes { raw.deallocate(); raw = .allocate(byteCount: bytes, alignment: 16) }
        return raw
    }

    /// Copies a stored chunk in (for callers that hold one as bytes), to decode it from here.
    public func load(_ chunk: HDF5RawChunk) {
        let buffer = rawBuffer(bytes: chunk.bytes.count)
        chunk.bytes.withUnsafeBytes { if !$0.isEmpty { buffer.copyMemory(from: $0) } }
        rawCount = chunk.bytes.count
        filterMask = chunk.filterMask
    }

    /// Work buffer `i` (0 or 1), exactly `bytes` long.
    func work(_ i: Int, bytes: Int) -> UnsafeMutableRawBufferPointer {
        if works[i].count < bytes { works[i].deallocate(); works[i] = .allocate(byteCount: bytes, alignment: 16) }
        return UnsafeMutableRawBufferPointer(rebasing: works[i][0..<bytes])
    }
}
