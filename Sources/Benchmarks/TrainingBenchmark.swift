import Core
import Dataset
import Foundation
import Model
import SyntheticData
import Trainer

/// `cliport bench train`: seconds per training step of each model through the real trainer (loader
/// with augmentation and prefetch, forward, backward, Adam, metrics), and the share of each step spent
/// waiting for data, on a synthetic dataset of CLIPort-size heightmaps written to a temporary folder.
/// The `cliport` model is timed with a randomly initialised full-size CLIP trunk (timing needs no
/// weights) or the imported weights given, and the weight-free sentence encoder: CLIP's text features
/// are computed once per instruction and cached, so they are no part of a step. CLIPort's own step on
/// this machine kind (PyTorch CPU, 2 threads) is the reference: 26.1 s transporter, 54.2 s cliport.
public enum TrainingBenchmark {
    public struct Row: Codable, Sendable {
        public var model: String
        public var width: Double
        public var steps: Int
        /// Median wall seconds per step, after one warm-up step.
        public var secondsPerStep: Double
        /// Median CPU seconds per step (all threads; the machine's load does not inflate it).
        public var cpuSecondsPerStep: Double
        /// Median share of a step spent waiting for the loader.
        public var dataWaitShare: Double
        /// How the CLIP trunk's batch norms ran (models with CLIP's visual trunk).
        public var clipBatchNorm: CLIPBatchNorm?
        /// CLIPort's PyTorch seconds per step at full size on this machine kind, over ours.
        public var referenceSpeedup: Double?
        /// Wall seconds of the CLIP trunk's forward passes of one step (pick input, transport key, the
        /// rotated crops), timed alone: what a cache of the trunk's features could save at most.
        public var clipTrunkSecondsPerStep: Double?
    }

    public struct Result: Codable, Sendable {
        public var threads: Int
        public var rows: [Row]

        public var table: String {
            var lines = ["training step, batch 1, \(threads) BLAS threads (median after one warm-up step)",
                         "model              width  steps   s/step  CPU-s/step   waiting for data   vs CLIPort's PyTorch"]
            for r in rows {
                let reference = r.referenceSpeedup.map { String(format: "%.1fx faster", $0) } ?? "-"
                lines.append(r.model.padding(toLength: 18, withPad: " ", startingAt: 0)
                             + String(format: " %5.2f  %5d  %7.2f  %10.2f   %5.1f %%            %@", r.width, r.steps, r.secondsPerStep,
                                      r.cpuSecondsPerStep, 100 * r.dataWaitShare, reference)
                             + (r.clipBatchNorm.map { "  (CLIP batch norm: \($0.rawValue))" } ?? "")
                             + (r.clipTrunkSecondsPerStep.map { String(format: "  CLIP trunk forward alone: %.2f s", $0) } ?? ""))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// CLIPort's PyTorch seconds per training step at full size (2 threads, this machine kind).
    public static let cliportSecondsPerStep: [AgentModel: Double] = [.transporter: 26.1, .cliport: 54.2]

    /// - Parameters:
    ///   - clipWeights: imported CLIP weights for the CLIP models (nil: a random full-size RN50 trunk).
    ///   - clipBatchNorm: how the CLIP trunk's batch norms run (nil: the training default).
    public static func run(models: [AgentModel] = [.transporter, .transporterLang, .cliport], width: Double = 1, steps: Int = 3,
                           threads: Int? = nil, clipWeights: String? = nil, clipBatchNorm: CLIPBatchNorm? = nil) throws -> Result {
        let count = ComputeThreads.configure(threads: threads)
        let root = NSTemporaryDirectory() + "cliport-bench-train-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/put-block-in-bowl-seen-colors-train"
        try SyntheticPickPlaceEpisodes.writeDataset(directory: data, episodes: 10)
        var rows: [Row] = []
        for model in models {
            var generator = SplitMix64(seed: 0)
            var clip: CLIPVisualTrunk?
            if model.needsCLIPVisualTrunk {
                clip = try clipWeights.map { try CLIPWeights.load(path: $0).visualTrunk() } ?? CLIPVisualTrunk.random(using: &generator)
            }
            let configuration = TrainingConfiguration(model: model, data: [data], steps: steps + 1, width: width,
                                                      saveSteps: [], lastEvery: 1_000_000, validationSamples: 0,
                                                      textEncoder: model.isLanguageConditioned ? .hashedNgrams : nil,
                                                      clipBatchNorm: clipBatchNorm)
            let trainer = try Trainer(configuration: configuration, run: TrainingRun(path: root + "/run-\(model.rawValue)"),
                                      encoder: model.isLanguageConditioned ? HashedInstructionEncoder() : nil, clip: clip)
            trainer.log = { _ in }
            trainer.showsProgress = false
            let summary = try trainer.train()
            let trunkSeconds = try clip.map { try trunkSecondsPerStep($0, configuration: configuration) }
            let timed = Array(zip(summary.stepSeconds, summary.waitSeconds).dropFirst())
            let seconds = timed.map(\.0).median()
            rows.append(Row(model: model.rawValue, width: width, steps: timed.count, secondsPerStep: seconds,
                            cpuSecondsPerStep: summary.stepCPUSeconds.dropFirst().median(),
                            dataWaitShare: timed.map { $0.1 / max($0.0, 1e-9) }.median(),
                            clipBatchNorm: configuration.clipBatchNorm,
                            referenceSpeedup: width == 1 ? cliportSecondsPerStep[model].map { $0 / seconds } : nil,
                            clipTrunkSecondsPerStep: trunkSeconds))
        }
        return Result(threads: count, rows: rows)
    }

    /// The trunk's forward passes of one training step on CLIPort-size inputs (median of 3), in the
    /// run's batch-norm mode: the padded pick input (320 x 320), the padded transport input (384 x 224) and
    /// the rotated crops (rotations x 64 x 64).
    static func trunkSecondsPerStep(_ clip: CLIPVisualTrunk, configuration c: TrainingConfiguration) throws -> Double {
        let h = 320, w = 160, pad = c.cropSize / 2
        var g = SplitMix64(seed: 1)
        let inputs = [[1, 3, h, h], [1, 3, h + 2 * pad, w + 2 * pad], [c.rotations, 3, c.cropSize, c.cropSize]]
            .map { Tensor.uniform($0, low: -1, high: 1, using: &g) }
        let trunk = clip.copy()
        trunk.trainMode.usesBatchStatistics = c.clipBatchNorm == .batchStatistics
        defer { trunk.trainMode.usesBatchStatistics = false }
        var times: [Double] = []
        for _ in 0..<3 {
            let start = Date()
            for x in inputs { _ = try trunk.forward(x) }
            times.append(Date().timeIntervalSince(start))
        }
        return times.median()
    }
}
