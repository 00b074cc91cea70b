import Dataset
import Foundation
import TestSupport
import XCTest

/// Runs `cliport` as a user would, and checks what it prints and the files it leaves.
final class CLITests: XCTestCase {
    typealias Run = ProgramRun

    static var binary: URL { BuiltProgram.cliport }

    func cliport(_ arguments: String...) throws -> Run { try Self.run(arguments) }

    static func run(_ arguments: [String]) throws -> Run { try BuiltProgram.run(arguments) }

    var folder: String!
    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cliport-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func testDemosThenInfoAndView() throws {
        let demos = try cliport("demos", "--task", "put-block-in-bowl-seen-colors", "--split", "val", "--n", "2", "--out", folder)
        XCTAssertEqual(demos.status, 0, demos.stderr)
        XCTAssertTrue(demos.stdout.contains("wrote 2 episodes"), demos.stdout)
        XCTAssertTrue(demos.stderr.contains("ETA"), "a progress line with rate and ETA: \(demos.stderr)")
        let dataset = folder + "/put-block-in-bowl-seen-colors-val"

        let info = try cliport("dataset", "info", dataset, "--json")
        XCTAssertEqual(info.status, 0, info.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["episodes"] as? Int, 2)
        XCTAssertEqual((json["splits"] as? [String: Int])?["val"], 2)

        let text = try cliport("dataset", "info", dataset)
        XCTAssertTrue(text.stdout.contains("put the "), text.stdout)

        let view = try cliport("dataset", "view", dataset, "--episode", "1", "--out", folder + "/view")
        XCTAssertEqual(view.status, 0, view.stderr)
        let pictures = try FileManager.default.contentsOfDirectory(atPath: folder + "/view")
        XCTAssertTrue(pictures.contains("step00_actions.png"), "\(pictures)")
        XCTAssertTrue(pictures.contains("step00_front_rgb.png"), "\(pictures)")
        XCTAssertTrue(pictures.contains("final_heightmap_height.png"), "\(pictures)")
    }

    /// Issue 20: the library says "output folder"; `dataset view` names the flag its users know, `--out`.
    func testViewIntoAnUnwritableFolderNamesTheOutOption() throws {
        let demos = try cliport("demos", "--task", "put-block-in-bowl-seen-colors", "--split", "val", "--n", "1", "--out", folder)
        XCTAssertEqual(demos.status, 0, demos.stderr)
        let file = folder + "/a-file"
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: file))
        let view = try cliport("dataset", "view", folder + "/put-block-in-bowl-seen-colors-val", "--out", file + "/view")
        XCTAssertNotEqual(view.status, 0)
        XCTAssertTrue(view.stderr.contains("cannot write \(file)/view"), view.stderr)
        XCTAssertTrue(view.stderr.contains("choose a writable folder with --out"), view.stderr)
        XCTAssertFalse(view.stderr.contains("output folder"), view.stderr)
    }

    /// Issue 15: docs/generation.md merges into `datasets/all.hdf5`, beside the dataset folders; that file
    /// made `cliport demos --out datasets` take `datasets` for a dataset folder and refuse every other task.
    func testAMergedFileBesideTheDatasetFoldersIsNotADataset() throws {
        let first = try cliport("demos", "--task", "put-block-in-bowl-seen-colors", "--n", "1", "--out", folder)
        XCTAssertEqual(first.status, 0, first.stderr)
        let merge = try cliport("dataset", "merge", folder + "/put-block-in-bowl-seen-colors-train", "--out", folder + "/all.hdf5")
        XCTAssertEqual(merge.status, 0, merge.stderr)
        let other = try cliport("demos", "--task", "put-block-in-bowl-full", "--n", "1", "--out", folder)
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(other.stdout.contains("wrote 1 episode to \(folder!)/put-block-in-bowl-full-train"), other.stdout)
        let again = try cliport("demos", "--task", "put-block-in-bowl-seen-colors", "--n", "1", "--out", folder)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("the dataset is complete"), again.stdout)
        XCTAssertTrue(DatasetChecker.check(folder + "/all.hdf5").ok, "the merged file still opens")
    }

    /// Issue 15: huge numbers crashed `cliport demos` (overflow in the seed arithmetic) after it had made the
    /// dataset folder, negative ones got "Missing value for '--n'", and `--port 99999` wrapped to 34463. Each
    /// is refused before anything is written, with a usage error naming the option and its range.
    func testNumbersOutOfRangeAreRefusedNamingTheOptionAndItsRange() throws {
        let out = folder + "/datasets"
        let demos = ["demos", "--task", "put-block-in-bowl-seen-colors", "--out", out]
        let cases: [(arguments: [String], message: String)] = [
            (demos + ["--n", "9223372036854775807"], "--n must be between 1 and 1099511627776 (got 9223372036854775807)"),
            (demos + ["--split", "val", "--n", "4611686018427387904"], "--n must be between 1 and 1099511627776"),
            (demos + ["--split", "val", "--n", "5001"], "--n must be between 1 and 5000 for --split val"),
            (demos + ["--n", "1", "--first-episode", "9223372036854775807"], "--first-episode must be between 0 and 1099511627775"),
            (demos + ["--split", "val", "--n", "1", "--first-episode", "5000"], "--first-episode must be below 5000 for --split val"),
            (demos + ["--n", "-5"], "--n must be between 1 and 1099511627776 (got -5)"),
            (demos + ["--n", "2", "--episodes-per-shard", "0"], "--episodes-per-shard must be between 1 and"),
            (demos + ["--n", "2", "--first-episode", "-1"], "--first-episode must be between 0 and"),
            (demos + ["--n", "2", "--workers", "-2"], "--workers must be between 1 and 256"),
            (demos + ["--n", "2", "--shard-index", "3", "--num-shards", "2"], "--shard-index must be between 0 and 1 (got 3)"),
            (["capture", "--source", "sim", "--robot", "sim", "--out", out, "--port", "99999"], "--port must be between 0 and 65535 (got 99999)"),
            (["capture", "--source", "sim", "--robot", "sim", "--out", out, "--port", "-1"], "--port must be between 0 and 65535 (got -1)"),
        ]
        for (arguments, message) in cases {
            let run = try Self.run(arguments)
            let line = arguments.joined(separator: " ")
            XCTAssertEqual(run.status, 64, "\(line): a usage error, not a crash:\n\(run.stderr)")
            XCTAssertTrue(run.stderr.hasPrefix("Error: " + message), "\(line):\n\(run.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(line): nothing is written")
        }
    }

    func testBadInputGetsOneClearMessage() throws {
        let unknown = try cliport("demos", "--task", "stack-blocks", "--n", "1", "--out", folder)
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("unknown task 'stack-blocks'"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("put-block-in-bowl-seen-colors"), unknown.stderr)

        let text = folder + "/notes.txt"
        try "not a dataset".write(toFile: text, atomically: true, encoding: .utf8)
        let info = try cliport("dataset", "info", text)
        XCTAssertNotEqual(info.status, 0)
        XCTAssertTrue(info.stderr.contains("is not a cliport dataset"), info.stderr)

        let missing = try cliport("dataset", "info", folder + "/nowhere")
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("does not exist"), missing.stderr)
    }
}
