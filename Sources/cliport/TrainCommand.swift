import ArgumentParser
import Foundation
import MPI
import Model
import Recorder
import Sim
import Trainer

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an agent from recorded datasets (single- or multi-task); resumes a stopped run.",
        discussion: """
            Writes RUN/config.json, RUN/metrics.jsonl (one JSON object per step), checkpoints at CLIPort's save steps \
            (RUN/checkpoints/steps=01000.hdf5, …) and RUN/checkpoints/last.hdf5. Run the same command again to resume \
            from last.hdf5: the result equals an uninterrupted run. Data-parallel: `mpirun -np K cliport train …` \
            averages gradients over the K processes every step (effective batch = batch x K); rank 0 writes.
            """)

    // Numbers are read `.unconditional`ly so that a negative one gets its range in `validate()` rather
    // than being taken for an option.
    @Option(parsing: .upToNextOption, help: "Dataset folders made by `cliport demos` (one per task), or one dataset root with --group.")
    var data: [String] = []
    @Option(help: "Multi-task group read from the dataset root: multi-all, multi-language-conditioned, multi-demo-conditioned, multi-attr-<task>.")
    var group: String?
    @Option(parsing: .upToNextOption, help: "Validation folders (default: the -val sibling of each -train folder, when present).")
    var valData: [String] = []
    @Option(help: "The agent to train: any available one of `cliport agents` (our name or CLIPort's).") var model: AgentModel
    @Option(parsing: .unconditional, help: "Episodes per task to train from (CLIPort's n_demos; 0 = all).") var nDemos: Int = 0
    @Option(parsing: .unconditional, help: "Optimiser steps.") var steps: Int = 201_000
    @Option(parsing: .unconditional, help: "Examples per step on each process.") var batch: Int = 1
    @Option(parsing: .unconditional, help: "Channel width multiplier (1 = CLIPort's networks).") var width: Double = 1
    @Option(help: "Sentence encoder of language-conditioned models: clip (needs --clip-weights; the default of agents with a CLIP stream), hashed-ngrams (no weights; the others' default) or distilbert (needs --text-weights; CLIPort's for transporter-lang).")
    var textEncoder: InstructionEncoderKind?
    @Option(help: "CLIP weights imported with `cliport weights import` (for --model cliport or --text-encoder clip).") var clipWeights: String?
    @Option(help: "CLIP's BPE vocabulary (make setup fetches it).") var clipVocab: String?
    @Option(help: "A Hugging Face distilbert-base-uncased folder (model.safetensors, vocab.txt) for --text-encoder distilbert.")
    var textWeights: String?
    @Option(help: "torchvision's ImageNet resnet50 state dict as safetensors, for the RN50-BERT agents (the untrained one needs none).")
    var visualWeights: String?
    @Option(help: "How the frozen CLIP trunk's batch norms run in training steps (the agents with CLIP's visual trunk): batch-statistics (CLIPort: train mode; the moved running statistics serve validation and eval) or running-statistics (eval mode throughout).")
    var clipBatchnorm: CLIPBatchNorm?
    @Option(parsing: .unconditional, help: "Place rotations (CLIPort's n_rotations).") var rotations: Int = 36
    @Option(parsing: .unconditional, help: .hidden) var cropSize: Int = 64
    @Option(parsing: .unconditional, help: "Seed of the initial weights and of the data stream.") var seed: Int = 0
    @Option(parsing: .unconditional, help: "Adam learning rate.") var lr: Float = 1e-4
    @Option(parsing: .unconditional, help: "Rewrite last.hdf5 every this many steps.") var lastEvery: Int = 100
    @Option(parsing: .unconditional, help: "Validation examples scored at each save step (0: none).") var valSamples: Int = 50
    @Option(parsing: .upToNextOption, help: "Checkpoint steps (default: CLIPort's 1000, 2000, 3000, 4000, 5000, 7000, 10000, 20000, …).")
    var saveSteps: [Int] = []
    @Flag(help: "Train without CLIPort's SE(2) augmentation.") var noAugment = false
    @Option(help: "Loss reduction over the logits: sum (the cross-entropy; the default, learns with Adam) or mean (CLIPort's code: the cross-entropy over the number of logits; Adam barely moves).")
    var loss: LossReduction = .sum
    @OptionGroup var threads: ThreadOptions
    @Option(help: "The run folder.") var out: String

    func validate() throws {
        guard !data.isEmpty else { throw ValidationError(TrainerError.noData.description) }
        if group != nil, data.count != 1 { throw ValidationError("--group reads one dataset root: pass exactly one --data") }
        if clipBatchnorm != nil, !model.needsCLIPVisualTrunk {
            throw ValidationError("--clip-batchnorm sets CLIP's visual trunk, which --model \(model.rawValue) does not run; drop it or use an agent with CLIP's trunk (cliport, …)")
        }
        try requireOption("--n-demos", nDemos, in: TrainingConfiguration.nDemosRange)
        try requireOption("--steps", steps, in: TrainingConfiguration.stepsRange)
        try requireOption("--batch", batch, in: TrainingConfiguration.batchRange)
        try requireWidth(width)
        try requireOption("--rotations", rotations, in: TrainingConfiguration.rotationsRange)
        try requireOption("--crop-size", cropSize, in: TrainingConfiguration.cropSizeRange)
        guard cropSize % 2 == 0 else { throw ValidationError("--crop-size must be even (got \(cropSize))") }
        try requireOption("--seed", seed, in: TrainingConfiguration.seedRange)
        guard lr > 0, lr <= TrainingConfiguration.learningRateLimit else {
            throw ValidationError("--lr must be in (0, \(TrainingConfiguration.learningRateLimit)] (got \(lr))")
        }
        try requireOption("--last-every", lastEvery, in: TrainingConfiguration.lastEveryRange)
        try requireOption("--val-samples", valSamples, in: TrainingConfiguration.validationSamplesRange)
        for step in saveSteps { try requireOption("--save-steps", step, in: TrainingConfiguration.stepsRange) }
    }

    func run() throws {
        StopSignal.install()
        let group = try reportingErrors { try ProcessGroup.join() }
        defer { group.finish() }
        ComputeThreads.configure(threads: threads.count)
        let configuration = TrainingConfiguration(
            model: model, data: data, group: self.group, validationData: valData, nDemos: nDemos, steps: steps, batch: batch,
            width: width, rotations: rotations, cropSize: cropSize, seed: seed, learningRate: lr,
            saveSteps: saveSteps.isEmpty ? nil : saveSteps, lastEvery: lastEvery, validationSamples: valSamples, augment: !noAugment,
            textEncoder: textEncoder, clipWeights: clipWeights, clipVocabulary: clipVocab, lossReduction: loss,
            textWeights: textWeights, visualWeights: visualWeights,
            clipBatchNorm: clipBatchnorm)
        let summary = try reportingErrors { () -> Trainer.Summary in
            let trainer: Trainer
            do {
                trainer = try Trainer(configuration: configuration, run: TrainingRun(path: out), group: group)
            } catch let error as TrainerError {
                throw TrainingCommandMessage(error)
            }
            if group.isRoot {
                print("training \(model.rawValue) (width \(width)) on \(data.joined(separator: ", ")) from step \(trainer.startStep) to \(steps); "
                      + "\(group.size) process\(group.size == 1 ? "" : "es"), effective batch \(batch * group.size)")
            }
            return try trainer.train(shouldStop: { StopSignal.requested })
        }
        guard group.isRoot else { return }
        if summary.interrupted {
            print("stopped at step \(summary.finalStep); run the same command to resume from \(out)/checkpoints/last.hdf5")
        } else {
            // The cross-entropies, as the progress line shows them; CLIPort's per-logit loss (metrics.jsonl's `loss`)
            // is a different figure and is named so.
            print(String(format: "trained to step %d: last step's cross-entropy pick %.3f place %.3f nats (CLIPort's per-logit loss %.3g), "
                         + "%.3f steps/s, %.1f%% of the time waiting for data; checkpoints in %@/checkpoints",
                         summary.finalStep, summary.lastPickCrossEntropy, summary.lastPlaceCrossEntropy, summary.lastLoss,
                         summary.stepsPerSecond, 100 * summary.dataWaitShare, out))
        }
    }
}
