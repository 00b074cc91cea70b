import Dataset
import Foundation
import TestSupport
import XCTest
@testable import Trainer

/// `cliport train` and `cliport eval` run as a user would: what they refuse, and what they leave.
final class TrainCommandTests: XCTestCase {
    func cliport(_ arguments: [String], in folder: String? = nil) throws -> ProgramRun {
        try BuiltProgram.run(arguments, in: folder)
    }

    let folders = TemporaryFolders(prefix: "cliport-trainer")
    var root: String!
    override func setUp() { root = folders.make("command") }
    override func tearDown() { folders.removeAll() }

    /// Numbers out of range, negative ones included, are refused naming the option and its range, before
    /// anything is written; `--steps Int.max` no longer reaches the ETA (which would trap converting it).
    func testOutOfRangeNumbersAreRefusedWithTheOptionAndItsRange() throws {
        let out = root + "/run"
        let train = ["train", "--data", root + "/data-train", "--model", "transporter", "--out", out]
        let refused: [([String], String)] = [
            (train + ["--steps", "9223372036854775807"], "--steps must be between 1 and 1000000000 (got 9223372036854775807)"),
            (train + ["--steps", "0"], "--steps must be between 1 and 1000000000 (got 0)"),
            (train + ["--n-demos", "-5"], "--n-demos must be between 0 and 1000000 (got -5)"),
            (train + ["--batch", "-1"], "--batch must be between 1 and 1024 (got -1)"),
            (train + ["--seed", "-1"], "--seed must be between 0 and 9223372036854775807 (got -1)"),
            (train + ["--rotations", "0"], "--rotations must be between 1 and 360 (got 0)"),
            (train + ["--crop-size", "15"], "--crop-size must be even (got 15)"),
            (train + ["--last-every", "-100"], "--last-every must be between 1 and 1000000000 (got -100)"),
            (train + ["--val-samples", "-2"], "--val-samples must be between 0 and 1000000 (got -2)"),
            (train + ["--width", "-1"], "--width must be in (0, 4.0] (got -1.0)"),
            (train + ["--lr", "-0.5"], "--lr must be in (0, 1.0] (got -0.5)"),
            (train + ["--threads", "0"], "--threads must be between 1 and 1024 (got 0)"),
            (train + ["--save-steps", "0"], "--save-steps must be between 1 and 1000000000 (got 0)"),
            (["eval", "--run", out, "--task", "block-insertion", "--n", "0"], "--n must be between 1 and 100000 (got 0)"),
            (["eval", "--run", out, "--task", "block-insertion", "--n", "-3"], "--n must be between 1 and 100000 (got -3)"),
            (["eval", "--run", out, "--task", "block-insertion", "--n", "2", "--pictures", "3"], "--pictures must be between 0 and 2 (got 3)"),
        ]
        for (arguments, message) in refused {
            let run = try cliport(arguments)
            XCTAssertNotEqual(run.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(run.stderr.contains(message), "\(arguments.joined(separator: " ")): \(run.stderr)")
            XCTAssertFalse(run.stderr.contains("Missing value"), run.stderr)
        }
        // Settings with a fixed set of values name the option and the values.
        for (option, value, choices) in [("--loss", "median", ["mean", "sum"]), ("--model", "resnet", ["transporter", "transporter-lang", "cliport"]),
                                         ("--text-encoder", "bert", ["hashed-ngrams", "clip"])] {
            let model = option == "--model" ? [] : ["--model", "transporter"]
            let run = try cliport(["train", "--data", root + "/data-train", "--out", out] + model + [option, value])
            XCTAssertNotEqual(run.status, 0)
            XCTAssertTrue(run.stderr.contains(option) && run.stderr.contains(value), run.stderr)
            // ArgumentParser quotes a few values on one line and lists many (the 15 agents) one per line.
            for choice in choices {
                XCTAssertTrue(run.stderr.contains("'\(choice)'") || run.stderr.contains("  - \(choice)\n"), "\(choice): \(run.stderr)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// `--clip-batchnorm` lists its values when given another, and is refused for a model that runs no
    /// CLIP trunk (it would do nothing), before anything is written.
    func testCLIPBatchNormOptionNamesItsValuesAndItsModel() throws {
        let out = root + "/run"
        let train = ["train", "--data", root + "/data-train", "--out", out]
        let bad = try cliport(train + ["--model", "cliport", "--clip-batchnorm", "frozen"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--clip-batchnorm") && bad.stderr.contains("frozen"), bad.stderr)
        for choice in ["batch-statistics", "running-statistics"] { XCTAssertTrue(bad.stderr.contains("'\(choice)'"), bad.stderr) }
        let unused = try cliport(train + ["--model", "transporter", "--clip-batchnorm", "running-statistics"])
        XCTAssertNotEqual(unused.status, 0)
        XCTAssertTrue(unused.stderr.contains("--clip-batchnorm sets CLIP's visual trunk, which --model transporter does not run"),
                      unused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// A `train` refused for its data (missing, empty) writes nothing; the same data named by a relative
    /// and by an absolute path is the same setting; another setting is named by its option.
    func testRunFolderIsWrittenOnlyForReadableDataAndPathsNameTheSameData() throws {
        let data = try TrainerFixtures.dataset(in: root)
        let empty = root + "/empty-train"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let options = ["--model", "transporter", "--width", "0.125", "--rotations", "4", "--crop-size", "16", "--val-samples", "0",
                       "--threads", "1", "--lr", "0.001", "--out", "run"]
        for bad in [root + "/nowhere-train", empty] {
            let run = try cliport(["train", "--data", bad, "--steps", "1"] + options, in: root)
            XCTAssertNotEqual(run.status, 0)
            XCTAssertTrue(run.stderr.contains(bad), run.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/run"), "nothing written for \(bad)")
        }

        let relative = (data as NSString).lastPathComponent
        let first = try cliport(["train", "--data", relative, "--steps", "1"] + options, in: root)
        XCTAssertEqual(first.status, 0, first.stderr)
        let second = try cliport(["train", "--data", data + "/", "--steps", "2"] + options, in: root)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("from step 1 to 2"), second.stdout)
        let stored = try TrainingRun(path: root + "/run").loadConfiguration()
        XCTAssertEqual(stored.data, [data])

        let other = try cliport(["train", "--data", relative, "--steps", "2", "--seed", "3"] + options, in: root)
        XCTAssertNotEqual(other.status, 0)
        XCTAssertTrue(other.stderr.contains("--seed 3 where the run has 0"), other.stderr)
        // The run was trained with the default loss, the sum; CLIPort's mean is another setting.
        XCTAssertEqual(stored.lossReduction, .sum)
        let averaged = try cliport(["train", "--data", relative, "--steps", "2", "--loss", "mean", "--no-augment"] + options, in: root)
        XCTAssertTrue(averaged.stderr.contains("--no-augment true where the run has false; --loss mean where the run has sum"), averaged.stderr)
    }
}
