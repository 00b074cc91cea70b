import Foundation
import HDF5
import XCTest
@testable import Dataset

/// `cliport dataset check` on shards written by the real writer: episode order, checksums, values, the
/// regeneration command of a damaged shard, byte-identical files, and the messages of merge and split.
final class DatasetCheckTests: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try SmallEpisodes.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    // MARK: #15 item 2: more than 10 episodes per shard

    func testShardsOf11And101EpisodesAreInSeedOrder() throws {
        for n in [11, 101] {
            let folder = dir + "/one-\(n)"
            let shard = try SmallEpisodes.generatedShard(unit: 0, episodes: n, perShard: n, folder: folder)
            let report = DatasetChecker.check(folder)
            XCTAssertTrue(report.ok, report.text)
            XCTAssertEqual(report.episodes, n)
            XCTAssertEqual(try DatasetReader(path: shard).seeds, (0..<n).map { 2 * $0 }, "episodes listed in demo_N order")
        }
        // Several shards of 11 and of 101.
        for (n, perShard) in [(33, 11), (202, 101)] {
            let folder = dir + "/several-\(n)"
            for u in 0..<(n / perShard) { try SmallEpisodes.generatedShard(unit: u, episodes: n, perShard: perShard, folder: folder) }
            let report = DatasetChecker.check(folder)
            XCTAssertTrue(report.ok, report.text)
            XCTAssertEqual(report.episodes, n)
            XCTAssertEqual(report.shards, n / perShard)
        }
    }

    func testDemoNamesSortByIndex() {
        XCTAssertEqual(DatasetLayout.demoNames(["demo_10", "demo_2", "mask", "demo_0", "demo_1", "demo_01"]),
                       ["demo_0", "demo_1", "demo_2", "demo_10"])
    }

    // MARK: #15 item 9: integrity of every array

    /// The arrays of a written shard all carry a checksum, and a flipped byte in any of them is named.
    func testDeepCheckNamesTheEpisodeAndKeyOfAFlippedByte() throws {
        let keys = ["actions", "action_dict/pick_pose", "rewards", "obs/heightmap_rgb", "final_obs/heightmap_height", "obs/object_poses"]
        for key in keys {
            let folder = dir + "/flip-" + key.replacingOccurrences(of: "/", with: "-")
            let shard = try SmallEpisodes.generatedShard(unit: 0, episodes: 3, perShard: 3, folder: folder)
            XCTAssertTrue(DatasetChecker.check(folder, deep: true).ok)
            let location: (offset: Int, size: Int)
            do {
                let d = try HDF5File.open(shard).dataset("data/demo_1/" + key)
                XCTAssertTrue(d.hasChecksum, key)
                location = try d.chunkLocation(row: 0)
            }
            // The lowest byte of the first value: a change too small for any value check to see.
            try HDF5ChecksumAndTimestampTests.flip(shard, at: location.offset)
            let report = DatasetChecker.check(folder, deep: true)
            XCTAssertFalse(report.ok, key)
            XCTAssertTrue(report.problems.contains { $0.problem.contains("data/demo_1 (seed 2) \(key) fails its checksum") }, report.text)
        }
    }

    func testFilesWithoutChecksumsStillPassAndDeepModeSaysSo() throws {
        var old = ObservationStorage.standard
        old.checksums = false
        let shard = try SmallEpisodes.generatedShard(unit: 0, episodes: 2, perShard: 2, folder: dir, storage: old)
        XCTAssertFalse(try HDF5File.open(shard).dataset("data/demo_0/actions").hasChecksum)
        XCTAssertTrue(DatasetChecker.check(dir).ok)
        let deep = DatasetChecker.check(dir, deep: true)
        XCTAssertTrue(deep.ok, deep.text)
        XCTAssertEqual(deep.notes.map(\.file), ["shard-00000.hdf5"])
        XCTAssertTrue(deep.text.contains("note: shard-00000.hdf5: no checksums"), deep.text)
        XCTAssertTrue(DatasetChecker.check(dir, deep: true).notes.count == 1)
        let fresh = dir + "/fresh"
        try SmallEpisodes.generatedShard(unit: 0, episodes: 2, perShard: 2, folder: fresh)
        XCTAssertTrue(DatasetChecker.check(fresh, deep: true).notes.isEmpty)
    }

    func testValuesOutsideTheContractAreNamed() throws {
        let writer = try ShardWriter(directory: dir, name: "bad", header: SmallEpisodes.header())
        try writer.append(SmallEpisodes.episode(seed: 0, pickHeight: -89.6))
        try writer.append(SmallEpisodes.episode(seed: 2, reward: .nan))
        try writer.finish()
        let report = DatasetChecker.check(dir)
        XCTAssertTrue(report.problems.contains { $0.problem.contains("data/demo_0 (seed 0) action_dict/pick_pose[0] has z = -89.6") }, report.text)
        XCTAssertTrue(report.problems.contains { $0.problem.contains("data/demo_1 (seed 2) rewards[0] is nan; rewards are finite") }, report.text)
    }

    func testPoseContract() {
        let w = SmallEpisodes.workspace
        XCTAssertNil(DemoContract.poseIssue([0.5, 0, 0.35, 0, 0, 0, 1], workspace: w), "0.07 m above the top is within the margin")
        XCTAssertNotNil(DemoContract.poseIssue([0.5, 0, 0.39, 0, 0, 0, 1], workspace: w))
        XCTAssertNotNil(DemoContract.poseIssue([0.5, 0.7, 0.1, 0, 0, 0, 1], workspace: w))
        XCTAssertNotNil(DemoContract.poseIssue([0.5, 0, 0.1, 0, 0, 0.5, 1], workspace: w), "not a unit quaternion")
        XCTAssertNotNil(DemoContract.poseIssue([.nan, 0, 0.1, 0, 0, 0, 1], workspace: w))
    }

    /// A damaged shard: move it aside, then the `cliport demos` command of its plan regenerates exactly it.
    func testDamagedShardGetsItsRegenerationCommand() throws {
        let folder = dir + "/put-block-in-bowl-seen-colors-train"
        for u in 0..<2 { try SmallEpisodes.generatedShard(unit: u, episodes: 4, perShard: 2, folder: folder) }
        let shard = folder + "/shard-00001.hdf5"
        let offset = try HDF5File.open(shard).dataset("data/demo_0/actions").chunkLocation(row: 0).offset
        try HDF5ChecksumAndTimestampTests.flip(shard, at: offset + 5)
        let report = DatasetChecker.check(folder)
        let expected = "is damaged: move it aside (`mv \(shard) \(shard).damaged`), then rerun `cliport demos --task put-block-in-bowl-seen-colors "
            + "--split train --n 4 --episodes-per-shard 2 --out \(folder)`, which regenerates exactly this shard"
        XCTAssertTrue(report.problems.contains(DatasetProblem(file: "shard-00001.hdf5", problem: expected)), report.text)
        XCTAssertFalse(report.problems.contains { $0.file == "shard-00000.hdf5" }, report.text)

        // A shard that no longer opens takes the plan from its neighbours.
        try Data("not hdf5".utf8).write(to: URL(fileURLWithPath: shard))
        XCTAssertTrue(DatasetChecker.check(folder).problems.contains(DatasetProblem(file: "shard-00001.hdf5", problem: expected)),
                      DatasetChecker.check(folder).text)
    }

    // MARK: #15 item 10: byte-identical shards

    func testSameEpisodesGiveByteIdenticalShards() throws {
        let created = try DatasetCreationTime.parse("1700000000")
        let a = try SmallEpisodes.generatedShard(unit: 0, episodes: 3, perShard: 3, folder: dir + "/a", created: created)
        Thread.sleep(forTimeInterval: 1.1)  // HDF5 timestamps (now off) have whole seconds
        let b = try SmallEpisodes.generatedShard(unit: 0, episodes: 3, perShard: 3, folder: dir + "/b", created: created)
        XCTAssertTrue(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
        XCTAssertEqual(try HDF5File.open(a).root().attributes.string("created"), "2023-11-14T22:13:20Z")

        // Assembling copies of those episodes, and merging, are byte-identical too.
        for folder in ["/x", "/y"] { try FileManager.default.createDirectory(atPath: dir + folder, withIntermediateDirectories: true) }
        let sources = [ShardAssembler.Source(file: a, group: "data/demo_0"), ShardAssembler.Source(file: a, group: "data/demo_2")]
        let x = try ShardAssembler.assemble(sources, directory: dir + "/x", name: "s", created: created)
        Thread.sleep(forTimeInterval: 1.1)
        let y = try ShardAssembler.assemble(sources, directory: dir + "/y", name: "s", created: created)
        XCTAssertTrue(try Data(contentsOf: URL(fileURLWithPath: x)) == Data(contentsOf: URL(fileURLWithPath: y)))
    }

    func testCreationTimeComesFromSourceDateEpoch() throws {
        let given = Date(timeIntervalSince1970: 5)
        XCTAssertEqual(try DatasetCreationTime.resolve(given, environment: ["SOURCE_DATE_EPOCH": "1700000000"]), given)
        XCTAssertEqual(try DatasetCreationTime.resolve(environment: ["SOURCE_DATE_EPOCH": "1700000000"]),
                       Date(timeIntervalSince1970: 1_700_000_000))
        XCTAssertEqual(try DatasetCreationTime.parse("2024-01-31T12:00:00Z"), Date(timeIntervalSince1970: 1_706_702_400))
        XCTAssertEqual(message { _ = try DatasetCreationTime.resolve(environment: ["SOURCE_DATE_EPOCH": "yesterday"]) },
                       "SOURCE_DATE_EPOCH is 'yesterday'; it must be whole seconds since 1970-01-01 UTC (e.g. 1700000000) or an "
                       + "ISO 8601 UTC time (e.g. 2024-01-31T12:00:00Z)")
    }

    // MARK: #15 item 11: messages that name the problem

    func testMergingTwoTasksSaysTheyAreDifferentTasks() throws {
        let seen = try SmallEpisodes.generatedShard(unit: 0, episodes: 2, perShard: 2, folder: dir + "/seen")
        let unseen = try SmallEpisodes.generatedShard(unit: 0, episodes: 2, perShard: 2, folder: dir + "/unseen",
                                                      task: "put-block-in-bowl-unseen-colors")
        let text = message { try DatasetMerger.merge([dir + "/seen", dir + "/unseen"], out: dir + "/all.hdf5") }
        XCTAssertEqual(text, "\(unseen) holds task put-block-in-bowl-unseen-colors, but \(seen) holds task put-block-in-bowl-seen-colors: "
                       + "they are different tasks; merge the datasets of one task at a time (one `cliport dataset merge` per task)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/all.hdf5"))
    }

    func testSplitFractionOutsideItsRangeSaysTheRange() throws {
        try SmallEpisodes.generatedShard(unit: 0, episodes: 2, perShard: 2, folder: dir)
        for bad in [2.0, -0.1, .nan] {
            XCTAssertEqual(message { _ = try DatasetSplitter.split(dir, validFraction: bad) },
                           "the validation fraction is \(bad); it must be from 0 to 1 (0 <= f <= 1; e.g. 0.1 puts a tenth of the "
                           + "episodes in mask/valid)")
        }
    }

    // MARK: #20 item 1: the library names the output folder as a setting; callers may name their flag

    func testWriteFixNamesTheOutputFolderAsTheCallerCallsIt() {
        let error = DatasetError.cannotWrite(path: "/x", reason: "the disk is full", fix: .freeSpace)
        XCTAssertEqual("\(error)", "cannot write /x: the disk is full; free space or write to another output folder, then rerun the "
                       + "same command; finished shards are intact")
        XCTAssertEqual("\(error.namingOutput("folder with --out"))", "cannot write /x: the disk is full; free space or write to another "
                       + "folder with --out, then rerun the same command; finished shards are intact")
    }
}
