import Foundation
import HDF5
import XCTest

final class HDF5WrapperTests: XCTestCase {
    /// Rows of chunked, deflated datasets are encoded outside libhdf5 (shuffle, ISA-L deflate, Fletcher-32) and
    /// written as stored chunks; libhdf5 reads them back exactly, verifying every checksum, with no filter skipped.
    func testEncodedChunksReadBackThroughLibhdf5() throws {
        let dir = try TestEpisodes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/chunks.h5"
        var state: UInt32 = 12345
        func next() -> UInt32 { state = state &* 1_664_525 &+ 1_013_904_223; return state >> 16 }
        // Image-like content: flat areas, gradients and noise.
        var rgb: [[UInt8]] = [], depth: [[UInt16]] = [], height: [[Float]] = []
        for r in 0..<3 {
            var row: [UInt8] = []
            for i in 0..<(48 * 64 * 3) {
                let value: Int = i < 4000 ? 47 : i / 97 + r * 31 + Int(next() % 3)
                row.append(UInt8(truncatingIfNeeded: value))
            }
            rgb.append(row)
        }
        for r in 0..<2 {
            var row: [UInt16] = []
            for i in 0..<(48 * 64) {
                let value: Int = 5000 + i / 7 + r + Int(next() % 5)
                row.append(UInt16(truncatingIfNeeded: value))
            }
            depth.append(row)
        }
        for r in 0..<2 {
            var row: [Float] = []
            for i in 0..<(30 * 17) {
                let step: Float = i % 5 == 0 ? 0.5 : 0
                row.append(Float(i % 17) * 0.001 + Float(r) + step)
            }
            height.append(row)
        }
        do {
            let file = try HDF5File.create(path)
            let g = try file.root()
            let a = try g.createDataset("rgb", of: UInt8.self, shape: [3, 48, 64, 3],
                                        storage: HDF5Storage(chunk: [1, 48, 64, 3], filters: [.deflate(level: 2), .fletcher32]))
            let b = try g.createDataset("depth", of: UInt16.self, shape: [2, 48, 64],
                                        storage: HDF5Storage(chunk: [1, 48, 64], filters: [.shuffle, .deflate(level: 1), .fletcher32]))
            let c = try g.createDataset("height", of: Float.self, shape: [2, 30, 17],
                                        storage: HDF5Storage(chunk: [1, 30, 17], filters: [.shuffle, .deflate(level: 4), .fletcher32]))
            for (r, row) in rgb.enumerated() { try a.write(row: r, row) }
            for (r, row) in depth.enumerated() { try b.write(row: r, row) }
            for (r, row) in height.enumerated() { try c.write(row: r, row) }
            try file.close()
        }
        let file = try HDF5File.open(path)
        let a = try file.dataset("rgb"), b = try file.dataset("depth"), c = try file.dataset("height")
        for (r, row) in rgb.enumerated() {
            XCTAssertEqual(try a.read(row: r, as: UInt8.self), row)
            let raw = try a.readRawChunk(row: r)
            XCTAssertEqual(raw.filterMask, 0)
            XCTAssertLessThan(raw.bytes.count, row.count / 2, "compressed")
        }
        for (r, row) in depth.enumerated() { XCTAssertEqual(try b.read(row: r, as: UInt16.self), row) }
        for (r, row) in height.enumerated() { XCTAssertEqual(try c.read(row: r, as: Float.self), row) }
        XCTAssertTrue(a.hasChecksum && b.hasChecksum && c.hasChecksum)
    }

    func testAttributesDatasetsRowsAndStrings() throws {
        let dir = try TestEpisodes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/w.h5"
        do {
            let file = try HDF5File.create(path)
            let g = try file.root().createGroup("a/b")
            try g.attributes.set("count", 42)
            try g.attributes.set("count", 43)  // replacing is allowed
            try g.attributes.set("ratio", 0.25)
            try g.attributes.set("name", "héllo")
            try g.attributes.set("sizes", [1, 2, 3])
            try g.attributes.set("weights", [0.5, 1.5])
            try g.attributes.set("words", ["a", "bb", ""])
            try g.attributes.set("none", [String]())
            let values = (0..<24).map { Float($0) * 0.5 }
            try g.writeDataset("f", values, shape: [4, 3, 2],
                               storage: HDF5Storage(chunk: [1, 3, 2], filters: [.shuffle, .deflate(level: 4)]))
            try g.writeDataset("u16", (0..<6).map { UInt16($0 * 1000) }, shape: [2, 3],
                               storage: HDF5Storage(chunk: [1, 3], filters: [.deflate(level: 1)]))
            let d = try g.createDataset("rows", of: UInt8.self, shape: [3, 2])
            for r in 0..<3 { try d.write(row: r, [UInt8(r), UInt8(r + 10)]) }
            try g.writeStrings("text", ["one", "twö", ""])
            try g.writeStrings("empty", [])
            try file.close()
        }
        let file = try HDF5File.open(path)
        let g = try file.group("/a/b")
        XCTAssertEqual(try g.attributes.int("count"), 43)
        XCTAssertEqual(try g.attributes.double("ratio"), 0.25)
        XCTAssertEqual(try g.attributes.string("name"), "héllo")
        XCTAssertEqual(try g.attributes.ints("sizes"), [1, 2, 3])
        XCTAssertEqual(try g.attributes.doubles("weights"), [0.5, 1.5])
        XCTAssertEqual(try g.attributes.strings("words"), ["a", "bb", ""])
        XCTAssertEqual(try g.attributes.strings("none"), [])
        XCTAssertEqual(try g.attributes.value("sizes"), .ints([1, 2, 3]))
        XCTAssertEqual(try g.attributes.value("name"), .string("héllo"))
        XCTAssertEqual(try g.attributes.names(), ["count", "name", "none", "ratio", "sizes", "weights", "words"])
        XCTAssertEqual(try g.memberNames(), ["empty", "f", "rows", "text", "u16"])
        XCTAssertEqual(try file.root().kind(of: "a"), .group)
        XCTAssertEqual(try file.root().kind(of: "a/b/f"), .dataset)
        XCTAssertNil(try file.root().kind(of: "a/zz"))
        let f = try g.dataset("f")
        XCTAssertEqual(f.shape, [4, 3, 2])
        XCTAssertEqual(f.elementType, .scalar(.float32))
        XCTAssertEqual(f.chunkShape(), [1, 3, 2])
        XCTAssertEqual(f.filterNames().count, 2)
        XCTAssertEqual(try f.read(as: Float.self), (0..<24).map { Float($0) * 0.5 })
        XCTAssertEqual(try f.read(row: 2, as: Float.self), (12..<18).map { Float($0) * 0.5 })
        XCTAssertEqual(try f.read(row: 1, as: Double.self), (6..<12).map { Double($0) * 0.5 }, "reads convert types")
        XCTAssertEqual(try g.dataset("u16").read(as: UInt16.self), [0, 1000, 2000, 3000, 4000, 5000])
        XCTAssertEqual(try g.dataset("rows").read(as: UInt8.self), [0, 10, 1, 11, 2, 12])
        XCTAssertEqual(try g.dataset("text").readStrings(), ["one", "twö", ""])
        XCTAssertEqual(try g.dataset("text").elementType, .string(variableLength: true))
        XCTAssertEqual(try g.dataset("empty").readStrings(), [])
        XCTAssertThrowsError(try f.read(row: 4, as: Float.self))
    }
}
