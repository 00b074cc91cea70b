import Dataset
import Foundation
import Geometry
import Model
import SyntheticData
import TestSupport
import XCTest
@testable import Trainer

/// CLIPort's own agent end to end with imported CLIP weights (the small fixture of
/// Tests/ModelTests/Fixtures, imported as `cliport weights import` does): train, resume bit-exact, the
/// frozen CLIP's batch norms as CLIPort runs them, evaluate in the simulator, propose actions from a
/// checkpoint (what `cliport capture --checkpoint` shows).
final class CLIPortEndToEndTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-clip-e2e")
    override func tearDown() { folders.removeAll() }

    /// 64 x 32 heightmaps: CLIP halves its input five times, so the padded attention input (64 x 64), the
    /// transport key (96 x 64 with 32-pixel crops) and the crops are multiples of 32, as CLIPort's are.
    static let workspace = Workspace(xRange: 0.25...0.75, yRange: -0.5...0.5, zRange: 0...0.28, pixelSize: 1.0 / 64)

    func importedCLIP(in root: String) throws -> String {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ModelTests/Fixtures/clip_small.safetensors").standardized.path
        let path = root + "/clip.hdf5"
        try CLIPWeights.importFile(fixture, to: path)
        return path
    }

    func dataset(in root: String) throws -> String {
        let train = root + "/put-block-in-bowl-seen-colors-train", val = root + "/put-block-in-bowl-seen-colors-val"
        try SyntheticPickPlaceEpisodes.writeDataset(directory: train, split: .train, episodes: 4, workspace: Self.workspace)
        try SyntheticPickPlaceEpisodes.writeDataset(directory: val, split: .val, episodes: 2, workspace: Self.workspace)
        return train
    }

    /// The small fixture's text tower has 100 tokens, too few for CLIP's vocabulary: the sentence comes
    /// from the weight-free encoder here (the full-size import reads instructions with CLIP).
    func configuration(data: String, clip: String, steps: Int, validationSamples: Int = 1,
                       clipBatchNorm: CLIPBatchNorm? = nil) -> TrainingConfiguration {
        TrainingConfiguration(model: .cliport, data: [data], steps: steps, width: 1.0 / 16, rotations: 4, cropSize: 32, seed: 5,
                              learningRate: 1e-3, saveSteps: [2], lastEvery: 1, validationSamples: validationSamples,
                              textEncoder: .hashedNgrams, clipWeights: clip, lossReduction: .mean, clipBatchNorm: clipBatchNorm)
    }

    func statistics(_ networks: TransporterAgentNetworks) -> [BatchNormStatistics] {
        [networks.attention.network, networks.transport.keyNetwork, networks.transport.queryNetwork].flatMap { $0.batchNorms.map(\.statistics) }
    }

    func clipStatistics(_ networks: TransporterAgentNetworks) -> [[BatchNormStatistics]] {
        [networks.attention.network, networks.transport.keyNetwork, networks.transport.queryNetwork].map {
            ($0 as! TwoStreamNetwork).trunk.trunkBatchNorms.map(\.statistics)
        }
    }

    func testTrainResumeEvaluateAndProposeWithImportedCLIP() throws {
        let root = folders.make("e2e")
        let data = try dataset(in: root)
        let clip = try importedCLIP(in: root)
        let imported = try CLIPWeights.load(path: clip).visualTrunk().batchNorms.map(\.statistics)
        let configuration = configuration(data: data, clip: clip, steps: 4)
        XCTAssertEqual(configuration.clipBatchNorm, .batchStatistics, "CLIPort's training semantics by default")

        let whole = try Trainer(configuration: configuration, run: TrainingRun(path: root + "/whole"))
        whole.log = { _ in }; whole.showsProgress = false
        let summary = try whole.train()
        XCTAssertEqual(summary.finalStep, 4)
        XCTAssertTrue(summary.lastLoss.isFinite)
        XCTAssertEqual(summary.stepCPUSeconds.count, 4)

        let first = try Trainer(configuration: configuration, run: TrainingRun(path: root + "/split"))
        first.log = { _ in }; first.showsProgress = false
        var checks = 0
        XCTAssertEqual(try first.train(shouldStop: { checks += 1; return checks > 2 }).finalStep, 2)
        let second = try Trainer(configuration: configuration, run: TrainingRun(path: root + "/split"))
        second.log = { _ in }; second.showsProgress = false
        XCTAssertEqual(second.startStep, 2)
        XCTAssertEqual(try second.train().finalStep, 4)

        // Bit-exact: weights, both optimisers, and every batch norm's running statistics (the decoder's
        // and the three CLIP copies').
        XCTAssertEqual(whole.networks.parameters.map(\.value), second.networks.parameters.map(\.value))
        XCTAssertEqual(whole.networks.attentionOptimizer.state.firstMoment, second.networks.attentionOptimizer.state.firstMoment)
        XCTAssertEqual(whole.networks.transportOptimizer.state.secondMoment, second.networks.transportOptimizer.state.secondMoment)
        XCTAssertEqual(statistics(whole.networks), statistics(second.networks))
        // Each CLIP copy moved its own running statistics (the pick, key and query inputs differ).
        let copies = clipStatistics(whole.networks)
        XCTAssertEqual(copies.map(\.count), [55, 55, 55])
        for copy in copies { XCTAssertNotEqual(copy, imported) }
        XCTAssertNotEqual(copies[0], copies[1]); XCTAssertNotEqual(copies[1], copies[2])
        // Validation runs every batch norm on its running statistics and moves none of them (Lightning's
        // eval() around CLIPort's validation_step): the same losses twice, the statistics untouched.
        let before = statistics(whole.networks)
        let once = try XCTUnwrap(try whole.validationScores()), twice = try XCTUnwrap(try whole.validationScores())
        XCTAssertEqual(once.mean, twice.mean)
        XCTAssertTrue(statistics(whole.networks) == before, "validation moved a batch norm's running statistics")
        XCTAssertTrue(statistics(whole.networks).contains { $0.runningMean.scalars.contains { $0 != 0 } }, "training moved them")
        XCTAssertTrue(whole.networks.attention.network.batchNorms.allSatisfy(\.training), "training form restored")
        let stored = try TrainingRun(path: root + "/split").loadConfiguration()
        XCTAssertEqual(stored.clipBatchNorm, .batchStatistics)
        let json = try String(contentsOfFile: root + "/split/config.json", encoding: .utf8)
        XCTAssertTrue(json.contains("\"clipBatchNorm\" : \"batch-statistics\""), json)

        // Resuming with the other batch-norm setting is refused, naming it.
        XCTAssertThrowsError(try Trainer(configuration: self.configuration(data: data, clip: clip, steps: 4, clipBatchNorm: .runningStatistics),
                                         run: TrainingRun(path: root + "/split"))) { error in
            XCTAssertEqual(error as? TrainerError, .runExists(path: root + "/split", differences: [
                SettingDifference(setting: .clipBatchNorm, stored: "batch-statistics", requested: "running-statistics")]))
        }

        // A checkpoint alone rebuilds the agent, CLIP's moved statistics included, and proposes an action
        // (what `cliport capture --checkpoint` draws); acting runs CLIP in eval mode: nothing moves.
        let agent = try Agent(checkpoint: root + "/split/checkpoints/last.hdf5", workspace: Self.workspace)
        XCTAssertEqual(clipStatistics(agent.networks), copies)
        let map = SyntheticPickPlaceEpisodes.episode(seed: 1, workspace: Self.workspace).steps[0].observation.heightmap
        let proposal = try agent.proposal(heightmap: map, instruction: "put the red blocks in a green bowl")
        XCTAssertTrue((0..<64).contains(proposal.pick.row) && (0..<32).contains(proposal.place.col))
        XCTAssertTrue((0..<36).contains(proposal.rotationBin))
        XCTAssertEqual(clipStatistics(agent.networks), copies)

        // Rollouts in MuJoCo (320 x 160 heightmaps) on the first val seed of the task it trained on.
        let evaluator = Evaluator(run: TrainingRun(path: root + "/split"))
        evaluator.log = { _ in }
        let results = try evaluator.evaluate(task: "put-block-in-bowl-seen-colors", split: .val, n: 1, checkpoint: "steps=00004.hdf5")
        XCTAssertEqual(results.checkpoints.map(\.checkpoint), ["steps=00004.hdf5"])
        XCTAssertEqual(results.checkpoints[0].episodes.map(\.seed), [1])
        XCTAssertTrue((0...1).contains(results.checkpoints[0].episodes[0].reward))
    }

    /// With `running-statistics` CLIP stays in eval mode: its statistics never move, and the run learns
    /// from other features than with CLIPort's batch statistics.
    func testRunningStatisticsKeepCLIPInEvalMode() throws {
        let root = folders.make("running")
        let data = try dataset(in: root)
        let clip = try importedCLIP(in: root)
        let imported = try CLIPWeights.load(path: clip).visualTrunk().batchNorms.map(\.statistics)
        let running = try Trainer(configuration: configuration(data: data, clip: clip, steps: 2, validationSamples: 0,
                                                               clipBatchNorm: .runningStatistics),
                                  run: TrainingRun(path: root + "/running"))
        running.log = { _ in }; running.showsProgress = false
        let r = try running.train()
        for copy in clipStatistics(running.networks) { XCTAssertEqual(copy, imported) }
        let batch = try Trainer(configuration: configuration(data: data, clip: clip, steps: 2, validationSamples: 0),
                                run: TrainingRun(path: root + "/batch"))
        batch.log = { _ in }; batch.showsProgress = false
        let b = try batch.train()
        XCTAssertNotEqual(r.lastLoss, b.lastLoss)
        XCTAssertNotEqual(running.networks.parameters.map(\.value), batch.networks.parameters.map(\.value))
    }
}
