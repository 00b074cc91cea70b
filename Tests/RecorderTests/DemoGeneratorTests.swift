import Core
import Dataset
import Foundation
import Recorder
import Sim
import XCTest

final class DemoGeneratorTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = temporaryFolder("demos")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func generator(_ task: String = ReferenceDatasets.task, split: Split = .train, n: Int, perShard: Int = 100,
                   out: String? = nil, maxAttempts: Int? = nil) -> DemoGenerator {
        var g = DemoGenerator(options: .init(task: task, split: split, count: n, out: out ?? folder, episodesPerShard: perShard,
                                             maxAttempts: maxAttempts))
        g.showProgress = false
        return g
    }

    /// 5 episodes in shards of 2: units 0, 1, 2 hold 2, 2 and 1 successful episodes, unit u drawing seeds
    /// 2 x (u + 3k); every seed tried is stored or recorded as failed, and the checker agrees.
    func testUnitsHoldTheirShareOfInterleavedSeeds() throws {
        let dataset = try ReferenceDatasets.dataset(n: 5, perShard: 2)
        let plan = GenerationPlan(task: ReferenceDatasets.task, split: .train, episodes: 5, episodesPerShard: 2)
        let reader = try DatasetReader(path: dataset)
        XCTAssertEqual(reader.shards.map { ($0 as NSString).lastPathComponent }, ["shard-00000.hdf5", "shard-00001.hdf5", "shard-00002.hdf5"])
        XCTAssertEqual(reader.episodes.count, 5)
        XCTAssertTrue(reader.episodes.allSatisfy(\.success))
        var tried: [Int] = []
        for (u, shard) in reader.shards.enumerated() {
            let record = try XCTUnwrap(try ShardGenerationRecord.read(shard: shard))
            XCTAssertEqual(record.unit, u)
            XCTAssertEqual(record.units, 3)
            let seeds = reader.episodes.filter { $0.shard == shard }.map(\.seed)
            XCTAssertEqual(seeds.count, plan.target(unit: u))
            XCTAssertEqual(record.seedsTried, (0..<record.seedsTried.count).map { plan.seed(unit: u, attempt: $0) })
            XCTAssertEqual(Set(seeds).union(record.seedsFailed), Set(record.seedsTried))
            XCTAssertEqual(seeds, seeds.sorted())
            tried += record.seedsTried
        }
        // Units 0 and 1 need two successes each (seeds 0, 6, ... and 2, 8, ...), unit 2 one (4, 10, ...):
        // together the seeds start without holes, as CLIPort's 0, 2, 4, ...
        XCTAssertEqual(Array(tried.sorted().prefix(5)), [0, 2, 4, 6, 8])
        let check = DatasetChecker.check(dataset)
        XCTAssertTrue(check.ok, check.text)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dataset + "/.staging"), "staging is removed when the dataset is complete")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dataset + "/generation.json"))
    }

    /// The plan decides the seeds of every shard, so a folder refuses another --n and says how to grow.
    func testAnotherPlanInTheSameFolderIsRefusedWithTheWayToGrow() throws {
        let reference = try ReferenceDatasets.dataset(n: 5, perShard: 2)
        let copy = folder + "/copy"
        try copyFolder(reference, to: copy)
        XCTAssertThrowsError(try generator(n: 6, perShard: 2, out: copy).run()) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("--n 5 --episodes-per-shard 2"), message)
            XCTAssertTrue(message.contains("--first-episode"), message)
            XCTAssertTrue(message.contains("cliport dataset merge"), message)
        }
        try assertSameDataset(copy, reference)
    }

    func testTestSplitUsesCLIPortTestSeeds() throws {
        let report = try generator(split: .test, n: 1).run()
        let reader = try DatasetReader(path: report.dataset)
        XCTAssertEqual(reader.episodes.first?.seed, 10_001 + 2 * (report.attempted - 1))
        XCTAssertEqual(reader.episodes.first?.split, Split.test.rawValue)
    }

    func testUnknownTaskListsTheKnownOnes() {
        XCTAssertThrowsError(try generator("put-block-in-a-bowl", n: 1).run()) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("put-block-in-a-bowl"), message)
            XCTAssertTrue(message.contains("put-block-in-bowl-seen-colors"), message)
        }
    }

    func testFolderHoldingAnotherTasksDataIsRefused() throws {
        let reference = try ReferenceDatasets.dataset(n: 5, perShard: 2)
        // Pointing --out at the train dataset while asking for the unseen-colors task must not mix them.
        var other = DemoGenerator(options: .init(task: "put-block-in-bowl-unseen-colors", split: .train, count: 1, out: reference))
        other.showProgress = false
        XCTAssertThrowsError(try other.run()) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("already holds put-block-in-bowl-seen-colors (train) data"), message)
            XCTAssertTrue(message.contains("--out"), message)
        }
        XCTAssertEqual(try DatasetReader(path: reference).episodes.count, 5, "nothing already written is lost")
    }

    func testFailuresAreCountedWithReasonsNotSaved() throws {
        let report = try generator(n: 5, maxAttempts: 2).run()
        XCTAssertEqual(report.attempted, 2)
        XCTAssertEqual(report.saved + report.failures.values.reduce(0, +), 2)
    }
}
