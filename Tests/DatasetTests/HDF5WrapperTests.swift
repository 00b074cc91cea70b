import Foundation
import HDF5
import XCTest

final class HDF5WrapperTests: XCTestCase {
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
