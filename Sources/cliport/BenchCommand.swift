import ArgumentParser
import Benchmarks
import Foundation
import Model
import Recorder
import Sim
import Trainer

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks: figures and ratios, never pass/fail.",
        subcommands: [Demos.self, BenchModelCommand.self, BenchKernelsCommand.self, BenchLoaderCommand.self, Train.self, BenchOracleCommand.self, All.self])

    struct Demos: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Demo generation: seconds per episode by stage, CPU per episode, bytes per observation; "
                + "episodes per hour with 1 and 2 worker processes for three tasks and the scaling efficiency.")
        @Option(help: "Task to generate.") var task: String = "put-block-in-bowl-seen-colors"
        @Option(parsing: .unconditional, help: "Successful episodes to generate.") var episodes: Int = 20
        @Option(parsing: .upToNextOption, help: "Tasks of the 1-vs-2-worker comparison.") var scalingTasks: [String] = DemosScaling.tasks
        @Option(parsing: .unconditional, help: "Successful episodes per task and worker count in the comparison (0 skips it).")
        var scalingEpisodes: Int = 16
        @OptionGroup var look: SceneLookOptions
        @OptionGroup var json: JSONOutputOptions

        func validate() throws {
            try requireOption("--episodes", episodes, in: 1...100_000)
            try requireOption("--scaling-episodes", scalingEpisodes, in: 0...100_000)
        }

        func run() throws {
            let result = try reportingErrors { try DemoBenchmark.run(task: task, episodes: episodes, look: look.look) }
            if !json.enabled { print(result.table) }
            let scaling = scalingEpisodes == 0 ? nil : try reportingErrors {
                try DemoBenchmark.scaling(tasks: scalingTasks, episodes: scalingEpisodes, executable: currentExecutable(),
                                          look: look.look)
            }
            if json.enabled { printJSON(DemoBenchmark.Report(generation: result, scaling: scaling)) } else if let scaling { print(scaling.table) }
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Training: seconds per step of each model through the real trainer, and the share spent waiting for data.")
        @Option(parsing: .upToNextOption, help: "Models to time (any of `cliport agents`).") var models: [AgentModel] = [.transporter, .transporterLang, .cliport]
        @Option(help: "Channel width multiplier (1 = CLIPort's networks).") var width: Double = 1
        @Option(parsing: .unconditional, help: "Timed steps per model (after one warm-up step).") var steps: Int = 3
        @Option(help: "CLIP weights imported with `cliport weights import` for the cliport model (default: a random full-size RN50 trunk).")
        var clipWeights: String?
        @Option(help: "How the frozen CLIP trunk's batch norms run (default: batch-statistics, as `cliport train`).")
        var clipBatchnorm: CLIPBatchNorm?
        @OptionGroup var threads: ThreadOptions
        @OptionGroup var json: JSONOutputOptions

        func validate() throws {
            try requireWidth(width)
            try requireOption("--steps", steps, in: 1...1_000_000)
        }

        func run() throws {
            let result = try reportingErrors {
                try TrainingBenchmark.run(models: models, width: width, steps: steps, threads: threads.count,
                                          clipWeights: clipWeights, clipBatchNorm: clipBatchnorm)
            }
            if json.enabled { printJSON(result) } else { print(result.table) }
        }
    }

    struct All: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run every benchmark with its defaults.")
        @OptionGroup var json: JSONOutputOptions

        func run() throws {
            let demos = try reportingErrors { try DemoBenchmark.run(task: "put-block-in-bowl-seen-colors", episodes: 20) }
            if !json.enabled { print(demos.table) }
            let scaling = try reportingErrors {
                try DemoBenchmark.scaling(tasks: DemosScaling.tasks, episodes: 16, executable: currentExecutable())
            }
            if json.enabled { printJSON(DemoBenchmark.Report(generation: demos, scaling: scaling)) } else { print(scaling.table) }
        }
    }
}

/// The three tasks of the worker-scaling comparison (issue #6 asks for three; these are the tasks that exist).
enum DemosScaling {
    static let tasks = ["put-block-in-bowl-seen-colors", "put-block-in-bowl-unseen-colors", "put-block-in-bowl-full"]
}
