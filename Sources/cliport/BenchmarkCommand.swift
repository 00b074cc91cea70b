import ArgumentParser
import Core
import Foundation
import Recorder
import Sim
import Trainer

struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "CLIPort's table here: make data, train single- and multi-task models, score them on val and test, beside the paper.",
        discussion: """
            For each task: train and val datasets (`cliport demos`, reused when present with the same plan), one multi-task \
            run over all tasks (examples drawn from the tasks uniformly), then a single-task run per task (or per \
            --single-tasks); every save-step checkpoint \
            is rolled out on val and the best on test. Writes OUT/plan.json, OUT/data/<task>-<split>/, OUT/runs/single/<task>/, \
            OUT/runs/multi/, OUT/table.json and OUT/table.md (ours beside CLIPort's Table 1) and OUT/timings.json. Everything \
            resumes: run the same command again to continue where it stopped (Ctrl-C stops after the step or episode in \
            flight). Another plan into the same --out is refused. See docs/results.md.
            """)

    @Option(parsing: .upToNextOption, help: "Tasks to train and score (the default: the ten language families of CLIPort's Table 1, seen variants).")
    var tasks: [String] = LanguageTaskFamilies.seen
    @Option(parsing: .upToNextOption, help: "Tasks that also get a single-task run (default: every one of --tasks).")
    var singleTasks: [String] = []
    @Option(parsing: .unconditional, help: "Train episodes per task (CLIPort's n_demos).") var nDemos: Int = 100
    @Option(parsing: .unconditional, help: "Val episodes per task (for the validation losses in the metrics; 0: none).") var valDemos: Int = 10
    @Option(help: "The agent: transporter-lang (needs no download), cliport (needs --clip-weights), or any of `cliport agents`.")
    var model: AgentModel = .transporterLang
    @Option(help: "Sentence encoder (default: the model's; see `cliport train --help`).") var textEncoder: InstructionEncoderKind?
    @Option(help: "CLIP weights imported with `cliport weights import` (for --model cliport or --text-encoder clip).") var clipWeights: String?
    @Option(help: "CLIP's BPE vocabulary (make setup fetches it).") var clipVocab: String?
    @Option(parsing: .unconditional, help: "Optimiser steps of each single-task run.") var steps: Int
    @Option(parsing: .unconditional, help: "Optimiser steps of the multi-task run (default: --steps).") var multiSteps: Int?
    @Option(parsing: .upToNextOption, help: "Checkpoint steps (default: CLIPort's 1000, 2000, 3000, 4000, 5000, 7000, 10000, …, and the last).")
    var saveSteps: [Int] = []
    @Option(parsing: .unconditional, help: "Examples per step.") var batch: Int = 1
    @Option(parsing: .unconditional, help: "Channel width multiplier (1 = CLIPort's networks).") var width: Double = 1
    @Option(parsing: .unconditional, help: "Place rotations (CLIPort's n_rotations).") var rotations: Int = 36
    @Option(parsing: .unconditional, help: .hidden) var cropSize: Int = 64
    @Option(parsing: .unconditional, help: "Adam learning rate.") var lr: Float = 1e-4
    @Option(help: "Loss reduction over the logits: sum (the cross-entropy) or mean (CLIPort's code).") var loss: LossReduction = .sum
    @Option(parsing: .unconditional, help: "Seed of the initial weights and of the data stream.") var seed: Int = 0
    @Option(parsing: .unconditional, help: "Validation examples per task scored at each save step (0: none).") var valSamples: Int = 50
    @Option(help: "single (one run per task), multi (one run over all tasks) or both.") var mode: BenchmarkMode = .both
    @Option(parsing: .unconditional, help: "Val rollouts of each save-step checkpoint.") var valEpisodes: Int = 100
    @Option(parsing: .unconditional, help: "Test rollouts of the best checkpoint on val.") var testEpisodes: Int = 100
    @Flag(help: "Also score every model on the unseen variant of each task that has one.") var unseen = false
    @OptionGroup var look: SceneLookOptions
    @Option(help: ArgumentHelp("CLIPort's asset folder for the google-objects tasks (default: built-in objects).", valueName: "dir"))
    var assets: String?
    @Option(help: "Dataset root holding <task>-<split>/ folders, made or reused (default: OUT/data).") var data: String?
    @Option(parsing: .unconditional, help: "Demo worker processes (default: the number of cores).") var workers: Int?
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var json: JSONOutputOptions
    @Option(help: "The benchmark folder.") var out: String

    func validate() throws {
        guard !tasks.isEmpty else { throw ValidationError("--tasks needs at least one task (see `cliport tasks`)") }
        try requireOption("--n-demos", nDemos, in: 1...GenerationPlan.valEpisodes)
        try requireOption("--val-demos", valDemos, in: 0...GenerationPlan.valEpisodes)
        try requireOption("--steps", steps, in: TrainingConfiguration.stepsRange)
        if let multiSteps { try requireOption("--multi-steps", multiSteps, in: TrainingConfiguration.stepsRange) }
        for step in saveSteps { try requireOption("--save-steps", step, in: TrainingConfiguration.stepsRange) }
        try requireOption("--batch", batch, in: TrainingConfiguration.batchRange)
        try requireWidth(width)
        try requireOption("--rotations", rotations, in: TrainingConfiguration.rotationsRange)
        try requireOption("--crop-size", cropSize, in: TrainingConfiguration.cropSizeRange)
        guard cropSize % 2 == 0 else { throw ValidationError("--crop-size must be even (got \(cropSize))") }
        guard lr > 0, lr <= TrainingConfiguration.learningRateLimit else {
            throw ValidationError("--lr must be in (0, \(TrainingConfiguration.learningRateLimit)] (got \(lr))")
        }
        try requireOption("--seed", seed, in: TrainingConfiguration.seedRange)
        try requireOption("--val-samples", valSamples, in: TrainingConfiguration.validationSamplesRange)
        try requireOption("--val-episodes", valEpisodes, in: Evaluator.episodesRange)
        try requireOption("--test-episodes", testEpisodes, in: Evaluator.episodesRange)
        if let workers { try requireOption("--workers", workers, in: 1...DemoGenerator.maxWorkers) }
    }

    func run() throws {
        StopSignal.install()
        ComputeThreads.configure(threads: threads.count)
        let folder = BenchmarkFolder(path: out)
        let plan = BenchmarkPlan(tasks: tasks, singleTasks: singleTasks.isEmpty ? nil : singleTasks, nDemos: nDemos, valDemos: valDemos, model: model, textEncoder: textEncoder,
                                 clipWeights: clipWeights, clipVocab: clipVocab, steps: steps, multiSteps: multiSteps,
                                 saveSteps: saveSteps.isEmpty ? nil : saveSteps, batch: batch, width: width, rotations: rotations,
                                 cropSize: cropSize, lr: lr, loss: loss, seed: seed, valSamples: valSamples, mode: mode, valEpisodes: valEpisodes,
                                 testEpisodes: testEpisodes, unseen: unseen, look: look.look, assets: assets,
                                 data: data ?? folder.defaultDataRoot)
        let workers = self.workers ?? ProcessInfo.processInfo.activeProcessorCount
        let outcome = try reportingErrors { () -> BenchmarkRunner.Outcome in
            let runner: BenchmarkRunner
            do {
                runner = try BenchmarkRunner(plan: plan, folder: folder, demos: Self.demoSource(workers: workers))
            } catch let error as BenchmarkError {
                throw BenchmarkCommandMessage(error)
            }
            return try runner.run(shouldStop: { StopSignal.requested })
        }
        if json.enabled { printJSON(outcome.table) } else { print(try String(contentsOfFile: folder.tableMarkdown, encoding: .utf8)) }
        if outcome.stopped {
            FileHandle.standardError.write(Data("stopped; the work done is kept: run the same command to continue (\(folder.path))\n".utf8))
            throw ExitCode(130)
        }
    }

    /// The Recorder's generator as the benchmark's dataset source: `workers` processes of this program.
    static func demoSource(workers: Int) -> DemoSource {
        { request in
            let generator = DemoGenerator(options: .init(
                task: request.task, split: request.split, count: request.episodes, out: request.root, workers: workers,
                workerExecutable: currentExecutable(), assets: request.assets, look: request.look))
            let report = try generator.run()
            return DemoOutcome(complete: report.datasetComplete, saved: report.saved, alreadyThere: report.alreadyThere)
        }
    }
}

extension BenchmarkMode: ExpressibleByArgument {}

/// A benchmark error told in `cliport benchmark`'s options rather than plan.json's keys.
struct BenchmarkCommandMessage: Error, CustomStringConvertible {
    var description: String

    init(_ error: BenchmarkError) {
        switch error {
        case let .planMismatch(path, differences):
            let option = { (key: String) in "--" + key.replacingOccurrences(of: "_", with: "-") }
            let list = differences.map { "\(option($0.key)) \($0.requested) where its plan has \($0.stored)" }
            description = "\(path) holds a benchmark with another plan (\(list.joined(separator: "; "))); rerun with its options "
                + "(\(path)/plan.json) to continue it, or choose another --out"
        default:
            description = error.description
        }
    }
}
