import Dataset
import Foundation
import Geometry
import SyntheticData
@testable import Trainer

/// Small, fast training set-ups: CLIPort's workspace at 12.5 mm pixels (80 x 40 images), 4 rotations,
/// 16-pixel crops and 1/8 of CLIPort's channels, so a step takes a fraction of a second.
enum TrainerFixtures {
    static let coarseWorkspace = Workspace(xRange: 0.25...0.75, yRange: -0.5...0.5, zRange: 0...0.28, pixelSize: 0.0125)

    /// A train and a val folder of synthetic put-block-in-bowl episodes; returns the train folder.
    static func dataset(in root: String, episodes: Int = 6) throws -> String {
        let train = root + "/put-block-in-bowl-seen-colors-train", val = root + "/put-block-in-bowl-seen-colors-val"
        try SyntheticPickPlaceEpisodes.writeDataset(directory: train, split: .train, episodes: episodes, workspace: coarseWorkspace)
        try SyntheticPickPlaceEpisodes.writeDataset(directory: val, split: .val, episodes: 2, workspace: coarseWorkspace)
        return train
    }

    static func configuration(data: String, model: AgentModel = .transporterLang, steps: Int, batch: Int = 1) -> TrainingConfiguration {
        TrainingConfiguration(model: model, data: [data], steps: steps, batch: batch, width: 1.0 / 8, rotations: 4, cropSize: 16,
                              seed: 7, learningRate: 1e-3, saveSteps: [2], lastEvery: 1, validationSamples: 2, lossReduction: .mean)
    }

    /// Trains `configuration` to its last step in `run`, quietly; returns the trainer.
    @discardableResult
    static func train(_ configuration: TrainingConfiguration, in run: TrainingRun) throws -> Trainer {
        let trainer = try Trainer(configuration: configuration, run: run)
        trainer.log = { _ in }
        try trainer.train()
        return trainer
    }
}
