import ArgumentParser
import Benchmarks
import Foundation
import Recorder
import Trainer

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks: figures and ratios, never pass/fail.",
        subcommands: [Demos.self, BenchModelCommand.self, BenchLoaderCommand.self, Train.self, All.self])

    struct Demos: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Demo generation: seconds per episode by stage, CPU per episode, bytes per observation; "
                + "episodes per hour with 1 and 2 worker processes for three tasks and the scaling efficiency.")
        @Option(help: "Task to generate.") var task: String = "put-block-in-bowl-seen-colors"
        @Option(help: "Successful episodes to generate.") var episodes: Int = 20
        @Option(parsing: .upToNextOption, help: "Tasks of the 1-vs-2-worker comparison.") var scalingTasks: [String] = DemosScaling.tasks
        @Option(help: "Successful episodes per task and worker count in the comparison (0 skips it).") var scalingEpisodes: Int = 16
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            let result = try reportingErrors { try DemoBenchmark.run(task: task, episodes: episodes) }
            if json { printJSON(result) } else { print(result.table) }
            guard scalingEpisodes > 0 else { return }
            let scaling = try reportingErrors {
                try DemoBenchmark.scaling(tasks: scalingTasks, episodes: scalingEpisodes, executable: currentExecutable())
            }
            if json { printJSON(scaling) } else { print(scaling.table) }
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Training: seconds per step of each model through the real trainer, and the share spent waiting for data.")
        @Option(parsing: .upToNextOption, help: "Models to time.") var models: [String] = AgentModel.allCases.map(\.rawValue)
        @Option(help: "Channel width multiplier (1 = CLIPort's networks).") var width: Double = 1
        @Option(help: "Timed steps per model (after one warm-up step).") var steps: Int = 3
        @Option(help: "BLAS threads (default: all cores).") var threads: Int?
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            let result = try reportingErrors {
                try TrainingBenchmark.run(models: try models.map(AgentModel.named), width: width, steps: steps, threads: threads)
            }
            if json { printJSON(result) } else { print(result.table) }
        }
    }

    struct All: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run every benchmark with its defaults.")
        @Flag(help: "Print one JSON object per benchmark, one per line.") var json = false

        func run() throws {
            let demos = try reportingErrors { try DemoBenchmark.run(task: "put-block-in-bowl-seen-colors", episodes: 20) }
            if json { printJSON(demos) } else { print(demos.table) }
            let scaling = try reportingErrors {
                try DemoBenchmark.scaling(tasks: DemosScaling.tasks, episodes: 16, executable: currentExecutable())
            }
            if json { printJSON(scaling) } else { print(scaling.table) }
        }
    }
}

/// The three tasks of the worker-scaling comparison (issue #6 asks for three; these are the tasks that exist).
enum DemosScaling {
    static let tasks = ["put-block-in-bowl-seen-colors", "put-block-in-bowl-unseen-colors", "put-block-in-bowl-full"]
}
