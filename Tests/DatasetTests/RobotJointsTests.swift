import Foundation
import HDF5
import XCTest
@testable import Dataset

/// `obs/robot_joints` and `final_obs/robot_joints`: written and read back through HDF5, absent in files
/// that have no joints (and those still read), and checked by `cliport dataset check`.
final class RobotJointsTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try SmallEpisodes.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    static func joints(_ t: Int, seed: Int) -> [Double] {
        [-Double.pi + 0.01 * Double(t), -Double.pi / 2 + 1e-9 * Double(seed), Double.pi / 2, -Double.pi / 2, -Double.pi / 2, 0.123456789012345 * Double(t)]
    }

    static func episode(seed: Int, steps: Int = 2, joints: (Int) -> [Double]? = { t in RobotJointsTests.joints(t, seed: 0) }) -> EpisodeRecord {
        var e = SmallEpisodes.episode(seed: seed, steps: steps)
        for t in e.steps.indices { e.steps[t].observation.robotJoints = joints(t) }
        e.finalObservation.robotJoints = joints(steps)
        return e
    }

    func testJointsRoundTripExactly() throws {
        let episodes = [Self.episode(seed: 0, steps: 3, joints: { Self.joints($0, seed: 0) }),
                        Self.episode(seed: 2, steps: 1, joints: { Self.joints($0, seed: 2) })]
        let writer = try ShardWriter(directory: dir, name: "shard-00000", header: SmallEpisodes.header())
        for e in episodes { try writer.append(e) }
        let path = try writer.finish()
        let demo = try HDF5File.open(path).group("data/demo_0")
        let stored = try demo.dataset("obs/robot_joints")
        XCTAssertEqual(stored.shape, [3, 6])
        XCTAssertEqual(stored.elementType, .scalar(.float64))
        XCTAssertTrue(stored.hasChecksum)
        XCTAssertEqual(try demo.dataset("final_obs/robot_joints").shape, [1, 6])
        let reader = try DatasetReader(path: dir)
        for (i, original) in episodes.enumerated() {
            let back = try reader.episode(i)
            XCTAssertEqual(back.steps.map(\.observation.robotJoints), original.steps.map(\.observation.robotJoints))
            XCTAssertEqual(back.finalObservation.robotJoints, original.finalObservation.robotJoints)
        }
        let report = DatasetChecker.check(dir, deep: true)
        XCTAssertTrue(report.ok, report.text)
    }

    /// Observations without joints (real captures, files from before the array): no array, nil on read, and
    /// `dataset check` accepts them. A missing row in an episode that has the array is stored as NaN.
    func testEpisodesWithoutJointsHaveNoArrayAndStillRead() throws {
        var mixed = Self.episode(seed: 2, steps: 2)
        mixed.steps[1].observation.robotJoints = nil
        let writer = try ShardWriter(directory: dir, name: "shard-00000", header: SmallEpisodes.header())
        try writer.append(SmallEpisodes.episode(seed: 0))
        try writer.append(mixed)
        let path = try writer.finish()
        XCTAssertNil(try HDF5File.open(path).group("data/demo_0/obs").kind(of: "robot_joints"))
        let reader = try DatasetReader(path: dir)
        XCTAssertEqual(try reader.episode(0).steps.map(\.observation.robotJoints), [nil, nil])
        XCTAssertNil(try reader.episode(0).finalObservation.robotJoints)
        let unknown = try XCTUnwrap(try reader.episode(1).steps[1].observation.robotJoints)
        XCTAssertEqual(unknown.count, 6)
        XCTAssertTrue(unknown.allSatisfy(\.isNaN), "an unknown reading is NaN")
        let report = DatasetChecker.check(dir, deep: true)
        XCTAssertTrue(report.ok, report.text)
    }

    func testCheckNamesBadJointArrays() throws {
        let writer = try ShardWriter(directory: dir, name: "shard-00000", header: SmallEpisodes.header())
        try writer.append(SmallEpisodes.episode(seed: 0))
        try writer.append(Self.episode(seed: 2, joints: { t in [0, 0, 9.5, 0, 0, Double(t)] }))
        let path = try writer.finish()
        do {
            let file = try HDF5File.open(path, mode: .readWrite)
            try file.group("data/demo_0/obs").writeDataset("robot_joints", [Double](repeating: 0, count: 10), shape: [2, 5])
            try file.close()
        }
        let report = DatasetChecker.check(dir)
        XCTAssertFalse(report.ok)
        XCTAssertTrue(report.problems.contains { $0.problem.contains("data/demo_0 (seed 0) obs/robot_joints is float64 [2, 5], expected float64 [2, 6]") },
                      report.text)
        XCTAssertTrue(report.problems.contains { $0.problem.contains("has obs/robot_joints but not the other observation group's") },
                      report.text)
        XCTAssertTrue(report.problems.contains { $0.problem.contains("data/demo_1 (seed 2) obs/robot_joints holds 9.5 at value 2") },
                      report.text)
    }
}
