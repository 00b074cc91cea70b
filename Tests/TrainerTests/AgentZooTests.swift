import Dataset
import Foundation
import Geometry
import Model
import SyntheticData
import TestSupport
import XCTest
@testable import Trainer

/// Every agent CLIPort registers: named as CLIPort names it, and each one that can be built trains a
/// few steps through the real trainer and acts from its checkpoint.
final class AgentZooTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-zoo")
    override func tearDown() { folders.removeAll() }

    /// CLIPort's `agents.names` (cliport/agents/__init__.py), every key.
    static let cliportNames = [
        "cliport", "two_stream_clip_lingunet_lat_transporter", "two_stream_clip_unet_lat_transporter",
        "two_stream_clip_lingunet_transporter", "two_stream_clip_unet_transporter", "two_stream_clip_woskip_transporter",
        "two_stream_full_rn50_bert_lingunet_lat_transporter", "two_stream_full_rn50_bert_unet_transporter",
        "two_stream_full_rn50_bert_lingunet_transporter", "two_stream_full_untrained_rn50_bert_lingunet_transporter",
        "transporter", "clip_unet_transporter", "clip_lingunet_transporter", "transporter_lang", "image_goal_transporter",
        "two_stream_clip_film_lingunet_lat_transporter",
    ]

    func testEveryCLIPortNameIsAnAgent() throws {
        let covered = Set(AgentCatalogEntry.all.flatMap { [$0.cliportName] + $0.aliases })
        XCTAssertEqual(covered, Set(Self.cliportNames))
        XCTAssertEqual(AgentModel.allCases.count, Self.cliportNames.count - 1, "one entry per agent class, cliport's alias aside")
        for name in Self.cliportNames {
            let model = try AgentModel.named(name)
            XCTAssertEqual(try AgentModel.named(name.replacingOccurrences(of: "_", with: "-")), model)
        }
        XCTAssertEqual(try AgentModel.named("two_stream_clip_lingunet_lat_transporter"), .cliport)
        XCTAssertThrowsError(try AgentModel.named("two-stream-clip")) { XCTAssertTrue("\($0)".contains("image-goal-transporter")) }
        // What each needs, for a few that differ.
        XCTAssertEqual(AgentCatalogEntry(.cliport).needs, [.clipWeights, .textEncoder])
        XCTAssertEqual(AgentCatalogEntry(.twoStreamCLIPUNetLat).needs, [.clipWeights])
        XCTAssertEqual(AgentCatalogEntry(.transporterLang).needs, [.textEncoder])
        XCTAssertEqual(AgentCatalogEntry(.imageGoalTransporter).needs, [.goalImages])
        XCTAssertEqual(AgentCatalogEntry(.transporter).needs, [])
        XCTAssertEqual(AgentCatalogEntry(.twoStreamRN50BERTLingUNetLat).needs, [.imageNetWeights, .textEncoder])
        XCTAssertEqual(AgentCatalogEntry(.twoStreamUntrainedRN50BERTLingUNet).needs, [.textEncoder])
        XCTAssertEqual(AgentCatalogEntry(.twoStreamUntrainedRN50BERTLingUNet).defaultTextEncoder, "distilbert-untrained")
        // RN50-BERT without ImageNet weights is refused naming the option.
        XCTAssertThrowsError(try AgentModel.twoStreamRN50BERTLingUNetLat.makeNetworks(width: 0.1, seed: 0, textDimension: 8,
                                                                                      learningRate: 1e-4, clip: nil)) { error in
            XCTAssertTrue("\(error)".contains("--visual-weights"), "\(error)")
        }
    }

    static let spatialOnly: [AgentModel] = [.transporter, .transporterLang, .imageGoalTransporter]
    static let twoStreamCLIP: [AgentModel] = [.cliport, .twoStreamCLIPUNetLat, .twoStreamCLIPLingUNet, .twoStreamCLIPUNet,
                                              .twoStreamCLIPWithoutSkips, .twoStreamCLIPFiLMLingUNetLat]
    static let clipOnlyAndRN50BERT: [AgentModel] = [.clipUNet, .clipLingUNet, .twoStreamRN50BERTLingUNetLat, .twoStreamRN50BERTUNet,
                                                    .twoStreamRN50BERTLingUNet, .twoStreamUntrainedRN50BERTLingUNet]

    func testSpatialOnlyAgentsTrainAndActFromTheirCheckpoints() throws { try trainAndAct(Self.spatialOnly) }
    func testTwoStreamCLIPAgentsTrainAndActFromTheirCheckpoints() throws { try trainAndAct(Self.twoStreamCLIP) }
    func testCLIPOnlyAndRN50BERTAgentsTrainAndActFromTheirCheckpoints() throws { try trainAndAct(Self.clipOnlyAndRN50BERT) }

    /// The three tests above cover every agent, each once.
    func testTheTrainingTestsCoverEveryAgent() {
        let covered = Self.spatialOnly + Self.twoStreamCLIP + Self.clipOnlyAndRN50BERT
        XCTAssertEqual(covered.count, AgentModel.allCases.count)
        XCTAssertEqual(Set(covered), Set(AgentModel.allCases))
    }

    /// Each agent: 2 training steps (loss finite, a validation pass, checkpoints), then an agent read back
    /// from the checkpoint acts exactly as the trained networks do. Images are 64 x 32 (CLIP's stride 32
    /// divides the padded pick, key and crop sizes), channels 1/32, CLIP and ImageNet trunks of width 4
    /// with random weights, hashed sentence features.
    func trainAndAct(_ models: [AgentModel], file: StaticString = #filePath, line: UInt = #line) throws {
        let root = folders.make("zoo")
        let workspace = Workspace(xRange: 0.25...0.75, yRange: -0.5...0.5, zRange: 0...0.28, pixelSize: 1.0 / 64)
        let train = root + "/put-block-in-bowl-seen-colors-train", val = root + "/put-block-in-bowl-seen-colors-val"
        try SyntheticPickPlaceEpisodes.writeDataset(directory: train, split: .train, episodes: 3, workspace: workspace)
        try SyntheticPickPlaceEpisodes.writeDataset(directory: val, split: .val, episodes: 1, workspace: workspace)
        var g = SplitMix64(seed: 0)
        let trunk = try CLIPVisualTrunk.random(width: 4, blocks: [1, 1, 1, 1], using: &g)
        let imageNet = try ImageNetResNetTrunk.untrained(width: 4, blocks: [1, 1, 1, 1], using: &g)
        let episode = SyntheticPickPlaceEpisodes.episode(seed: 5, workspace: workspace)
        let map = episode.steps[0].observation.heightmap, goal = episode.steps[1].observation.heightmap
        XCTAssertEqual([map.rows, map.cols], [64, 32])
        let encoder = HashedInstructionEncoder()
        // The agents with a semantic stream refuse sizes its stride 32 does not divide, before writing anything.
        let odd = TrainingConfiguration(model: .clipLingUNet, data: [train], steps: 2, width: 1.0 / 32, rotations: 2, cropSize: 16,
                                        textEncoder: .hashedNgrams)
        XCTAssertThrowsError(try Trainer(configuration: odd, run: TrainingRun(path: root + "/odd"), encoder: encoder, clip: trunk)) {
            XCTAssertTrue("\($0)".contains("multiples of 32"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/odd"))
        for model in models {
            let configuration = TrainingConfiguration(model: model, data: [train], steps: 2, batch: 1, width: 1.0 / 32, rotations: 2,
                                                      cropSize: 32, seed: 7, learningRate: 1e-3, saveSteps: [1], lastEvery: 1,
                                                      validationSamples: 1, textEncoder: .hashedNgrams, lossReduction: .mean)
            let run = TrainingRun(path: root + "/run-\(model.rawValue)")
            let trainer = try Trainer(configuration: configuration, run: run, encoder: encoder, clip: trunk, imageNet: imageNet)
            trainer.log = { _ in }
            trainer.showsProgress = false
            let summary = try trainer.train()
            XCTAssertEqual(summary.finalStep, 2, "\(model)")
            XCTAssertTrue(summary.lastLoss.isFinite && summary.lastLoss > 0, "\(model): loss \(summary.lastLoss)")
            XCTAssertNotNil(try TrainingCheckpoint.info(run.checkpoint(step: 1)).validationLoss, "\(model): validation ran")

            let trained = Agent(networks: trainer.networks, model: model, encoder: model.isLanguageConditioned ? encoder : nil,
                                workspace: workspace)
            let loaded = try Agent(checkpoint: run.lastCheckpoint, clip: trunk, encoder: encoder, workspace: workspace, imageNet: imageNet)
            let instruction = episode.steps[0].instruction
            let goalMap = model.needsGoalImage ? goal : nil
            let a = try trained.act(heightmap: map, instruction: instruction, goal: goalMap)
            let b = try loaded.act(heightmap: map, instruction: instruction, goal: goalMap)
            XCTAssertEqual(a.affordances.place.count, 2 * 64 * 32, "\(model)")
            XCTAssertEqual(a.affordances.pick.reduce(0, +), 1, accuracy: 1e-3)
            XCTAssertEqual(a, b, "\(model): the checkpoint holds every trained weight")
            if model.needsGoalImage {
                XCTAssertThrowsError(try loaded.act(heightmap: map, instruction: instruction)) { error in
                    XCTAssertEqual(error as? TrainerError, .goalImageRequired(model.rawValue))
                }
                // Rollouts from a seed have no goal image: eval refuses before it writes anything.
                XCTAssertThrowsError(try Evaluator(run: run).evaluate(task: "put-block-in-bowl-seen-colors", split: .val, n: 1)) { error in
                    XCTAssertEqual(error as? TrainerError, .goalImageRequired(model.rawValue))
                }
                XCTAssertFalse(FileManager.default.fileExists(atPath: run.evalFolder))
            }
        }
    }

    /// `--text-encoder distilbert --text-weights DIR` reads a Hugging Face folder (here the small DistilBERT
    /// fixture, width 32) and transporter-lang trains on its sentence features.
    func testTransporterLangReadsInstructionsWithDistilBERT() throws {
        let root = folders.make("bert")
        let workspace = Workspace(xRange: 0.25...0.75, yRange: -0.5...0.5, zRange: 0...0.28, pixelSize: 1.0 / 64)
        let train = root + "/put-block-in-bowl-seen-colors-train"
        try SyntheticPickPlaceEpisodes.writeDataset(directory: train, split: .train, episodes: 2, workspace: workspace)
        let bert = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ModelTests/Fixtures/distilbert_small").standardizedFileURL.path
        var configuration = TrainingConfiguration(model: .transporterLang, data: [train], steps: 1, width: 1.0 / 32, rotations: 2,
                                                  cropSize: 32, seed: 1, validationSamples: 0, textEncoder: .distilbert)
        XCTAssertThrowsError(try Trainer(configuration: configuration, run: TrainingRun(path: root + "/none"))) {
            XCTAssertEqual($0 as? TrainerError, .textWeightsRequired)
        }
        configuration.textWeights = bert
        let trainer = try Trainer(configuration: configuration, run: TrainingRun(path: root + "/run"))
        trainer.log = { _ in }
        trainer.showsProgress = false
        XCTAssertEqual(trainer.encoder?.kind, .distilbert)
        XCTAssertEqual(trainer.encoder?.dimension, 32)
        // CLIPort's text_fc takes DistilBERT's feature to 1024 before the language projections.
        let textFC = try XCTUnwrap(trainer.networks.attention.parameters.first { $0.name == "text_fc.weight" })
        XCTAssertEqual(textFC.value.shape, [1024, 32])
        XCTAssertTrue(try trainer.train().lastLoss.isFinite)
    }
}
