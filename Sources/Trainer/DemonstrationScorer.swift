import Dataset
import Foundation
import Geometry
import Model

/// Scores networks against recorded demonstrations, without the simulator: for each task, the first
/// `samples` examples of a fixed pass over its episodes (never augmented), their mean loss (pick + place)
/// and how far the predicted actions are from the demonstrated ones. Training's validation pass and
/// `cliport eval --against-demos` both use it.
struct DemonstrationScorer {
    let networks: TransporterAgentNetworks
    let encoder: InstructionEncoder?
    let model: AgentModel
    /// The model's rotations (the loader's labels are CLIPort's 36 bins).
    let rotations: Int
    let seed: Int

    /// One task's score.
    struct TaskScore {
        /// The sum of the examples' losses.
        var lossTotal: Double
        var actionErrors: ActionErrors
        var meanLoss: Double { lossTotal / Double(actionErrors.examples) }
    }

    /// Each task's score, in the tasks' order (a task whose folder yields no example is left out).
    func score(_ tasks: [TaskDataset], samples: Int) throws -> [(task: String, score: TaskScore)] {
        // Batch norms on their running statistics, which scoring leaves alone: Lightning's eval() around
        // CLIPort's validation_step (rollouts keep the training form, as CLIPort's eval.py never calls eval()).
        let norms = [networks.attention.network, networks.transport.keyNetwork, networks.transport.queryNetwork].flatMap(\.batchNorms)
        let forms = norms.map(\.training)
        for norm in norms { norm.training = false }
        defer { for (norm, form) in zip(norms, forms) { norm.training = form } }
        let configuration = LoaderConfiguration(mode: .validation, batchSize: 1, seed: seed, workers: 1, prefetchBatches: 2,
                                                augment: false, goalImages: model.needsGoalImage)
        var scores: [(task: String, score: TaskScore)] = []
        for task in tasks {
            guard let loader = try? Loader(tasks: [task], weights: nil, configuration: configuration, strictDemos: false) else { continue }
            defer { loader.stop() }
            var total = 0.0
            var errors: [ActionErrors.Example] = []
            while errors.count < samples, let batch = try loader.next() {
                let sample = batch.samples[0]
                let bin = RotationBins.fromCLIPort(sample.rotationBin, to: rotations)
                let pick = (sample.pick.row, sample.pick.col), place = (sample.place.row, sample.place.col)
                let scored = networks.score(image: ImageTensor.input(sample), pick: pick, place: place, placeRotation: bin,
                                            text: try encoder?.feature(for: sample.instruction))
                total += Double(scored.attentionLoss + scored.transportLoss)
                errors.append(ActionErrors.Example(scored, pick: pick, place: place, placeRotation: bin, rotations: rotations))
            }
            guard !errors.isEmpty else { continue }
            scores.append((task.task, TaskScore(lossTotal: total, actionErrors: ActionErrors(errors, pixelSize: task.pixelSize))))
        }
        return scores
    }
}
