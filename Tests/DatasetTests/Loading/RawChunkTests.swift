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
