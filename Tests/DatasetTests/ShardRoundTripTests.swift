import Foundation
import Geometry
import XCTest
@testable import Dataset

final class ShardRoundTripTests: XCTestCase {
    func assertSame(_ a: ObservationRecord, _ b: ObservationRecord, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.frames.count, b.frames.count, file: file, line: line)
        for (x, y) in zip(a.frames, b.frames) {
            XCTAssertEqual(x.width, y.width, file: file, line: line)
            XCTAssertEqual(x.height, y.height, file: file, line: line)
            XCTAssertTrue(x.color == y.color, "colour must be byte-equal", file: file, line: line)
            let err = zip(x.depth, y.depth).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(err, 0.00005 + 1e-6, "depth within 0.05 mm", file: file, line: line)
            XCTAssertEqual(zip(x.depth, y.depth).filter { ($0 == 0) != ($1 == 0) }.count, 0, "no-depth pixels stay 0",
                           file: file, line: line)
        }
        XCTAssertTrue(a.heightmap.color == b.heightmap.color, file: file, line: line)
        let hErr = zip(a.heightmap.height, b.heightmap.height).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(hErr, 0.00005 + 1e-6, file: file, line: line)
        XCTAssertEqual(a.objectPoses.count, b.objectPoses.count, file: file, line: line)
        for (p, q) in zip(a.objectPoses, b.objectPoses) {
            for (u, v) in zip(p.components, q.components) { XCTAssertEqual(u, v, accuracy: 1e-6, file: file, line: line) }
        }
    }

    func testShardRoundTripAndAtomicRename() throws {
        let dir = try TestEpisodes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let episodes = [TestEpisodes.episode(seed: 0, steps: 2), TestEpisodes.episode(seed: 2, steps: 1, objects: 3),
                        TestEpisodes.episode(seed: 4, steps: 3, objects: 0)]
        let writer = try ShardWriter(directory: dir, name: "shard-000", header: TestEpisodes.header())
        for e in episodes { try writer.append(e) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/shard-000.hdf5.partial"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/shard-000.hdf5"), "no .hdf5 before finish")
        XCTAssertThrowsError(try DatasetReader(path: dir), "a folder with only a partial shard has no dataset yet")
        let path = try writer.finish()
        XCTAssertEqual(path, dir + "/shard-000.hdf5")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/shard-000.hdf5.partial"), "no .partial after finish")

        let reader = try DatasetReader(path: dir)
        XCTAssertEqual(reader.episodes.map(\.demo), ["demo_0", "demo_1", "demo_2"])
        XCTAssertEqual(reader.episodes.map(\.seed), [0, 2, 4])
        XCTAssertEqual(reader.episodes.map(\.numSteps), [2, 1, 3])
        XCTAssertEqual(reader.headers, [TestEpisodes.header()])
        for (i, original) in episodes.enumerated() {
            let back = try reader.episode(i)
            XCTAssertEqual(back.metadata, original.metadata)
            XCTAssertEqual(back.steps.count, original.steps.count)
            for (s, o) in zip(back.steps, original.steps) {
                assertSame(s.observation, o.observation)
                XCTAssertEqual(s.instruction, o.instruction)
                XCTAssertEqual(s.reward, o.reward)
                XCTAssertEqual(s.done, o.done)
                XCTAssertEqual(s.action.pickPixel, o.action.pickPixel)
                XCTAssertEqual(s.action.placePixel, o.action.placePixel)
                XCTAssertEqual(s.action.rotationBin, o.action.rotationBin)
                for (u, v) in zip(s.action.pickPose.components + s.action.placePose.components,
                                  o.action.pickPose.components + o.action.placePose.components) {
                    XCTAssertEqual(u, v, accuracy: 1e-6)
                }
            }
            assertSame(back.finalObservation, original.finalObservation)
        }
        // One step alone equals the same step of the whole episode.
        let step = try reader.step(1, ofEpisode: 2)
        XCTAssertEqual(step, try reader.episode(2).steps[1])
        XCTAssertThrowsError(try reader.step(3, ofEpisode: 2))
        XCTAssertThrowsError(try reader.episode(3))
    }

    func testAbandonLeavesNothing() throws {
        let dir = try TestEpisodes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try ShardWriter(directory: dir, name: "shard-001", header: TestEpisodes.header())
        try writer.append(TestEpisodes.episode(seed: 6, steps: 1))
        writer.abandon()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
        XCTAssertThrowsError(try writer.append(TestEpisodes.episode(seed: 8, steps: 1)))
    }

    func testFinishedShardIsNeverOverwritten() throws {
        let dir = try TestEpisodes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try ShardWriter(directory: dir, name: "s", header: TestEpisodes.header())
        try writer.append(TestEpisodes.episode(seed: 0, steps: 1))
        try writer.finish()
        XCTAssertThrowsError(try ShardWriter(directory: dir, name: "s", header: TestEpisodes.header())) { error in
            XCTAssertTrue("\(error)".contains("already exists"), "\(error)")
        }
    }

    func testInconsistentEpisodeIsRefused() throws {
        let dir = try TestEpisodes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try ShardWriter(directory: dir, name: "s", header: TestEpisodes.header())
        defer { writer.abandon() }
        var e = TestEpisodes.episode(seed: 0, steps: 1)
        e.metadata.objectNames.append("extra")
        XCTAssertThrowsError(try writer.append(e)) { error in
            XCTAssertTrue("\(error)".contains("object names"), "\(error)")
        }
    }
}
