import Dataset
import Foundation
import TestSupport
import XCTest
@testable import Trainer

/// What a run folder holds when things go wrong: a damaged last.hdf5, data that cannot be read, files
/// written by earlier versions.
final class RunFolderTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-trainer")
    override func tearDown() { folders.removeAll() }

    /// A truncated last.hdf5 is refused with a message naming it and the newest save-step checkpoint that
    /// reads whole (a truncated newer one is passed over); resuming from that one works.
    func testTruncatedLastCheckpointNamesTheNewestValidOne() throws {
        let root = folders.make("truncated")
        let data = try TrainerFixtures.dataset(in: root)
        var configuration = TrainerFixtures.configuration(data: data, steps: 3)
        configuration.validationSamples = 0
        let run = TrainingRun(path: root + "/run")
        try TrainerFixtures.train(configuration, in: run)
        XCTAssertEqual(run.savedCheckpoints().map(\.step), [2, 3])
        for path in [run.lastCheckpoint, run.checkpoint(step: 3)] {
            let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            XCTAssertEqual(truncate(path, off_t(size / 2)), 0)
        }
        XCTAssertThrowsError(try Trainer(configuration: configuration, run: run)) { error in
            guard case let .damagedCheckpoint(path, _, newestValid)? = error as? TrainerError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, run.lastCheckpoint)
            XCTAssertEqual(newestValid, run.checkpoint(step: 2))
            XCTAssertTrue("\(error)".contains("\(run.lastCheckpoint) cannot be read"), "\(error)")
            XCTAssertTrue("\(error)".contains("cp \(run.checkpoint(step: 2)) \(run.lastCheckpoint)"), "\(error)")
        }
        try FileManager.default.removeItem(atPath: run.lastCheckpoint)
        try FileManager.default.copyItem(atPath: run.checkpoint(step: 2), toPath: run.lastCheckpoint)
        XCTAssertEqual(try Trainer(configuration: configuration, run: run).startStep, 2)

        // Nothing valid left: the message says how to start again.
        for path in [run.lastCheckpoint, run.checkpoint(step: 2)] { XCTAssertEqual(truncate(path, 1000), 0) }
        XCTAssertThrowsError(try Trainer(configuration: configuration, run: run)) { error in
            guard case let .damagedCheckpoint(_, _, newestValid)? = error as? TrainerError else { return XCTFail("\(error)") }
            XCTAssertNil(newestValid)
            XCTAssertTrue("\(error)".contains("move \(run.lastCheckpoint) aside"), "\(error)")
        }
    }

    /// Data that cannot be read (missing, a folder without shards, fewer episodes than asked for) and
    /// validation folders that cannot be read are refused before the run folder is made.
    func testRefusedDataLeavesNoRunFolder() throws {
        let root = folders.make("refused")
        let data = try TrainerFixtures.dataset(in: root)
        let empty = root + "/empty-train"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        var tooMany = TrainerFixtures.configuration(data: data, steps: 1)
        tooMany.nDemos = 7
        var badValidation = TrainerFixtures.configuration(data: data, steps: 1)
        badValidation.validationData = [root + "/nowhere-val"]
        let cases: [(TrainingConfiguration, String)] = [
            (TrainerFixtures.configuration(data: root + "/nowhere", steps: 1), root + "/nowhere"),
            (TrainerFixtures.configuration(data: empty, steps: 1), empty),
            (tooMany, "7 were requested"),
            (badValidation, root + "/nowhere-val"),
        ]
        for (configuration, named) in cases {
            let run = TrainingRun(path: root + "/run")
            XCTAssertThrowsError(try Trainer(configuration: configuration, run: run)) { error in
                XCTAssertTrue("\(error)".contains(named), "\(error)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: run.path), "\(named): nothing written")
        }
    }

    /// config.json files written before the settings were typed (lossReduction absent for the mean, or
    /// "sum"; relative data paths) still read, and resuming such a run from the same folder with the data
    /// named absolutely is the same setting.
    func testConfigurationFilesOfEarlierVersionsRead() throws {
        // Written by `cliport train` at 935d8e0 (--loss sum; without it the lossReduction key is absent).
        let written = """
            {
              "augment" : true,
              "batch" : 1,
              "cropSize" : 16,
              "data" : [
                "data\\/block-insertion-train"
              ],
              "lastEvery" : 100,
              "learningRate" : 0.0001,
              "lossReduction" : "sum",
              "model" : "transporter",
              "nDemos" : 0,
              "rotations" : 4,
              "saveSteps" : [
                1
              ],
              "seed" : 0,
              "steps" : 1,
              "textEncoder" : "hashed-ngrams",
              "validationData" : [

              ],
              "validationSamples" : 0,
              "width" : 0.125
            }
            """
        let sum = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(written.utf8))
        XCTAssertEqual(sum.lossReduction, .sum)
        XCTAssertEqual(sum.textEncoder, .hashedNgrams)
        XCTAssertEqual(sum.model, .transporter)
        XCTAssertEqual(sum.data, ["data/block-insertion-train"])
        let withoutLoss = written.replacingOccurrences(of: "\"lossReduction\" : \"sum\",\n", with: "")
            .replacingOccurrences(of: "\"transporter\"", with: "\"transporter-lang\"")
        XCTAssertNotEqual(withoutLoss, written)
        let mean = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(withoutLoss.utf8))
        XCTAssertEqual(mean.lossReduction, .mean)
        XCTAssertEqual(mean.model, .transporterLang)
        // The relative path of the old file and the absolute path of a new command name the same data.
        let command = TrainingConfiguration(model: .transporter, data: [FileManager.default.currentDirectoryPath + "/data/block-insertion-train/"],
                                            steps: 5, width: 0.125, rotations: 4, cropSize: 16, lossReduction: .sum)
        XCTAssertEqual(sum.differences(from: command), [])
        // What is written now reads back the same, with the same strings.
        let encoded = try JSONEncoder().encode(mean)
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfiguration.self, from: encoded), mean)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        XCTAssertEqual(object["lossReduction"] as? String, "mean")
        XCTAssertEqual(object["textEncoder"] as? String, "hashed-ngrams")
        XCTAssertEqual(object["model"] as? String, "transporter-lang")
    }
}
