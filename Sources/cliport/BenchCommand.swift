import ArgumentParser
import Foundation
import Recorder

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks: figures and ratios, never pass/fail.",
        subcommands: [Demos.self, All.self])

    struct Demos: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Demo generation: seconds per episode by stage, CPU per episode, bytes per observation.")
        @Option(help: "Task to generate.") var task: String = "put-block-in-bowl-seen-colors"
        @Option(help: "Successful episodes to generate.") var episodes: Int = 20
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            let result = try reportingErrors { try DemoBenchmark.run(task: task, episodes: episodes) }
            if json { printJSON(result) } else { print(result.table) }
        }
    }

    struct All: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run every benchmark with its defaults.")
        @Flag(help: "Print one JSON object per benchmark, one per line.") var json = false

        func run() throws {
            let demos = try reportingErrors { try DemoBenchmark.run(task: "put-block-in-bowl-seen-colors", episodes: 20) }
            if json { printJSON(demos) } else { print(demos.table) }
        }
    }
}
