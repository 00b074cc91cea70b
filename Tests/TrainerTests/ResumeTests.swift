import Foundation
import Model
import TestSupport
import XCTest
@testable import Trainer

final class ResumeTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-trainer")
    override func tearDown() { folders.removeAll() }

    /// Training 4 steps at once and training 2, stopping, then resuming to 4 give bit-identical weights
    /// and optimiser state, and one metrics line per step.
    func testSaveLoadAndContinueEqualsUninterruptedTraining() throws {
        let root = folders.make("resume")
        let data = try TrainerFixtures.dataset(in: root)
        let configuration = TrainerFixtures.configuration(data: data, steps: 4)

        let whole = try Trainer(configuration: configuration, run: TrainingRun(path: root + "/whole"))
        whole.log = { _ in }
        XCTAssertEqual(try whole.train().finalStep, 4)

        let first = try Trainer(configuration: configuration, run: TrainingRun(path: root + "/split"))
        first.log = { _ in }
        var checks = 0
        let stopped = try first.train(shouldStop: { checks += 1; return checks > 2 })
        XCTAssertTrue(stopped.interrupted)
        XCTAssertEqual(stopped.finalStep, 2)
        let second = try Trainer(configuration: configuration, run: TrainingRun(path: root + "/split"))
        second.log = { _ in }
        XCTAssertEqual(second.startStep, 2)
        XCTAssertEqual(try second.train().finalStep, 4)

        XCTAssertEqual(whole.networks.parameters.map(\.value), second.networks.parameters.map(\.value))
        XCTAssertEqual(whole.networks.attentionOptimizer.state.firstMoment, second.networks.attentionOptimizer.state.firstMoment)
        XCTAssertEqual(whole.networks.transportOptimizer.state.secondMoment, second.networks.transportOptimizer.state.secondMoment)
        XCTAssertEqual(whole.networks.transportOptimizer.stepCount, 4)
        // The weights really moved.
        let fresh = try configuration.model.makeNetworks(width: configuration.width, rotations: 4, cropSize: 16, seed: 7,
                                                         textDimension: 1024, learningRate: 1e-3, clip: nil)
        XCTAssertNotEqual(fresh.parameters.map(\.value), whole.networks.parameters.map(\.value))

        // Checkpoints: the save step (with its validation loss) and last, equal between the two runs.
        let saved = TrainingRun(path: root + "/split").savedCheckpoints().map(\.step)
        XCTAssertEqual(saved, [2, 4])
        let info = try TrainingCheckpoint.info(root + "/split/checkpoints/steps=00002.hdf5")
        XCTAssertEqual(info.step, 2)
        XCTAssertNotNil(info.validationLoss)
        XCTAssertEqual(info.configuration, configuration)
        let metrics = try String(contentsOfFile: root + "/split/metrics.jsonl", encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(metrics.map { $0["step"] as! Int }, [1, 2, 3, 4])
        // The log's keys (snake_case), validation_loss at the save step only.
        let keys: Set<String> = ["step", "pick_loss", "place_loss", "pick_cross_entropy", "place_cross_entropy", "loss",
                                 "steps_per_second", "elapsed_seconds", "data_wait_seconds", "tasks"]
        XCTAssertEqual(Set(metrics[0].keys), keys)
        XCTAssertEqual(Set(metrics[1].keys), keys.union(["validation_loss", "validation_loss_by_task", "validation_action_errors_by_task"]))
        XCTAssertEqual(metrics.map { $0["tasks"] as! [String] }, Array(repeating: ["put-block-in-bowl-seen-colors"], count: 4))
        XCTAssertEqual(metrics[1]["validation_loss_by_task"] as? [String: Double],
                       ["put-block-in-bowl-seen-colors": metrics[1]["validation_loss"] as! Double])
        let wholeMetrics = try String(contentsOfFile: root + "/whole/metrics.jsonl", encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(metrics.map { $0["loss"] as! Double }, wholeMetrics.map { $0["loss"] as! Double })
    }

    /// A run folder refuses a command with other settings, and names the difference.
    func testResumingWithOtherSettingsIsRefused() throws {
        let root = folders.make("refuse")
        let data = try TrainerFixtures.dataset(in: root)
        let run = TrainingRun(path: root + "/run")
        try TrainerFixtures.train(TrainerFixtures.configuration(data: data, steps: 1), in: run)
        var other = TrainerFixtures.configuration(data: data, steps: 1)
        other.width = 1.0 / 4
        // The library names settings as config.json does; `cliport train` names its options
        // (TrainCommandTests.testResumingWithOtherOptionsNamesTheOption).
        XCTAssertThrowsError(try Trainer(configuration: other, run: run)) { error in
            XCTAssertEqual(error as? TrainerError,
                           .runExists(path: run.path, differences: [SettingDifference(setting: .width, stored: "0.125", requested: "0.25")]))
            XCTAssertTrue("\(error)".contains("width 0.25 where the run has 0.125"), "\(error)")
        }
        var summed = TrainerFixtures.configuration(data: data, steps: 1)
        summed.lossReduction = .sum
        XCTAssertThrowsError(try Trainer(configuration: summed, run: run)) { error in
            XCTAssertEqual(error as? TrainerError,
                           .runExists(path: run.path, differences: [SettingDifference(setting: .lossReduction, stored: "mean", requested: "sum")]))
            XCTAssertTrue("\(error)".contains("lossReduction sum where the run has mean"), "\(error)")
        }
        // Extending the run, saving at other steps and validating on more examples are allowed.
        var longer = TrainerFixtures.configuration(data: data, steps: 3)
        longer.validationSamples = 7
        longer.saveSteps = [3]
        XCTAssertEqual(try Trainer(configuration: longer, run: run).startStep, 1)
    }
}
