import Dataset
import Foundation
import HDF5
import TestSupport
import XCTest

/// `cliport dataset merge | check | split` on a real generated dataset (Dataset/Maintenance).
final class DatasetMaintenanceTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport")
    var folder: String!
    var dataset: String!

    override func setUpWithError() throws {
        folder = folders.path("maintenance")
        dataset = folder + "/put-block-in-bowl-seen-colors-train"
        try copyFolder(try ReferenceDatasets.dataset(n: 5, perShard: 2), to: dataset)
    }

    override func tearDownWithError() throws {
        folders.removeAll()
    }

    func shard(_ u: Int) -> String { dataset + String(format: "/shard-%05d.hdf5", u) }

    /// The merged file holds links, not images; the reader and h5py see the same episodes through it.
    func testMergedFileLinksTheShardsEpisodes() throws {
        let merged = folder + "/all.hdf5"
        let result = try DatasetMerger.merge([dataset], out: merged)
        XCTAssertEqual(result.episodes, 5)
        XCTAssertEqual(result.shards, 3)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: merged)[.size] as? Int)
        XCTAssertLessThan(size, 100_000, "the merged file copies no images")

        let original = try DatasetReader(path: dataset), linked = try DatasetReader(path: merged)
        XCTAssertEqual(linked.seeds, original.seeds)
        for i in original.episodes.indices { XCTAssertTrue(try linked.episode(i) == original.episode(i), "episode \(i)") }
        let train = try HDF5File.open(merged).dataset("mask/train").readStrings()
        XCTAssertEqual(train, (0..<5).map { "demo_\($0)" }, "the shards' masks carry over under the new names")
        XCTAssertTrue(DatasetChecker.check(merged).ok, DatasetChecker.check(merged).text)

        // Relative links: the merged file moves together with its shards.
        let moved = folders.path("moved")
        defer { try? FileManager.default.removeItem(atPath: moved) }
        try FileManager.default.moveItem(atPath: folder, toPath: moved)
        XCTAssertEqual(try DatasetReader(path: moved + "/all.hdf5").seeds, original.seeds)
        try FileManager.default.moveItem(atPath: moved, toPath: folder)

        // h5py follows the links too.
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else { throw XCTSkip("no \(python)") }
        let script = """
        import h5py
        f = h5py.File('\(merged)', 'r')
        d = f['data/demo_3']
        print(len(f['data']), d.attrs['seed'], d['obs/front_rgb'].shape, d['obs/front_rgb'].dtype)
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if errors.contains("No module named 'h5py'") { throw XCTSkip("h5py is missing: apt-get install python3-h5py") }
        XCTAssertEqual(text.trimmingCharacters(in: .whitespacesAndNewlines),
                       "5 \(original.seeds[3]) (\(original.episodes[3].numSteps), 480, 640, 3) uint8", errors)
    }

    func testMergeRefusesDuplicateSeedsAndAnOutputInsideTheFolder() throws {
        XCTAssertThrowsError(try DatasetMerger.merge([dataset, shard(0)], out: folder + "/twice.hdf5")) { error in
            XCTAssertTrue(String(describing: error).contains("duplicate"), "\(error)")
        }
        XCTAssertThrowsError(try DatasetMerger.merge([dataset], out: dataset + "/all.hdf5")) { error in
            XCTAssertTrue(String(describing: error).contains("read as one more shard"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dataset + "/all.hdf5"))
    }

    /// Each kind of damage is reported with the shard's name and what is wrong.
    func testCheckNamesTheShardAndTheProblem() throws {
        XCTAssertTrue(DatasetChecker.check(dataset).ok)

        // A shard copied under another name: every seed in it is duplicated.
        try FileManager.default.copyItem(atPath: shard(1), toPath: dataset + "/shard-00009.hdf5")
        // Damage shard 0: wrong dtype for rewards, and a failed episode.
        do {
            let file = try HDF5File.open(shard(0), mode: .readWrite)
            let demo = try file.group("data/demo_0")
            let rewards = try demo.dataset("rewards").read(as: Double.self)
            try demo.removeMember("rewards")
            try demo.writeDataset("rewards", rewards.map(Float.init), shape: [rewards.count])
            try file.group("data/demo_1").attributes.set("success", 0)
            try file.close()
        }
        // A missing shard and a crash's leftovers.
        try FileManager.default.removeItem(atPath: shard(2))
        FileManager.default.createFile(atPath: dataset + "/shard-00002.hdf5.partial", contents: Data("half".utf8))
        try FileManager.default.createDirectory(atPath: dataset + "/.staging/unit-00002", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dataset + "/.staging/unit-00002/failed.log", contents: Data("4\tincomplete\tx\n".utf8))

        let report = DatasetChecker.check(dataset)
        XCTAssertFalse(report.ok)
        let text = report.text
        func expect(_ file: String, _ fragment: String) {
            XCTAssertTrue(report.problems.contains { $0.file == file && $0.problem.contains(fragment) }, "\(file): \(fragment) in\n\(text)")
        }
        expect("shard-00000.hdf5", "rewards is float32 [")
        expect("shard-00000.hdf5", "expected float64")
        expect("shard-00000.hdf5", "success = 0")
        expect("shard-00009.hdf5", "duplicated")
        expect(dataset, "shard-00002.hdf5")
        expect("shard-00002.hdf5.partial", "rerun the same `cliport demos` command")
        expect(".staging", "unit-00002")
    }

    func testCheckFindsADanglingLinkOfAMergedFile() throws {
        let merged = folder + "/all.hdf5"
        try DatasetMerger.merge([dataset], out: merged)
        try FileManager.default.removeItem(atPath: shard(1))
        let report = DatasetChecker.check(merged)
        XCTAssertTrue(report.problems.contains { $0.file == "all.hdf5" && $0.problem.contains("shard-00001.hdf5") }, report.text)
    }

    /// A seeded draw of the validation episodes, written as masks into every file; the data stays the same.
    func testSplitWritesDisjointMasksReproducibly() throws {
        let before = try DatasetReader(path: dataset).seeds
        let a = try DatasetSplitter.split(dataset, validFraction: 0.4, seed: 7)
        XCTAssertEqual(a.valid, 2)
        XCTAssertEqual(a.train, 3)
        var train: [String] = [], valid: [String] = []
        for u in 0..<3 {
            let file = try HDF5File.open(shard(u))
            let names = try file.group("data").memberNames()
            let t = try file.dataset("mask/train").readStrings(), v = try file.dataset("mask/valid").readStrings()
            XCTAssertEqual(Set(t).union(v), Set(names))
            XCTAssertTrue(Set(t).isDisjoint(with: v))
            train += t; valid += v
        }
        XCTAssertEqual(valid.count, 2)
        XCTAssertEqual(train.count, 3)
        XCTAssertEqual(try DatasetSplitter.split(dataset, validFraction: 0.4, seed: 7).validSeeds, a.validSeeds, "same seed, same split")
        try assertSameDataset(dataset, try ReferenceDatasets.dataset(n: 5, perShard: 2))
        XCTAssertEqual(try DatasetReader(path: dataset).seeds, before)
        XCTAssertTrue(DatasetChecker.check(dataset).ok)

        // A merged file gets its own masks, still of links.
        let merged = folder + "/all.hdf5"
        try DatasetMerger.merge([dataset], out: merged)
        let m = try DatasetSplitter.split(merged, validFraction: 0.2, seed: 1)
        XCTAssertEqual(m.valid, 1)
        let file = try HDF5File.open(merged)
        XCTAssertEqual(try file.dataset("mask/valid").readStrings().count, 1)
        XCTAssertNotNil(try file.group("data").externalLinkTarget("demo_0"), "still a link after the rewrite")
    }
}
