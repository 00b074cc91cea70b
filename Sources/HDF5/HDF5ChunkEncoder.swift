import CHDF5
import CISAL
import Foundation

/// Applies a dataset's filter pipeline (shuffle, deflate, Fletcher-32) to one chunk outside libhdf5, with
/// ISA-L's deflate in place of zlib's: 3-4x less CPU for the same ratio on the project's images, and a zlib
/// stream that every HDF5 reader inflates as usual (the pipeline stored in the file is unchanged). The
/// encoded chunk is written as stored bytes (`H5Dwrite_chunk`). The write side of `HDF5ChunkDecoder`.
final class HDF5ChunkEncoder {
    let steps: [HDF5RowFilter]
    /// Bytes per element (for shuffle).
    let elementSize: Int

    init(steps: [HDF5RowFilter], elementSize: Int) {
        self.steps = steps; self.elementSize = elementSize
    }

    /// The chunk as libhdf5 would store it.
    func encode(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        var current = [UInt8](input)
        for step in steps {
            switch step {
            case .shuffle: current = shuffle(current)
            case let .deflate(level): current = try deflate(current, level: level)
            case .fletcher32:
                let sum = current.withUnsafeBufferPointer { HDF5Fletcher32.checksum($0) }
                // libhdf5 appends it little-endian (UINT32ENCODE).
                current += [UInt8(sum & 0xff), UInt8(sum >> 8 & 0xff), UInt8(sum >> 16 & 0xff), UInt8(sum >> 24)]
            }
        }
        return current
    }

    /// libhdf5's shuffle: byte b of every element, for b = 0, 1, ...; a trailing partial element as it is.
    private func shuffle(_ input: [UInt8]) -> [UInt8] {
        let size = elementSize, n = input.count / size
        guard size > 1, n > 1 else { return input }
        return [UInt8](unsafeUninitializedCapacity: input.count) { out, count in
            input.withUnsafeBufferPointer { src in
                for b in 0..<size {
                    let plane = out.baseAddress! + b * n
                    var j = b
                    for e in 0..<n { plane[e] = src[j]; j += size }
                }
                for j in (n * size)..<input.count { out[j] = src[j] }
            }
            count = input.count
        }
    }

    /// A zlib stream of `input`. HDF5's gzip levels 1-9 map to ISA-L's 1 (gzip 1) and 2 (above): ISA-L's
    /// level 3 is slower and, on these images, larger.
    private func deflate(_ input: [UInt8], level: Int) throws -> [UInt8] {
        let isalLevel: UInt32 = level <= 0 ? 0 : (level == 1 ? 1 : 2)
        let deflater = ISALDeflater.take()
        defer { ISALDeflater.give(deflater) }
        return try deflater.compress(input, level: isalLevel)
    }
}

/// One ISA-L stream with its level buffer (together ~0.5 MB), reused across chunks and datasets: a pool
/// hands one to each thread that compresses.
final class ISALDeflater {
    private let stream = UnsafeMutablePointer<isal_zstream>.allocate(capacity: 1)
    private let levelBufferSize = Int(cisal_level_buffer_size(2))
    private let levelBuffer: UnsafeMutablePointer<UInt8>
    private var output = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)

    private init() {
        levelBuffer = .allocate(capacity: max(levelBufferSize, 1))
    }

    deinit {
        stream.deallocate(); levelBuffer.deallocate(); output.deallocate()
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var idle: [ISALDeflater] = []

    static func take() -> ISALDeflater {
        lock.lock(); defer { lock.unlock() }
        return idle.popLast() ?? ISALDeflater()
    }

    static func give(_ d: ISALDeflater) {
        lock.lock(); defer { lock.unlock() }
        idle.append(d)
    }

    func compress(_ input: [UInt8], level: UInt32) throws -> [UInt8] {
        var capacity = input.count + input.count / 8 + 1024
        for _ in 0..<3 {
            if output.count < capacity {
                output.deallocate()
                output = .allocate(capacity: capacity)
            }
            let produced = input.withUnsafeBufferPointer { src in
                cisal_zlib_compress(stream, level, levelBuffer, UInt32(levelBufferSize), src.baseAddress, src.count,
                                    output.baseAddress, output.count)
            }
            if produced > 0 { return Array(output[0..<produced]) }
            capacity *= 2
        }
        throw HDF5Error.mismatch(operation: "deflate a chunk", object: "chunk", detail: "ISA-L could not compress \(input.count) bytes")
    }
}

extension HDF5Dataset {
    /// An encoder for this dataset's chunks when they are one row each, stored in the native layout of `T`,
    /// and filtered only by shuffle, deflate and Fletcher-32; nil otherwise (libhdf5 then filters the row).
    func makeChunkEncoder<T: HDF5Scalar>(as: T.Type) -> HDF5ChunkEncoder? {
        guard let steps = rowChunkFilters(as: T.self) else { return nil }
        // Unfiltered chunks are cheaper through libhdf5's own path (no copy).
        guard steps.contains(where: { if case .deflate = $0 { return true } else { return false } }) else { return nil }
        return HDF5ChunkEncoder(steps: steps, elementSize: MemoryLayout<T>.stride)
    }

    /// Writes row `row` as one chunk encoded by `encoder`.
    func writeEncodedRow<T: HDF5Scalar>(row: Int, _ data: UnsafeBufferPointer<T>, encoder: HDF5ChunkEncoder) throws {
        let object = file.describe(path)
        guard row >= 0, row < shape[0] else {
            throw HDF5Error.mismatch(operation: "write row \(row) of", object: object, detail: "row \(row) is outside shape \(shape)")
        }
        let bytes = try encoder.encode(UnsafeRawBufferPointer(data))
        var offset = [hsize_t](repeating: 0, count: shape.count)
        offset[0] = hsize_t(row)
        try bytes.withUnsafeBytes { b in
            try HDF5Library.check(H5Dwrite_chunk(handle.id, h5p_default(), 0, &offset, b.count, b.baseAddress),
                                  "write row \(row) of", object)
        }
    }
}
