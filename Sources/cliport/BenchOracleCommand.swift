import ArgumentParser
import Benchmarks
import Core
import Foundation
import Sim

/// `cliport bench oracle`: oracle success over the first N seeds of every task (or the ones named).
struct BenchOracleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oracle",
        abstract: "Oracle success over the first N seeds of each task, with steps and CPU per episode (nothing is written).",
        discussion: """
        Runs each task's oracle on seeds 0, 2, 4, ... (train), 1, 3, ... (val) or 10001, 10003, ... (test) in \
        this one process and counts the episodes whose total reward exceeds 0.99, as `cliport demos` keeps them. \
        Each task's row is printed to stderr as it finishes.
        """)
    // No default value in the declaration: ArgumentParser would print all the task names as the default.
    @Option(parsing: .upToNextOption, help: "Tasks to run (default: every task of `cliport tasks`).")
    var tasks: [String] = []
    @Option(help: "Split whose seeds are used: train, val or test.") var split: Split = .train
    @Option(parsing: .unconditional, help: "Seeds per task.") var episodes: Int = 100
    @OptionGroup var json: JSONOutputOptions

    func validate() throws {
        try requireOption("--episodes", episodes, in: 1...100_000)
        for name in tasks where !TaskRegistry.names.contains(name) {
            throw ValidationError("--tasks: unknown task \(name); `cliport tasks` lists the \(TaskRegistry.names.count) tasks")
        }
    }

    func run() throws {
        let result = try reportingErrors {
            try OracleSweep.run(tasks: tasks.isEmpty ? TaskRegistry.names : tasks, split: split, episodes: episodes) { row in
                FileHandle.standardError.write(Data(String(format: "%@ %d/%d (%.3f CPU-s per episode)\n",
                                                           row.task, row.successes, row.episodes, row.cpuSecondsPerEpisode).utf8))
            }
        }
        if json.enabled { printJSON(result) } else { print(result.table) }
    }
}
