import CHDF5

/// The stored (still compressed) bytes of one chunk, as `H5Dread_chunk` returns them.
public struct HDF5RawChunk: Sendable {
    public var bytes: [UInt8]
    /// Bit i set means filter i of the pipeline was skipped for this chunk.
    public var filterMask: UInt32
}

/// Undoes a dataset's filter pipeline in plain Swift and zlib, without libhdf5. Debian's libhdf5 is
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
        precondition(output.count == chunkBytes, "output must hold one decoded chunk")
        // Filters were applied in pipeline order when writing; undo them in reverse.
        var current = chunk.bytes
        for (i, step) in steps.enumerated().reversed() where chunk.filterMask & (1 << UInt32(i)) == 0 {
            switch step {
            case .deflate: current = try inflate(current)
            case .shuffle: current = try unshuffle(current)
            case .fletcher32: current = try HDF5Fletcher32.verifyAndStrip(current)
            }
        }
        guard current.count == chunkBytes else {
            throw HDF5Error.mismatch(operation: "decode a chunk", object: "raw chunk", detail: "\(current.count) bytes, expected \(chunkBytes)")
        }
        current.withUnsafeBytes { output.copyMemory(from: $0) }
    }

    private func inflate(_ input: [UInt8]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: chunkBytes)
        var outLength = uLongf(chunkBytes)
        let status = out.withUnsafeMutableBufferPointer { o in
            input.withUnsafeBufferPointer { i in uncompress(o.baseAddress, &outLength, i.baseAddress, uLong(i.count)) }
        }
        guard status == Z_OK, Int(outLength) == chunkBytes else {
            throw HDF5Error.mismatch(operation: "inflate a chunk", object: "raw chunk",
                                     detail: "zlib status \(status), \(outLength) of \(chunkBytes) bytes")
        }
        return out
    }

    private func unshuffle(_ input: [UInt8]) throws -> [UInt8] {
        guard input.count == chunkBytes else {
            throw HDF5Error.mismatch(operation: "unshuffle a chunk", object: "raw chunk", detail: "\(input.count) bytes, expected \(chunkBytes)")
        }
        let size = elementSize, n = chunkBytes / elementSize
        var out = [UInt8](repeating: 0, count: chunkBytes)
        input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for b in 0..<size {
                    let plane = src.baseAddress! + b * n
                    var j = b
                    for e in 0..<n { dst[j] = plane[e]; j += size }
                }
                // HDF5 leaves the trailing bytes that do not make a whole element as they are.
                for j in (n * size)..<chunkBytes { dst[j] = src[j] }
            }
        }
        return out
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
        HDF5Library.silence()
        guard !shape.isEmpty, row >= 0, row < shape[0] else {
            throw HDF5Error.mismatch(operation: "read raw chunk \(row) of", object: file.describe(path), detail: "row \(row) is outside shape \(shape)")
        }
        var offset = [hsize_t](repeating: 0, count: shape.count)
        offset[0] = hsize_t(row)
        var size: hsize_t = 0
        try HDF5Library.check(H5Dget_chunk_storage_size(handle.id, &offset, &size), "size raw chunk \(row) of", file.describe(path))
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var mask: UInt32 = 0
        try bytes.withUnsafeMutableBytes { buffer in
            try HDF5Library.check(H5Dread_chunk(handle.id, h5p_default(), &offset, &mask, buffer.baseAddress),
                                  "read raw chunk \(row) of", file.describe(path))
        }
        return HDF5RawChunk(bytes: bytes, filterMask: mask)
    }
}
