import Core
import ArgumentParser
import Foundation
import MPI
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

    @Option(parsing: .upToNextOption, help: "Dataset folders made by `cliport demos` (one per task), or one dataset root with --group.")
    var data: [String] = []
    @Option(help: "Multi-task group read from the dataset root: multi-all, multi-language-conditioned, multi-demo-conditioned, multi-attr-<task>.")
    var group: String?
    @Option(parsing: .upToNextOption, help: "Validation folders (default: the -val sibling of each -train folder, when present).")
    var valData: [String] = []
    @Option(help: "transporter, transporter-lang or cliport.") var model: String
    @Option(help: "Episodes per task to train from (CLIPort's n_demos; 0 = all).") var nDemos: Int = 0
    @Option(help: "Optimiser steps.") var steps: Int = 201_000
    @Option(help: "Examples per step on each process.") var batch: Int = 1
    @Option(help: "Channel width multiplier (1 = CLIPort's networks).") var width: Double = 1
    @Option(help: "Sentence encoder of language-conditioned models: clip (needs --clip-weights; the cliport model's default) or hashed-ngrams (no weights; transporter-lang's default).")
    var textEncoder: String?
    @Option(help: "CLIP weights imported with `cliport weights import` (for --model cliport or --text-encoder clip).") var clipWeights: String?
    @Option(help: "CLIP's BPE vocabulary (make setup fetches it).") var clipVocab: String?
    @Option(help: "Place rotations (CLIPort's n_rotations).") var rotations: Int = 36
    @Option(help: .hidden) var cropSize: Int = 64
    @Option(help: "Seed of the initial weights and of the data stream.") var seed: Int = 0
    @Option(help: "Adam learning rate.") var lr: Float = 1e-4
    @Option(help: "Rewrite last.hdf5 every this many steps.") var lastEvery: Int = 100
    @Option(help: "Validation examples scored at each save step (0: none).") var valSamples: Int = 50
    @Option(parsing: .upToNextOption, help: "Checkpoint steps (default: CLIPort's 1000, 2000, 3000, 4000, 5000, 7000, 10000, 20000, …).")
    var saveSteps: [Int] = []
    @Flag(help: "Train without CLIPort's SE(2) augmentation.") var noAugment = false
    @Option(help: "Loss reduction over the logits: mean (CLIPort's code) or sum (the cross-entropy; learns faster with Adam).")
    var loss: String = "mean"
    @Option(help: "BLAS threads (default: the cores divided among the processes on this machine).") var threads: Int?
    @Option(help: "The run folder.") var out: String

    func run() throws {
        StopSignal.install()
        let group = try reportingErrors { try ProcessGroup.join() }
        defer { group.finish() }
        ComputeThreads.configure(threads: threads)
        let configuration = try reportingErrors {
            TrainingConfiguration(model: try AgentModel.named(model), data: data, group: self.group, validationData: valData,
                                  nDemos: nDemos, steps: steps, batch: batch, width: width, rotations: rotations, cropSize: cropSize, seed: seed, learningRate: lr,
                                  saveSteps: saveSteps.isEmpty ? nil : saveSteps, lastEvery: lastEvery,
                                  validationSamples: valSamples, augment: !noAugment, textEncoder: textEncoder,
                                  clipWeights: clipWeights, clipVocabulary: clipVocab, lossReduction: loss)
        }
        let summary = try reportingErrors { () -> Trainer.Summary in
            let trainer = try Trainer(configuration: configuration, run: TrainingRun(path: out), group: group)
            if group.isRoot {
                print("training \(model) (width \(width)) on \(data.joined(separator: ", ")) from step \(trainer.startStep) to \(steps); "
                      + "\(group.size) process\(group.size == 1 ? "" : "es"), effective batch \(batch * group.size)")
            }
            return try trainer.train(shouldStop: { StopSignal.requested })
        }
        guard group.isRoot else { return }
        if summary.interrupted {
            print("stopped at step \(summary.finalStep); run the same command to resume from \(out)/checkpoints/last.hdf5")
        } else {
            print(String(format: "trained to step %d: last loss %.4f, %.3f steps/s, %.1f%% of the time waiting for data; checkpoints in %@/checkpoints",
                         summary.finalStep, summary.lastLoss, summary.stepsPerSecond, 100 * summary.dataWaitShare, out))
        }
    }
}

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Roll out a run's checkpoints in the simulator: every checkpoint on val, the best on test.",
        discussion: "Score = mean total reward x 100 over the split's first N seeds (CLIPort's eval.py). Results: RUN/eval/<task>-<split>.json.")

    @Option(name: .customLong("run"), help: "The run folder written by `cliport train`.") var runFolder: String
    @Option(help: "Task to evaluate on.") var task: String
    @Option(help: "val (every checkpoint) or test (the best on val).") var split: String = "val"
    @Option(help: "Episodes (seeds of the split).") var n: Int = 100
    @Option(help: "Only this checkpoint (a file name in RUN/checkpoints, or a path).") var checkpoint: String?
    @Option(help: "Episodes per checkpoint to draw affordance pictures for (RUN/eval/pictures).") var pictures: Int = 0
    @Option(help: "BLAS threads.") var threads: Int?
    @Flag(help: "Print the results as JSON.") var json = false

    func run() throws {
        StopSignal.install()
        ComputeThreads.configure(threads: threads)
        guard let split = Split(rawValue: self.split) else {
            throw CommandFailure(TrainerError.badOption("unknown split '\(self.split)'; choose val or test"))
        }
        let results = try reportingErrors {
            try Evaluator(run: TrainingRun(path: runFolder)).evaluate(task: task, split: split, n: n, checkpoint: checkpoint,
                                                                pictures: pictures, shouldStop: { StopSignal.requested })
        }
        if json { printJSON(results); return }
        for r in results.checkpoints {
            print(String(format: "%@  step %6d  score %5.1f  (mean reward %.3f over %d episodes)", r.checkpoint, r.step, r.score,
                         r.meanReward, r.episodes.count))
        }
        if let best = results.best { print("best: \(best.checkpoint) with \(String(format: "%.1f", best.score))") }
    }
}
