import Foundation
import HDF5
import XCTest

/// The wrapper's Fletcher-32 support (libhdf5 writes the checksum, `HDF5ChunkDecoder` verifies it as libhdf5
/// does) and its untimed objects (the same content gives the same bytes).
final class HDF5ChecksumAndTimestampTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try TestEpisodes.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// Flips the bits of one byte of a file.
    static func flip(_ path: String, at offset: Int) throws {
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        let byte = try XCTUnwrap(handle.readData(ofLength: 1).first)
        try handle.seek(toOffset: UInt64(offset))
        handle.write(Data([~byte]))
    }

    func testRawChunkDecoderVerifiesLibHDF5sFletcher32() throws {
        let path = dir + "/c.h5"
        // Odd chunk lengths (15 bytes) exercise the checksum's last half word; float rows go through shuffle and deflate.
        let bytes = (0..<45).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
        let floats = (0..<600).map { Float($0 % 17) * 0.25 - 1 }
        do {
            let file = try HDF5File.create(path)
            let root = try file.root()
            try root.writeDataset("odd", bytes, shape: [3, 15], storage: HDF5Storage(chunk: [1, 15], filters: [.fletcher32]))
            try root.writeDataset("f", floats, shape: [3, 200],
                                  storage: HDF5Storage(chunk: [1, 200], filters: [.shuffle, .deflate(level: 4), .fletcher32]))
            try file.close()
        }
        var offsets: [Int] = []
        do {
            let file = try HDF5File.open(path)
            for (name, count) in [("odd", 15), ("f", 200)] {
                let d = try file.dataset(name)
                XCTAssertTrue(d.hasChecksum)
                let decoder = try XCTUnwrap(name == "odd" ? d.rawChunkDecoder(as: UInt8.self) : d.rawChunkDecoder(as: Float.self),
                                            "Fletcher-32 chunks decode outside libhdf5")
                for row in 0..<3 {
                    var out = [UInt8](repeating: 0, count: decoder.chunkBytes)
                    try out.withUnsafeMutableBytes { try decoder.decode(try d.readRawChunk(row: row), into: $0) }
                    if name == "odd" {
                        XCTAssertEqual(out, Array(bytes[(15 * row)..<(15 * row + 15)]))
                    } else {
                        XCTAssertEqual(out.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }, Array(floats[(200 * row)..<(200 * row + 200)]))
                    }
                }
                let location = try d.chunkLocation(row: 1)
                offsets.append(location.offset + min(3, location.size - 5) + (count > 100 ? 7 : 0))
            }
        }
        for offset in offsets { try Self.flip(path, at: offset) }
        let file = try HDF5File.open(path)
        for name in ["odd", "f"] {
            let d = try file.dataset(name)
            XCTAssertNoThrow(try d.read(row: 0, as: Float.self), "other chunks stay readable")
            XCTAssertThrowsError(try d.read(row: 1, as: Float.self), "libhdf5 refuses the flipped chunk") { error in
                XCTAssertTrue("\(error)".contains("Fletcher32"), "\(error)")
            }
            let decoder = try XCTUnwrap(name == "odd" ? d.rawChunkDecoder(as: UInt8.self) : d.rawChunkDecoder(as: Float.self))
            var out = [UInt8](repeating: 0, count: decoder.chunkBytes)
            XCTAssertThrowsError(try out.withUnsafeMutableBytes { try decoder.decode(try d.readRawChunk(row: 1), into: $0) }) { error in
                XCTAssertTrue("\(error)".contains("Fletcher32"), "\(error)")
            }
        }
        XCTAssertFalse(try HDF5File.open(path).dataset("odd").chunkLocation(row: 0).size == 0)
    }

    func testSameContentGivesTheSameBytesAtAnotherTime() throws {
        func write(_ path: String) throws {
            let file = try HDF5File.create(path)
            let root = try file.root()
            try root.attributes.set("name", "x")
            let g = try root.createGroup("data/demo_0")
            try g.writeDataset("a/b", [1, 2, 3] as [Int32], shape: [3], storage: HDF5Storage(chunk: [3], filters: [.fletcher32]))
            try g.writeStrings("s", ["one", "two"])
            try root.createGroup("copy").attributes.set("k", 1)
            try root.copyMember("data/demo_0", to: try root.group("copy"), as: "x/demo")
            try root.createExternalLink("links/l", file: "other.h5", object: "/data")
            try file.close()
        }
        try write(dir + "/a.h5")
        Thread.sleep(forTimeInterval: 1.1)  // HDF5's timestamps have whole seconds
        try write(dir + "/b.h5")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.h5")), b = try Data(contentsOf: URL(fileURLWithPath: dir + "/b.h5"))
        XCTAssertEqual(a.count, b.count)
        XCTAssertTrue(a == b, "\(zip(a, b).filter { $0 != $1 }.count) bytes differ")
    }
}
