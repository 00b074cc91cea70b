import Foundation
import HDF5
import XCTest
@testable import Dataset

final class BadInputTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws { dir = try TestEpisodes.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    func testTextFileIsNotADataset() throws {
        let path = dir + "/notes.hdf5"
        try "hello".write(toFile: path, atomically: true, encoding: .utf8)
        let text = message { _ = try DatasetReader(path: path) }
        XCTAssertEqual(text, "\(path) is not a cliport dataset: it is not an HDF5 file; make one with `cliport demos`")
    }

    func testEmptyHDF5FileIsNotADataset() throws {
        let path = dir + "/empty.hdf5"
        try HDF5File.create(path).close()
        let text = message { _ = try DatasetReader(path: path) }
        XCTAssertEqual(text, "\(path) is not a cliport dataset: no schema_version attribute; make one with `cliport demos`")
    }

    func testHDF5FileWithoutDataGroupIsNotADataset() throws {
        let path = dir + "/other.hdf5"
        let file = try HDF5File.create(path)
        try file.root().attributes.set("schema_version", 1)
        try file.close()
        XCTAssertEqual(message { _ = try DatasetReader(path: path) },
                       "\(path) is not a cliport dataset: no data group; make one with `cliport demos`")
    }

    func testNewerSchemaIsRefused() throws {
        let path = dir + "/future.hdf5"
        let file = try HDF5File.create(path)
        try file.root().attributes.set("schema_version", 99)
        _ = try file.root().createGroup("data")
        try file.close()
        let text = message { _ = try DatasetReader(path: path) }
        XCTAssertTrue(text.contains("schema_version 99") && text.contains("reads version 1"), text)
    }

    func testMissingPathAndEmptyFolder() throws {
        XCTAssertTrue(message { _ = try DatasetReader(path: dir + "/nope") }.contains("does not exist"))
        XCTAssertEqual(message { _ = try DatasetReader(path: dir) },
                       "\(dir) holds no *.hdf5 dataset shards; make some with `cliport demos --out \(dir)`")
    }

    func testUnwritableFolderNamesPathAndFix() throws {
        // Root may write anywhere, so make the folder impossible instead: its parent is a regular file.
        let blocker = dir + "/file"
        try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
        let text = message { _ = try ShardWriter(directory: blocker + "/out", name: "s", header: TestEpisodes.header()) }
        XCTAssertTrue(text.hasPrefix("cannot write \(blocker)/out: cannot create the folder"), text)
        XCTAssertTrue(text.hasSuffix("; choose a writable output folder, or fix its permissions, then rerun the same command"), text)
    }

    func testHDF5ErrorsNameFileObjectAndOperation() throws {
        let missing = dir + "/missing.h5"
        let text = message { _ = try HDF5File.open(missing) }
        XCTAssertTrue(text.hasPrefix("HDF5: cannot open file \(missing)"), text)
        XCTAssertTrue(text.contains("No such file or directory"), text)
        let path = dir + "/a.h5"
        let file = try HDF5File.create(path)
        let root = try file.root()
        try root.writeDataset("x", [1, 2, 3] as [Int32], shape: [3])
        XCTAssertTrue(message { _ = try root.dataset("y") }.contains("\(path):/ has no such dataset 'y'"))
        XCTAssertTrue(message { try root.dataset("x").write([1, 2] as [Int32]) }.contains("2 values given for shape [3]"))
        XCTAssertTrue(message { _ = try root.createGroup("x") }.hasPrefix("HDF5: cannot create group \(path):/x"))
        XCTAssertTrue(message { _ = try root.dataset("x").readStrings() }.contains("it holds int32, not text"))
    }
}
