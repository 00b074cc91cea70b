import HDF5
import XCTest
@testable import Dataset

/// The raw-chunk path (read compressed under libhdf5's lock, inflate outside) gives what H5Dread gives.
final class RawChunkTests: XCTestCase {
    func testDecodedRawChunksEqualLibraryReads() throws {
        let path = try LoaderTestData.dataset()
        let shard = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".hdf5") }.sorted().first)
        let file = try HDF5File.open(path + "/" + shard)
        let rgb = try file.dataset("data/demo_1/obs/heightmap_rgb")
        let height = try file.dataset("data/demo_1/obs/heightmap_height")
        let rgbDecoder = try XCTUnwrap(rgb.rawChunkDecoder(as: UInt8.self))
        let heightDecoder = try XCTUnwrap(height.rawChunkDecoder(as: Float.self))
        XCTAssertNil(height.rawChunkDecoder(as: UInt8.self), "the stored type must match")
        for row in 0..<rgb.shape[0] {
            var bytes = [UInt8](repeating: 0, count: rgb.rowCount)
            try bytes.withUnsafeMutableBytes { try rgbDecoder.decode(try rgb.readRawChunk(row: row), into: $0) }
            XCTAssertEqual(bytes, try rgb.read(row: row, as: UInt8.self))
            var floats = [Float](repeating: 0, count: height.rowCount)
            try floats.withUnsafeMutableBytes { try heightDecoder.decode(try height.readRawChunk(row: row), into: $0) }
            XCTAssertEqual(floats, try height.read(row: row, as: Float.self))
        }
    }
}

/// zlib and ISA-L inflate the same stored chunks to the same bytes, and both refuse a damaged stream.
final class InflaterTests: XCTestCase {
    func testZlibAndISALDecodeEveryChunkAsTheLibraryReadsIt() throws {
        let path = try LoaderTestData.dataset()
        let shard = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".hdf5") }.sorted().first)
        let file = try HDF5File.open(path + "/" + shard)
        for inflater in HDF5Inflater.allCases {
            // One scratch for all chunks of both sizes: its buffers are reused as chunks alternate.
            let scratch = HDF5ChunkScratch(inflater: inflater)
            for demo in ["demo_0", "demo_1"] {
                let rgb = try file.dataset("data/\(demo)/obs/heightmap_rgb"), height = try file.dataset("data/\(demo)/obs/heightmap_height")
                let rgbDecoder = try XCTUnwrap(rgb.rawChunkDecoder(as: UInt8.self))
                let heightDecoder = try XCTUnwrap(height.rawChunkDecoder(as: Float.self))
                for row in 0..<rgb.shape[0] {
                    var bytes = [UInt8](repeating: 0, count: rgb.rowCount)
                    try rgb.readRawChunk(row: row, into: scratch)
                    try bytes.withUnsafeMutableBytes { try rgbDecoder.decode(scratch, into: $0) }
                    XCTAssertEqual(bytes, try rgb.read(row: row, as: UInt8.self), "\(inflater) \(demo) rgb \(row)")
                    var floats = [Float](repeating: 0, count: height.rowCount)
                    try height.readRawChunk(row: row, into: scratch)
                    try floats.withUnsafeMutableBytes { try heightDecoder.decode(scratch, into: $0) }
                    XCTAssertEqual(floats, try height.read(row: row, as: Float.self), "\(inflater) \(demo) height \(row)")
                }
            }
        }
    }

    func testBothInflatersRefuseADamagedOrShortStream() throws {
        let path = try LoaderTestData.dataset()
        let shard = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".hdf5") }.sorted().first)
        let rgb = try HDF5File.open(path + "/" + shard).dataset("data/demo_0/obs/heightmap_rgb")
        let decoder = try XCTUnwrap(rgb.rawChunkDecoder(as: UInt8.self))
        let expected = try rgb.read(row: 0, as: UInt8.self)
        // The colour pipeline is deflate then Fletcher-32 (filter 1): skip the checksum so the inflater meets the damage.
        var stream = try rgb.readRawChunk(row: 0)
        stream.bytes.removeLast(4)
        stream.filterMask |= 1 << 1
        var flipped = stream
        flipped.bytes[flipped.bytes.count / 2] ^= 0x5a
        var short = stream
        short.bytes.removeLast(short.bytes.count / 3)
        var adler = stream
        adler.bytes[adler.bytes.count - 1] ^= 1
        for inflater in HDF5Inflater.allCases {
            let scratch = HDF5ChunkScratch(inflater: inflater)
            var out = [UInt8](repeating: 0, count: decoder.chunkBytes)
            scratch.load(stream)
            try out.withUnsafeMutableBytes { try decoder.decode(scratch, into: $0) }
            XCTAssertEqual(out, expected, "\(inflater): the stream without its checksum decodes")
            for (name, damaged) in [("flipped", flipped), ("short", short), ("adler-32", adler)] {
                scratch.load(damaged)
                XCTAssertThrowsError(try out.withUnsafeMutableBytes { try decoder.decode(scratch, into: $0) }, "\(inflater) \(name)")
            }
        }
    }
}
