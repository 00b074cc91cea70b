import ArgumentParser
import Foundation
import Recorder
import Sim

extension Split: ExpressibleByArgument {}

struct DemosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demos",
        abstract: "Generate successful oracle demonstrations of a task into HDF5 shards.",
        discussion: """
        Writes <out>/<task>-<split>/shard-NNNNN.hdf5 (or into --out itself when it already is that dataset).
        Seeds follow CLIPort: train 0, 2, 4, ...; val 1, 3, 5, ...; test 10001, 10003, ...
        Only episodes with total reward > 0.99 are kept; failed seeds are reported with their reason.
        Rerunning the same command continues after the last finished shard.
        """)

    @Option(help: "Task name (see `cliport tasks`).") var task: String
    @Option(help: "Split: train, val or test.") var split: Split = .train
    @Option(name: .customLong("n"), help: "Number of successful episodes wanted in the dataset.") var count: Int
    @Option(help: "Output folder (the dataset goes in <out>/<task>-<split>/).") var out: String = "datasets"
    @Option(help: "Episodes per shard file.") var episodesPerShard: Int = 100
    @Flag(help: "Print the run's report as JSON on stdout.") var json = false

    func run() throws {
        let generator = DemoGenerator(options: .init(task: task, split: split, count: count, out: out,
                                                     episodesPerShard: episodesPerShard))
        let report = try reportingErrors { try generator.run() }
        if json { printJSON(report); return }
        let failed = report.failures.values.reduce(0, +)
        print("wrote \(report.saved) episodes to \(report.dataset)"
              + (report.alreadyThere > 0 ? " (\(report.alreadyThere) were already there)" : ""))
        print(String(format: "attempted %d seeds, %d succeeded (%.1f%%), %.1f s wall, %.2f CPU-s per saved episode",
                     report.attempted, report.attempted - failed,
                     100 * Double(report.attempted - failed) / Double(max(report.attempted, 1)),
                     report.wallSeconds, report.cpuSeconds / Double(max(report.saved, 1))))
        if failed > 0 {
            print("failures: " + report.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            for f in report.failureExamples { print("  seed \(f.seed): \(f.reason)") }
        }
    }
}
