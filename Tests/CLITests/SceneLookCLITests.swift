import Foundation
import XCTest

/// `--look`: recorded in the dataset and its generation plan; a resumed generation with another look is
/// refused with one message naming the fix, and nothing already written is lost.
final class SceneLookCLITests: XCTestCase {
    func testLookIsRecordedAndAResumeWithAnotherLookIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cliport-look-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let request = ["demos", "--task", "put-block-in-bowl-seen-colors", "--n", "2", "--episodes-per-shard", "1",
                       "--workers", "1", "--out", folder]
        // One of the two shards, then stop: a half-made plain dataset.
        let first = try CLITests.run(request + ["--look", "plain", "--num-shards", "2", "--shard-index", "0"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let dataset = folder + "/put-block-in-bowl-seen-colors-train"
        let manifest = try String(contentsOfFile: dataset + "/generation.json", encoding: .utf8)
        XCTAssertTrue(manifest.contains("\"look\" : \"plain\""), manifest)

        let other = try CLITests.run(request)  // the default look, cliport
        XCTAssertNotEqual(other.status, 0)
        XCTAssertTrue(other.stderr.contains("is being generated with --look plain, not --look cliport"), other.stderr)
        XCTAssertTrue(other.stderr.contains("rerun with --look plain"), other.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dataset + "/shard-00000.hdf5"), "the finished shard is kept")

        let resumed = try CLITests.run(request + ["--look", "plain"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let info = try CLITests.run(["dataset", "info", dataset])
        XCTAssertTrue(info.stdout.contains("look         plain"), info.stdout)
        XCTAssertTrue(info.stdout.contains("episodes     2"), info.stdout)

        let bad = try CLITests.run(request + ["--look", "shiny"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("cliport") && bad.stderr.contains("plain"), bad.stderr)
    }
}
