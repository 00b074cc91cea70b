import CHDF5
import CISAL

/// The stored (still compressed) bytes of one chunk, as `H5Dread_chunk` returns them.
public struct HDF5RawChunk: Sendable {
    public var bytes: [UInt8]
    /// Bit i set means filter i of the pipeline was skipped for this chunk.
    public var filterMask: UInt32
}

/// Undoes a dataset's filter pipeline in plain Swift and a DEFLATE library, without libhdf5. Debian's libhdf5 is
/// thread-safe through one global lock, so every H5Dread serialises; reading the raw chunk under the lock
/// and decoding it here lets several threads decompress at once (reference/swift-native.md).
public struct HDF5ChunkDecoder: Sendable {
    let steps: [HDF5RowFilter]
    /// Bytes per element (for shuffle).
    public let elementSize: Int
    /// Bytes of one decoded chunk.
    public let chunkBytes: Int

    /// Decodes `chunk` into `output` (exactly `chunkBytes` long).
    public func decode(_ chunk: HDF5RawChunk, into output: UnsafeMutableRawBufferPointer) throws {
        let scratch = HDF5ChunkScratch()
        scratch.load(chunk)
        try decode(scratch, into: output)
    }

    /// Decodes the raw chunk held by `scratch` (`HDF5Dataset.readRawChunk(row:into:)`) into `output` (exactly
    /// `chunkBytes` long), using only the scratch's buffers: nothing is allocated once they have grown.
    public func decode(_ scratch: HDF5ChunkScratch, into output: UnsafeMutableRawBufferPointer) throws {
        precondition(output.count == chunkBytes, "output must hold one decoded chunk")
        // Filters were applied in pipeline order when writing; undo them in reverse. Each step writes into the
        // other work buffer, the last one straight into `output`.
        let active = steps.indices.reversed().filter { scratch.filterMask & (1 << UInt32($0)) == 0 }.map { steps[$0] }
        var current = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(scratch.raw)[0..<scratch.rawCount])
        var wroteOutput = false
        for (k, step) in active.enumerated() {
            let last = !active[(k + 1)...].contains { $0 != .fletcher32 }
            switch step {
            case .fletcher32:
                current = try HDF5Fletcher32.verifyAndStrip(current)
            case .deflate:
                let target = last ? output : scratch.work(k % 2, bytes: chunkBytes)
                try inflate(current, into: target, using: scratch)
                current = UnsafeRawBufferPointer(target); wroteOutput = last
            case .shuffle:
                guard current.count == chunkBytes else {
                    throw HDF5Error.mismatch(operation: "unshuffle a chunk", object: "raw chunk", detail: "\(current.count) bytes, expected \(chunkBytes)")
                }
                let target = last ? output : scratch.work(k % 2, bytes: chunkBytes)
                unshuffle(current, into: target)
                current = UnsafeRawBufferPointer(target); wroteOutput = last
            }
        }
        guard current.count == chunkBytes else {
            throw HDF5Error.mismatch(operation: "decode a chunk", object: "raw chunk", detail: "\(current.count) bytes, expected \(chunkBytes)")
        }
        if !wroteOutput { output.copyMemory(from: current) }
    }

    private func inflate(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, using scratch: HDF5ChunkScratch) throws {
        let src = input.bindMemory(to: UInt8.self).baseAddress, dst = out.bindMemory(to: UInt8.self).baseAddress
        switch scratch.inflater {
        case .isal:
            let produced = cisal_zlib_uncompress(scratch.isalState, src, input.count, dst, out.count)
            guard produced == chunkBytes else {
                throw HDF5Error.mismatch(operation: "inflate a chunk", object: "raw chunk",
                                         detail: "ISA-L: damaged stream or not \(chunkBytes) bytes long")
            }
        case .zlib:
            var outLength = uLongf(chunkBytes)
            let status = uncompress(dst, &outLength, src, uLong(input.count))
            guard status == Z_OK, Int(outLength) == chunkBytes else {
                throw HDF5Error.mismatch(operation: "inflate a chunk", object: "raw chunk",
                                         detail: "zlib status \(status), \(outLength) of \(chunkBytes) bytes")
            }
        }
    }

    /// libhdf5's unshuffle: plane b holds byte b of every element; trailing bytes that do not make a whole
    /// element are left as they are.
    private func unshuffle(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        let size = elementSize, n = chunkBytes / elementSize
        let src = input.bindMemory(to: UInt8.self), dst = out.bindMemory(to: UInt8.self)
        if size == 4 {
            // The common case (float heights), four planes at once.
            let p0 = src.baseAddress!, p1 = p0 + n, p2 = p0 + 2 * n, p3 = p0 + 3 * n
            let words = UnsafeMutableRawPointer(dst.baseAddress!)
            for e in 0..<n {
                let w = UInt32(p0[e]) | UInt32(p1[e]) << 8 | UInt32(p2[e]) << 16 | UInt32(p3[e]) << 24
                words.storeBytes(of: w.littleEndian, toByteOffset: e * 4, as: UInt32.self)
            }
        } else {
            for b in 0..<size {
                let plane = src.baseAddress! + b * n
                var j = b
                for e in 0..<n { dst[j] = plane[e]; j += size }
            }
        }
        for j in (n * size)..<chunkBytes { dst[j] = src[j] }
    }
}

extension HDF5Dataset {
    /// A decoder for this dataset's chunks when they are one row each (chunk [1, ...]), stored in the native
    /// layout of `T`, and filtered only by shuffle, deflate and Fletcher-32 (verified as libhdf5 would); nil
    /// otherwise (then use `read(row:)`).
    public func rawChunkDecoder<T: HDF5Scalar>(as: T.Type) -> HDF5ChunkDecoder? {
        guard let steps = rowChunkFilters(as: T.self) else { return nil }
        return HDF5ChunkDecoder(steps: steps, elementSize: MemoryLayout<T>.stride, chunkBytes: rowCount * MemoryLayout<T>.stride)
    }

    /// Where the chunk that starts at `row` (first dimension; other dimensions at 0) lies in the file: its
    /// byte offset and stored size. For tools that inspect or test the stored bytes themselves.
    public func chunkLocation(row: Int) throws -> (offset: Int, size: Int) {
        HDF5Library.silence()
        var coordinates = [hsize_t](repeating: 0, count: shape.count)
        if !coordinates.isEmpty { coordinates[0] = hsize_t(row) }
        var mask: UInt32 = 0
        var address: haddr_t = 0
        var size: hsize_t = 0
        try HDF5Library.check(H5Dget_chunk_info_by_coord(handle.id, &coordinates, &mask, &address, &size),
                              "locate chunk \(row) of", file.describe(path))
        return (Int(address), Int(size))
    }

    /// The stored bytes of the chunk holding row `row` (chunks of one row), without decoding them.
    public func readRawChunk(row: Int) throws -> HDF5RawChunk {
        let scratch = HDF5ChunkScratch()
        try readRawChunk(row: row, into: scratch)
        return HDF5RawChunk(bytes: [UInt8](UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(scratch.raw)[0..<scratch.rawCount])),
                            filterMask: scratch.filterMask)
    }

    /// The same into `scratch` (its raw buffer grows to the largest chunk seen and is reused), for `decode`.
    public func readRawChunk(row: Int, into scratch: HDF5ChunkScratch) throws {
        HDF5Library.silence()
        guard !shape.isEmpty, row >= 0, row < shape[0] else {
            throw HDF5Error.mismatch(operation: "read raw chunk \(row) of", object: file.describe(path), detail: "row \(row) is outside shape \(shape)")
        }
        var offset = [hsize_t](repeating: 0, count: shape.count)
        offset[0] = hsize_t(row)
        var size: hsize_t = 0
        try HDF5Library.check(H5Dget_chunk_storage_size(handle.id, &offset, &size), "size raw chunk \(row) of", file.describe(path))
        let buffer = scratch.rawBuffer(bytes: Int(size))
        var mask: UInt32 = 0
        try HDF5Library.check(H5Dread_chunk(handle.id, h5p_default(), &offset, &mask, buffer.baseAddress),
                              "read raw chunk \(row) of", file.describe(path))
        scratch.rawCount = Int(size)
        scratch.filterMask = mask
    }
}
