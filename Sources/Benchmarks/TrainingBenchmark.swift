import Dataset
import Foundation
import Model
import SyntheticData
import Trainer

/// `cliport bench train`: seconds per training step of each model through the real trainer (loader
/// with augmentation and prefetch, forward, backward, Adam, metrics), and the share of each step spent
/// waiting for data, on a synthetic dataset of CLIPort-size heightmaps written to a temporary folder.
/// The `cliport` model is timed with a randomly initialised CLIP trunk (timing needs no weights).
public enum TrainingBenchmark {
    public struct Row: Codable, Sendable {
        public var model: String
        public var width: Double
        public var steps: Int
        /// Median wall seconds per step, after one warm-up step.
        public var secondsPerStep: Double
        /// Median share of a step spent waiting for the loader.
        public var dataWaitShare: Double
    }

    public struct Result: Codable, Sendable {
        public var threads: Int
        public var rows: [Row]

        public var table: String {
            var lines = ["training step, batch 1, \(threads) BLAS threads (median after one warm-up step)",
                         "model              width  steps   s/step   waiting for data"]
            for r in rows {
                lines.append(r.model.padding(toLength: 18, withPad: " ", startingAt: 0)
                             + String(format: " %5.2f  %5d  %7.2f   %5.1f %%", r.width, r.steps, r.secondsPerStep, 100 * r.dataWaitShare))
            }
            return lines.joined(separator: "\n")
        }
    }

    public static func run(models: [AgentModel] = [.transporter, .transporterLang, .cliport], width: Double = 1, steps: Int = 3,
                           threads: Int? = nil) throws -> Result {
        let count = ComputeThreads.configure(threads: threads)
        let root = NSTemporaryDirectory() + "cliport-bench-train-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = root + "/put-block-in-bowl-seen-colors-train"
        try SyntheticPickPlaceEpisodes.writeDataset(directory: data, episodes: 10)
        var rows: [Row] = []
        for model in models {
            var generator = SplitMix64(seed: 0)
            let clip = model.needsCLIPVisualTrunk ? try CLIPVisualTrunk.random(using: &generator) : nil
            let configuration = TrainingConfiguration(model: model, data: [data], steps: steps + 1, width: width,
                                                      saveSteps: [], lastEvery: 1_000_000, validationSamples: 0)
            let trainer = try Trainer(configuration: configuration, run: TrainingRun(path: root + "/run-\(model.rawValue)"), clip: clip)
            trainer.log = { _ in }
            trainer.showsProgress = false
            let summary = try trainer.train()
            let timed = Array(zip(summary.stepSeconds, summary.waitSeconds).dropFirst())
            rows.append(Row(model: model.rawValue, width: width, steps: timed.count, secondsPerStep: median(timed.map(\.0)),
                            dataWaitShare: median(timed.map { $0.1 / max($0.0, 1e-9) })))
        }
        return Result(threads: count, rows: rows)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
