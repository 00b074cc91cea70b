import Core
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
    /// The CLIP trunks' shared train-mode switch (models with CLIP's visual trunk): on in training steps
    /// with `clipBatchNorm` batch statistics, off in validation, as Lightning's train()/eval() around
    /// CLIPort's `training_step` and `validation_step`.
    let clipTrainMode: CLIPTrainMode?
    /// The step the run starts from (0, or the step of `last.hdf5` when resuming).
    public let startStep: Int
    /// The training and validation data, listed once (nil: no validation data).
    let trainingData: LoaderTasks
    let validationData: LoaderTasks?

    /// Progress and summaries (rank 0 only); defaults to standard error.
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Show the progress line (steps/s, losses, data wait, ETA) on standard error.
    public var showsProgress = true
    /// Called after each finished step with its number (a caller's own progress, e.g. `cliport benchmark`'s).
    public var stepFinished: ((Int) -> Void)?

    public struct Summary: Equatable, Sendable {
        public var finalStep: Int
        public var interrupted: Bool
        /// CLIPort's per-logit loss (pick + place) of the last step, as `loss` in metrics.jsonl.
        public var lastLoss: Double
        /// The last step's cross-entropies (nats), as the progress line shows them.
        public var lastPickCrossEntropy = Double.nan
        public var lastPlaceCrossEntropy = Double.nan
        public var stepsPerSecond: Double
        /// Share of the wall time spent waiting for the loader.
        public var dataWaitShare: Double
        /// Wall seconds of each step of this call, and the part of each spent waiting for data.
        public var stepSeconds: [Double]
        public var waitSeconds: [Double]
        /// CPU seconds (all threads of the process, the loader's included) of each step of this call.
        public var stepCPUSeconds: [Double]
    }

    /// Prepares a run in `run` (creating it, or resuming it when its configuration matches). Everything
    /// that can be refused (settings, data, the stored run) is checked before anything is written.
    public init(configuration: TrainingConfiguration, run: TrainingRun, group: ProcessGroup = .single,
                encoder: InstructionEncoder? = nil, clip: CLIPVisualTrunk? = nil, imageNet: ImageNetResNetTrunk? = nil) throws {
        try configuration.validate()
        self.configuration = configuration
        self.run = run
        self.group = group
        trainingData = try Self.tasks(configuration, split: .train)
        // Validation folders named in the settings must read; the implied ones (`-val` siblings, a group's
        // val split) are used when they do.
        validationData = configuration.validationData.isEmpty ? try? Self.tasks(configuration, split: .val)
                                                              : try Self.tasks(configuration, split: .val)
        for task in trainingData.tasks {
            try configuration.model.checkImageSize(rows: task.heightmapSize.rows, cols: task.heightmapSize.cols,
                                                   cropSize: configuration.cropSize)
        }
        let frozen = try FrozenComponents.resolve(for: configuration, clip: clip, encoder: encoder, imageNet: imageNet)
        self.encoder = frozen.encoder
        clipTrainMode = configuration.model.needsCLIPVisualTrunk ? frozen.clip?.trainMode : nil
        networks = try configuration.model.makeNetworks(
            width: configuration.width, rotations: configuration.rotations, cropSize: configuration.cropSize, seed: UInt64(configuration.seed),
            textDimension: self.encoder?.dimension ?? 1024, learningRate: configuration.learningRate, clip: frozen.clip,
            imageNet: frozen.imageNet, textProjection: AgentModel.textProjection(for: frozen.encoder?.kind))

        if FileManager.default.fileExists(atPath: run.configurationFile) {
            let stored = try run.loadConfiguration()
            let differences = stored.differences(from: configuration)
            guard differences.isEmpty else { throw TrainerError.runExists(path: run.path, differences: differences) }
        }
        if FileManager.default.fileExists(atPath: run.lastCheckpoint) {
            startStep = try Self.resume(from: run, into: networks)
        } else {
            startStep = 0
        }
        // The loader refuses what the listing cannot see (more --n-demos than episodes, mixed image sizes).
        _ = try makeLoader(trainingData, configuration: trainingLoaderConfiguration())
        if group.isRoot { try run.saveConfiguration(configuration) }
        try group.barrier()
    }

    /// Trains to `configuration.steps`, or until `shouldStop` (checked between steps, agreed by all
    /// processes) returns true; then writes `last.hdf5`.
    @discardableResult
    public func train(shouldStop: @escaping () -> Bool = { false }) throws -> Summary {
        let c = configuration
        let loader = try makeLoader(trainingData, configuration: trainingLoaderConfiguration())
        defer { loader.stop() }
        let metricsLog = group.isRoot ? try MetricsLog(path: run.metricsFile, resumingAfter: startStep) : nil
        var averager = GradientAverager(group: group)
        var progress = ProgressLine(label: "train")
        let parameters = networks.parameters
        let started = Date()
        var waiting = 0.0
        var step = startStep
        var lastLoss = Double.nan
        var lastEntropies = (pick: Double.nan, place: Double.nan)
        var interrupted = false
        var stepSeconds: [Double] = [], waitSeconds: [Double] = [], stepCPUSeconds: [Double] = []
        if startStep > 0, group.isRoot { log("resuming \(run.path) from step \(startStep)") }

        while step < c.steps {
            var stop = [shouldStop() ? 1.0 : 0.0]
            try group.sum(&stop)
            if stop[0] > 0 { interrupted = true; break }

            let waitStart = Date(), cpuStart = ProcessClock.cpuSeconds()
            guard let batch = try loader.next() else { break }
            let waited = Date().timeIntervalSince(waitStart)
            waiting += waited
            networks.zeroGradients()
            var losses = [0.0, 0.0]
            clipTrainMode?.usesBatchStatistics = c.clipBatchNorm == .batchStatistics
            defer { clipTrainMode?.usesBatchStatistics = false }
            for sample in batch.samples {
                let text = try encoder?.feature(for: sample.instruction)
                let rotation = RotationBins.fromCLIPort(sample.rotationBin, to: configuration.rotations)
                let l = networks.accumulateGradients(
                    image: ImageTensor.input(sample), pick: (sample.pick.row, sample.pick.col),
                    place: (sample.place.row, sample.place.col), placeRotation: rotation, text: text)
                losses[0] += Double(l.attention); losses[1] += Double(l.transport)
            }
            clipTrainMode?.usesBatchStatistics = false
            let pixels = batch.samples[0].rows * batch.samples[0].cols
            if c.lossReduction == .sum {
                // The summed cross-entropy's gradient is the mean's times the number of logits.
                let pickCount = Float(pixels), placeCount = pickCount * Float(c.rotations)
                for p in networks.attention.parameters { p.gradient.scale(by: pickCount) }
                for p in networks.transport.parameters { p.gradient.scale(by: placeCount) }
            }
            try averager.average(parameters, examplesPerProcess: batch.count)
            networks.applyGradients()
            try group.sum(&losses)
            let examples = Double(batch.count * group.size)
            stepSeconds.append(Date().timeIntervalSince(waitStart)); waitSeconds.append(waited)
            stepCPUSeconds.append(ProcessClock.cpuSeconds() - cpuStart)
            step += 1
            lastLoss = (losses[0] + losses[1]) / examples

            let elapsed = Date().timeIntervalSince(started)
            let rate = Double(step - startStep) / max(elapsed, 1e-9)
            // CLIPort's loss is the cross-entropy divided by the number of logits; the log also keeps the
            // cross-entropy itself (nats), which reads better: log(N) at chance, 0 when certain.
            let pickLogits = Double(pixels), placeLogits = pickLogits * Double(c.rotations)
            let pickEntropy = losses[0] / examples * pickLogits, placeEntropy = losses[1] / examples * placeLogits
            lastEntropies = (pickEntropy, placeEntropy)
            var metrics = StepMetrics(step: step, pickLoss: losses[0] / examples, placeLoss: losses[1] / examples,
                                      pickCrossEntropy: pickEntropy, placeCrossEntropy: placeEntropy, loss: lastLoss,
                                      stepsPerSecond: rate, elapsedSeconds: elapsed, dataWaitSeconds: waiting,
                                      tasks: exampleTasks(step: step, own: batch.tasks, plan: loader.plan))
            let isSaveStep = c.saveSteps.contains(step)
            if isSaveStep {
                let scored = try validationScores()
                let validation = scored?.mean
                metrics.validationLoss = validation
                metrics.validationLossByTask = scored?.lossByTask
                metrics.validationActionErrorsByTask = scored?.actionErrorsByTask
                try checkRanksAgree(step: step)
                if group.isRoot {
                    try TrainingCheckpoint.write(networks, step: step, validationLoss: validation, configuration: c,
                                                 to: run.checkpoint(step: step))
                }
            }
            if group.isRoot {
                metricsLog?.append(metrics)
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
            stepFinished?(step)
            // Its image buffers go back to the loader's workers: the next samples are decoded into them.
            loader.recycle(batch)
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
                       lastPickCrossEntropy: lastEntropies.pick, lastPlaceCrossEntropy: lastEntropies.place,
                       stepsPerSecond: Double(step - startStep) / max(elapsed, 1e-9), dataWaitShare: waiting / max(elapsed, 1e-9),
                       stepSeconds: stepSeconds, waitSeconds: waitSeconds, stepCPUSeconds: stepCPUSeconds)
    }

    /// The task of each example of `step` over all processes: this process's from its batch, the others'
    /// from the sampling plan (the loader's draws are a pure function of the example's position).
    func exampleTasks(step: Int, own: [String], plan: SamplingPlan) -> [String] {
        guard group.size > 1 else { return own }
        let perBatch = configuration.batch
        return (0..<group.size).flatMap { rank -> [String] in
            if rank == group.rank { return own }
            let b = (step - 1) * group.size + rank
            return (b * perBatch..<(b + 1) * perBatch).map { plan.tasks[plan.trainingDraw($0).task].task }
        }
    }

    /// Mean (pick + place) loss over the first `validationSamples` validation examples of each task: over
    /// all of them, and per task, with each task's action errors; nil without validation data. One task's
    /// examples are those of CLIPort's single-task validation; a multi-task run scores every task, not only
    /// the first one listed.
    func validationScores() throws -> (mean: Double, lossByTask: [String: Double], actionErrorsByTask: [String: ActionErrors])? {
        guard configuration.validationSamples > 0, let validationData else { return nil }
        let scorer = DemonstrationScorer(networks: networks, encoder: encoder, model: configuration.model,
                                         rotations: configuration.rotations, seed: configuration.seed)
        let scores = try scorer.score(validationData.tasks, samples: configuration.validationSamples)
        let count = scores.reduce(0) { $0 + $1.score.actionErrors.examples }
        guard count > 0 else { return nil }
        let total = scores.reduce(0) { $0 + $1.score.lossTotal }
        let byTask = Dictionary(scores.map { ($0.task, $0.score) }, uniquingKeysWith: { _, last in last })
        return (total / Double(count), byTask.mapValues(\.meanLoss), byTask.mapValues(\.actionErrors))
    }

    private func checkRanksAgree(step: Int) throws {
        guard group.size > 1 else { return }
        guard try group.agree(on: weightFingerprint(networks.parameters)) else { throw TrainerError.ranksDisagree(step: step) }
    }

    /// The stream of this process: batches from the resumed step on, every `group.size`-th from its rank.
    func trainingLoaderConfiguration() -> LoaderConfiguration {
        let c = configuration
        var loaderConfiguration = LoaderConfiguration(mode: .training, batchSize: c.batch, seed: c.seed, workers: 2,
                                                      prefetchBatches: 4, augment: c.augment, goalImages: c.model.needsGoalImage,
                                                      nDemos: c.nDemos)
        loaderConfiguration.firstBatch = startStep * group.size + group.rank
        loaderConfiguration.batchStride = group.size
        return loaderConfiguration
    }

    /// A loader's datasets, listed, and how they are sampled.
    struct LoaderTasks {
        var tasks: [TaskDataset]
        /// Sampling weights of a group (nil: uniform).
        var weights: [Double]?
        /// A single task's dataset refuses more `nDemos` than it has (CLIPort's single-task dataset).
        var strictDemos: Bool
    }

    func makeLoader(_ data: LoaderTasks, configuration loaderConfiguration: LoaderConfiguration) throws -> Loader {
        try Loader(tasks: data.tasks, weights: data.weights, configuration: loaderConfiguration, strictDemos: data.strictDemos)
    }

    /// The run's data for `split`: `.train` reads `data`; `.val` reads `validationData` or the `-val`
    /// siblings of `-train` folders, and throws `noValidationData` when there are none.
    static func tasks(_ c: TrainingConfiguration, split: Split) throws -> LoaderTasks {
        if let group = c.group {
            let (tasks, weights) = try Loader.tasks(root: c.data[0], group: group, split: split)
            return LoaderTasks(tasks: tasks, weights: weights, strictDemos: split == .train && tasks.count == 1)
        }
        var folders = c.data
        if split != .train {
            folders = c.validationData.isEmpty ? c.data.compactMap(Self.validationSibling) : c.validationData
            guard !folders.isEmpty else { throw TrainerError.noValidationData }
        }
        let tasks = try folders.map { try TaskDataset(path: $0) }
        return LoaderTasks(tasks: tasks, weights: nil, strictDemos: split == .train && tasks.count == 1)
    }

    /// Reads `last.hdf5` into `networks` and returns its step. A damaged one is refused with the newest
    /// save-step checkpoint that reads whole, to resume from.
    static func resume(from run: TrainingRun, into networks: TransporterAgentNetworks) throws -> Int {
        do {
            let step = try TrainingCheckpoint.info(run.lastCheckpoint).step
            try TrainingCheckpoint.read(run.lastCheckpoint, into: networks, optimizers: true)
            return step
        } catch {
            let newest = run.savedCheckpoints().reversed().first { saved in
                (try? TrainingCheckpoint.info(saved.path)) != nil
                    && (try? TrainingCheckpoint.read(saved.path, into: networks, optimizers: true)) != nil
            }
            throw TrainerError.damagedCheckpoint(path: run.lastCheckpoint, reason: "\(error)", newestValid: newest?.path)
        }
    }

    /// `…/<task>-val` beside `…/<task>-train`, when it exists.
    static func validationSibling(_ path: String) -> String? {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard trimmed.hasSuffix("-train") else { return nil }
        let sibling = String(trimmed.dropLast("-train".count)) + "-val"
        return FileManager.default.fileExists(atPath: sibling) ? sibling : nil
    }
}
