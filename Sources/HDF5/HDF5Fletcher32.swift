/// HDF5's Fletcher-32 checksum filter (H5Zfletcher32.c), for chunks decoded outside libhdf5: the stored
/// chunk is the filtered bytes followed by their checksum, little-endian.
enum HDF5Fletcher32 {
    /// The checksum libhdf5 computes (`H5_checksum_fletcher32`): big-endian 16-bit words, sums folded
    /// every 360 words so they cannot overflow.
    static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var sum1: UInt32 = 0, sum2: UInt32 = 0
        var words = bytes.count / 2, i = 0
        while words > 0 {
            let block = min(words, 360)
            words -= block
            for _ in 0..<block {
                sum1 += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
                sum2 += sum1
                i += 2
            }
            sum1 = (sum1 & 0xffff) + (sum1 >> 16)
            sum2 = (sum2 & 0xffff) + (sum2 >> 16)
        }
        if bytes.count % 2 == 1 {
            sum1 += UInt32(bytes[i]) << 8
            sum2 += sum1
            sum1 = (sum1 & 0xffff) + (sum1 >> 16)
            sum2 = (sum2 & 0xffff) + (sum2 >> 16)
        }
        sum1 = (sum1 & 0xffff) + (sum1 >> 16)
        sum2 = (sum2 & 0xffff) + (sum2 >> 16)
        return sum2 << 16 | sum1
    }

    /// The chunk without its checksum, or an error when the checksum does not match (a flipped byte).
    /// Like libhdf5 it also accepts the byte-swapped checksum that HDF5 1.6.x wrote on little-endian machines.
    static func verifyAndStrip(_ chunk: [UInt8]) throws -> [UInt8] {
        try chunk.withUnsafeBytes { Array(try verifyAndStrip($0)) }
    }

    /// The same on borrowed bytes: the chunk without its checksum, as a view of the same memory.
    static func verifyAndStrip(_ chunk: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
        guard chunk.count >= 4 else {
            throw HDF5Error.mismatch(operation: "verify a chunk", object: "raw chunk", detail: "\(chunk.count) bytes cannot hold a Fletcher-32 checksum")
        }
        let n = chunk.count - 4
        let stored = UInt32(chunk[n]) | UInt32(chunk[n + 1]) << 8 | UInt32(chunk[n + 2]) << 16 | UInt32(chunk[n + 3]) << 24
        let computed = checksum(UnsafeBufferPointer(rebasing: chunk.bindMemory(to: UInt8.self)[0..<n]))
        let reversed = (computed & 0x00ff_00ff) << 8 | (computed & 0xff00_ff00) >> 8
        guard stored == computed || stored == reversed else {
            throw HDF5Error.mismatch(operation: "verify a chunk", object: "raw chunk",
                                     detail: "data error detected by Fletcher32 checksum (the stored bytes changed after writing)")
        }
        return UnsafeRawBufferPointer(rebasing: chunk[0..<n])
    }
}
