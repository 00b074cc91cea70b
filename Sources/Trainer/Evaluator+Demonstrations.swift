import Core
import Dataset
import Foundation

extension Evaluator {
    /// One checkpoint scored against recorded demonstrations.
    public struct DemonstrationScore: Codable, Equatable, Sendable {
        public var checkpoint: String
        public var step: Int
        /// Mean pick + place loss per example.
        public var loss: Double
        public var actionErrors: ActionErrors

        enum CodingKeys: String, CodingKey { case checkpoint, step, loss, actionErrors = "action_errors" }
    }

    /// Scores the split's checkpoints (or only `checkpoint`) on the first `samples` examples of the run's
    /// own `split` data for `task`, without the simulator: where a family's rollouts score 0, this says
    /// whether the model's actions are near the demonstrated ones or far from them, even on its training scenes.
    public func scoreAgainstDemonstrations(task name: String, split: Split, samples: Int, checkpoint: String? = nil,
                                           shouldStop: () -> Bool = { false }) throws -> [DemonstrationScore] {
        guard samples > 0 else { throw TrainerError.badOption("the number of examples must be at least 1 (got \(samples))") }
        guard split != .test else {
            throw TrainerError.badOption("a run records train and val data only: score --split train or val against demonstrations")
        }
        let configuration = try run.loadConfiguration()
        let listed = try Trainer.tasks(configuration, split: split).tasks
        let data = listed.filter { $0.task == name }
        guard !data.isEmpty else {
            throw TrainerError.badOption("run \(run.path) has no \(split.rawValue) data for \(name) (it has: \(listed.map(\.task).joined(separator: ", ")))")
        }
        var scores: [DemonstrationScore] = []
        for path in try checkpoints(task: name, split: split, only: checkpoint) {
            if shouldStop() { break }
            let agent = try Agent(checkpoint: path, clip: clip, encoder: encoder)
            let scorer = DemonstrationScorer(networks: agent.networks, encoder: agent.encoder, model: agent.model,
                                             rotations: agent.networks.transport.rotations, seed: configuration.seed)
            for (_, score) in try scorer.score(data, samples: samples) {
                scores.append(DemonstrationScore(checkpoint: (path as NSString).lastPathComponent, step: agent.step,
                                                 loss: score.meanLoss, actionErrors: score.actionErrors))
            }
        }
        return scores
    }
}
