import Dataset
import Foundation
import Geometry
import Model
import MPI

/// CLIPort's training loop (`train.py` + `TransporterAgent.training_step`) over our loader and model:
/// each step draws `batch` augmented examples per process, accumulates the pick and place losses'
/// gradients, averages them over the batch and the processes, and steps the two Adam optimisers.
/// Checkpoints at the save steps (after a validation pass) and `last.hdf5`; a run resumes from
/// `last.hdf5` exactly as if it had not stopped, because the loader's stream is a function of the
/// step and the optimisers' state is saved.
public final class Trainer {
    public let configuration: TrainingConfiguration
    public let run: TrainingRun
    public let group: ProcessGroup
    public let networks: TransporterAgentNetworks
    public let encoder: InstructionEncoder?
    /// The step the run starts from (0, or the step of `last.hdf5` when resuming).
    public let startStep: Int

    /// Progress and summaries (rank 0 only); defaults to standard error.
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Show the progress line (steps/s, losses, data wait, ETA) on standard error.
    public var showsProgress = true

    public struct Summary: Equatable, Sendable {
        public var finalStep: Int
        public var interrupted: Bool
        public var lastLoss: Double
        public var stepsPerSecond: Double
        /// Share of the wall time spent waiting for the loader.
        public var dataWaitShare: Double
        /// Wall seconds of each step of this call, and the part of each spent waiting for data.
        public var stepSeconds: [Double]
        public var waitSeconds: [Double]
    }

    /// Prepares a run in `run` (creating it, or resuming it when its configuration matches).
    public init(configuration: TrainingConfiguration, run: TrainingRun, group: ProcessGroup = .single,
                encoder: InstructionEncoder? = nil, clip: CLIPVisualTrunk? = nil) throws {
        try configuration.validate()
        self.configuration = configuration
        self.run = run
        self.group = group
        let frozen = try FrozenComponents.resolve(for: configuration, clip: clip, encoder: encoder)
        self.encoder = frozen.encoder
        networks = try configuration.model.makeNetworks(
            width: configuration.width, rotations: configuration.rotations, cropSize: configuration.cropSize, seed: UInt64(configuration.seed),
            textDimension: self.encoder?.dimension ?? 1024, learningRate: configuration.learningRate, clip: frozen.clip)

        if FileManager.default.fileExists(atPath: run.configurationFile) {
            let stored = try run.loadConfiguration()
            if let difference = stored.difference(from: configuration) {
                throw TrainerError.runExists(path: run.path, reason: difference)
            }
        }
        if FileManager.default.fileExists(atPath: run.lastCheckpoint) {
            try TrainingCheckpoint.read(run.lastCheckpoint, into: networks, optimizers: true)
            startStep = try TrainingCheckpoint.info(run.lastCheckpoint).step
        } else {
            startStep = 0
        }
        if group.isRoot { try run.saveConfiguration(configuration) }
        try group.barrier()
    }

    /// Trains to `configuration.steps`, or until `shouldStop` (checked between steps, agreed by all
    /// processes) returns true; then writes `last.hdf5`.
    @discardableResult
    public func train(shouldStop: @escaping () -> Bool = { false }) throws -> Summary {
        let c = configuration
        var loaderConfiguration = LoaderConfiguration(mode: .training, batchSize: c.batch, seed: c.seed, workers: 2,
                                                      prefetchBatches: 4, augment: c.augment, nDemos: c.nDemos)
        loaderConfiguration.firstBatch = startStep * group.size + group.rank
        loaderConfiguration.batchStride = group.size
        let loader = try makeLoader(split: "train", configuration: loaderConfiguration)
        defer { loader.stop() }
        let metrics = group.isRoot ? try MetricsLog(path: run.metricsFile, resumingAfter: startStep) : nil
        var averager = GradientAverager(group: group)
        var progress = ProgressLine(label: "train")
        let parameters = networks.parameters
        let started = Date()
        var waiting = 0.0
        var step = startStep
        var lastLoss = Double.nan
        var interrupted = false
        var stepSeconds: [Double] = [], waitSeconds: [Double] = []
        if startStep > 0, group.isRoot { log("resuming \(run.path) from step \(startStep)") }

        while step < c.steps {
            var stop = [shouldStop() ? 1.0 : 0.0]
            try group.sum(&stop)
            if stop[0] > 0 { interrupted = true; break }

            let waitStart = Date()
            guard let batch = try loader.next() else { break }
            let waited = Date().timeIntervalSince(waitStart)
            waiting += waited
            networks.zeroGradients()
            var losses = [0.0, 0.0]
            for i in 0..<batch.count {
                let size = batch.rows * batch.cols * batch.channels
                let image = ImageTensor.channelsFirst(batch.images[(i * size)..<((i + 1) * size)], rows: batch.rows, cols: batch.cols)
                let text = try encoder?.feature(for: batch.instructions[i])
                let l = networks.accumulateGradients(
                    image: image, pick: (batch.picks[i].row, batch.picks[i].col),
                    place: (batch.places[i].row, batch.places[i].col), placeRotation: rotationBin(batch.rotationBins[i]), text: text)
                losses[0] += Double(l.attention); losses[1] += Double(l.transport)
            }
            if c.lossReduction == "sum" {
                // The summed cross-entropy's gradient is the mean's times the number of logits.
                let pickCount = Float(batch.rows * batch.cols), placeCount = pickCount * Float(c.rotations)
                for p in networks.attention.parameters { p.gradient.scale(by: pickCount) }
                for p in networks.transport.parameters { p.gradient.scale(by: placeCount) }
            }
            try averager.average(parameters, examplesPerProcess: batch.count)
            networks.applyGradients()
            try group.sum(&losses)
            let examples = Double(batch.count * group.size)
            stepSeconds.append(Date().timeIntervalSince(waitStart)); waitSeconds.append(waited)
            step += 1
            lastLoss = (losses[0] + losses[1]) / examples

            let elapsed = Date().timeIntervalSince(started)
            let rate = Double(step - startStep) / max(elapsed, 1e-9)
            // CLIPort's loss is the cross-entropy divided by the number of logits; the log also keeps the
            // cross-entropy itself (nats), which reads better: log(N) at chance, 0 when certain.
            let pickLogits = Double(batch.rows * batch.cols), placeLogits = pickLogits * Double(c.rotations)
            let pickEntropy = losses[0] / examples * pickLogits, placeEntropy = losses[1] / examples * placeLogits
            var fields: [String: Any] = ["step": step, "pick_loss": losses[0] / examples, "place_loss": losses[1] / examples,
                                         "pick_cross_entropy": pickEntropy, "place_cross_entropy": placeEntropy,
                                         "loss": lastLoss, "steps_per_second": rate, "elapsed_seconds": elapsed,
                                         "data_wait_seconds": waiting]
            let isSaveStep = c.saveSteps.contains(step)
            if isSaveStep {
                let validation = try validationLoss()
                if let validation { fields["validation_loss"] = validation }
                try checkRanksAgree(step: step)
                if group.isRoot {
                    try TrainingCheckpoint.write(networks, step: step, validationLoss: validation, configuration: c,
                                                 to: run.checkpoint(step: step))
                }
            }
            if group.isRoot {
                metrics?.append(fields)
                if isSaveStep || step % c.lastEvery == 0 || step == c.steps {
                    try TrainingCheckpoint.write(networks, step: step, validationLoss: nil, configuration: c, to: run.lastCheckpoint)
                }
                let eta = Double(c.steps - step) / max(rate, 1e-9)
                if showsProgress {
                    progress.show(String(format: "step %d/%d  %.2f steps/s  cross-entropy pick %.3f place %.3f  data wait %.0f%%  ETA %@",
                                         step, c.steps, rate, pickEntropy, placeEntropy,
                                         100 * waiting / max(elapsed, 1e-9), ProgressLine.formatDuration(eta)),
                                  force: step == c.steps)
                }
            }
        }
        if group.isRoot {
            if interrupted {
                try TrainingCheckpoint.write(networks, step: step, validationLoss: nil, configuration: c, to: run.lastCheckpoint)
            }
            progress.finish()
        }
        try group.barrier()
        let elapsed = Date().timeIntervalSince(started)
        return Summary(finalStep: step, interrupted: interrupted, lastLoss: lastLoss,
                       stepsPerSecond: Double(step - startStep) / max(elapsed, 1e-9), dataWaitShare: waiting / max(elapsed, 1e-9),
                       stepSeconds: stepSeconds, waitSeconds: waitSeconds)
    }

    /// Mean (pick + place) loss over the first `validationSamples` validation examples, or nil without
    /// validation data.
    func validationLoss() throws -> Double? {
        let n = configuration.validationSamples
        guard n > 0 else { return nil }
        let loaderConfiguration = LoaderConfiguration(mode: .validation, batchSize: 1, seed: configuration.seed, workers: 1,
                                                      prefetchBatches: 2, augment: false)
        guard let loader = try? makeLoader(split: "val", configuration: loaderConfiguration) else { return nil }
        defer { loader.stop() }
        var total = 0.0, count = 0
        while count < n, let batch = try loader.next() {
            let image = ImageTensor.channelsFirst(batch.images[...], rows: batch.rows, cols: batch.cols)
            let text = try encoder?.feature(for: batch.instructions[0])
            let l = networks.losses(image: image, pick: (batch.picks[0].row, batch.picks[0].col),
                                    place: (batch.places[0].row, batch.places[0].col), placeRotation: rotationBin(batch.rotationBins[0]),
                                    text: text)
            total += Double(l.attention + l.transport)
            count += 1
        }
        return count > 0 ? total / Double(count) : nil
    }

    /// The loader's label is one of CLIPort's 36 bins; a model with k rotations uses round(bin · k / 36) mod k.
    func rotationBin(_ bin36: Int) -> Int {
        let k = configuration.rotations
        guard k != RotationBins.cliport else { return bin36 }
        return Int((Double(bin36 * k) / Double(RotationBins.cliport)).rounded(.toNearestOrEven)) % k
    }

    private func checkRanksAgree(step: Int) throws {
        guard group.size > 1 else { return }
        guard try group.agree(on: weightFingerprint(networks.parameters)) else { throw TrainerError.ranksDisagree(step: step) }
    }

    /// The loader over the run's data for `split` ("train" reads `data`; "val" reads `validationData`
    /// or the `-val` siblings of `-train` folders, and throws when there are none).
    func makeLoader(split: String, configuration loaderConfiguration: LoaderConfiguration) throws -> Loader {
        let c = configuration
        if let group = c.group {
            return try Loader(root: c.data[0], group: group, split: split, configuration: loaderConfiguration)
        }
        var folders = c.data
        if split != "train" {
            folders = c.validationData.isEmpty ? c.data.compactMap(Self.validationSibling) : c.validationData
            guard !folders.isEmpty else { throw TrainerError.badOption("no validation data") }
        }
        let tasks = try folders.map { try TaskDataset(path: $0) }
        return try Loader(tasks: tasks, configuration: loaderConfiguration, strictDemos: split == "train" && tasks.count == 1)
    }

    /// `…/<task>-val` beside `…/<task>-train`, when it exists.
    static func validationSibling(_ path: String) -> String? {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard trimmed.hasSuffix("-train") else { return nil }
        let sibling = String(trimmed.dropLast("-train".count)) + "-val"
        return FileManager.default.fileExists(atPath: sibling) ? sibling : nil
    }
}
