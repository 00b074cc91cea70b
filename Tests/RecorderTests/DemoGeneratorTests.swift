import Dataset
import Foundation
import Recorder
import Sim
import XCTest

final class DemoGeneratorTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cliport-demos-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func generator(_ task: String = "put-block-in-bowl-seen-colors", split: Split = .train, n: Int, perShard: Int = 100) -> DemoGenerator {
        var g = DemoGenerator(options: .init(task: task, split: split, count: n, out: folder, episodesPerShard: perShard))
        g.showProgress = false
        return g
    }

    func testWritesSuccessfulEpisodesWithCLIPortSeedsAndResumes() throws {
        let report = try generator(n: 3, perShard: 2).run()
        XCTAssertEqual(report.saved, 3)
        XCTAssertEqual(report.dataset, folder + "/put-block-in-bowl-seen-colors-train")
        XCTAssertEqual(report.shardsWritten.map { ($0 as NSString).lastPathComponent }, ["shard-00000.hdf5", "shard-00001.hdf5"])
        let reader = try DatasetReader(path: report.dataset)
        XCTAssertEqual(reader.episodes.count, 3)
        XCTAssertTrue(reader.episodes.allSatisfy(\.success))
        XCTAssertTrue(reader.seeds.allSatisfy { $0 % 2 == 0 }, "train seeds are even: \(reader.seeds)")
        XCTAssertEqual(reader.seeds, reader.seeds.sorted())
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: report.dataset).contains { $0.hasSuffix(".partial") })

        // Asking for 4 continues after the last seed instead of starting over.
        let more = try generator(n: 4, perShard: 2).run()
        XCTAssertEqual(more.alreadyThere, 3)
        XCTAssertEqual(more.saved, 1)
        let after = try DatasetReader(path: report.dataset)
        XCTAssertEqual(after.episodes.count, 4)
        XCTAssertEqual(Set(after.seeds).count, 4, "no duplicate seeds: \(after.seeds)")
        XCTAssertGreaterThan(after.seeds.last!, reader.seeds.last!)
    }

    func testTestSplitUsesCLIPortTestSeeds() throws {
        let report = try generator(split: .test, n: 1).run()
        let reader = try DatasetReader(path: report.dataset)
        XCTAssertEqual(reader.episodes.first?.seed, 10_001 + 2 * (report.attempted - 1))
        XCTAssertEqual(reader.episodes.first?.split, "test")
    }

    func testUnknownTaskListsTheKnownOnes() {
        XCTAssertThrowsError(try generator("put-block-in-a-bowl", n: 1).run()) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("put-block-in-a-bowl"), message)
            XCTAssertTrue(message.contains("put-block-in-bowl-seen-colors"), message)
        }
    }

    func testFolderHoldingAnotherTasksDataIsRefused() throws {
        let report = try generator(n: 1).run()
        // Pointing --out at the train dataset while asking for the unseen-colors task must not mix them.
        var other = DemoGenerator(options: .init(task: "put-block-in-bowl-unseen-colors", split: .train, count: 1, out: report.dataset))
        other.showProgress = false
        XCTAssertThrowsError(try other.run()) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("already holds put-block-in-bowl-seen-colors (train) data"), message)
            XCTAssertTrue(message.contains("--out"), message)
        }
        XCTAssertEqual(try DatasetReader(path: report.dataset).episodes.count, 1, "nothing already written is lost")
    }

    func testFailuresAreCountedWithReasonsNotSaved() throws {
        // max attempts below the request: the run stops and says what it did.
        var g = DemoGenerator(options: .init(task: "put-block-in-bowl-seen-colors", split: .train, count: 5, out: folder, maxAttempts: 2))
        g.showProgress = false
        let report = try g.run()
        XCTAssertEqual(report.attempted, 2)
        XCTAssertEqual(report.saved + report.failures.values.reduce(0, +), 2)
    }
}
