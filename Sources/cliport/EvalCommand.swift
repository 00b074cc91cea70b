import ArgumentParser
import Core
import Foundation
import Recorder
import Sim
import Trainer

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Roll out a run's checkpoints in the simulator: every checkpoint on val, the best on test.",
        discussion: "Score = mean total reward x 100 over the split's first N seeds (CLIPort's eval.py). Results: RUN/eval/<task>-<split>.json.")

    @Option(name: .customLong("run"), help: "The run folder written by `cliport train`.") var runFolder: String
    @Option(help: "Task to evaluate on.") var task: String
    @Option(help: "val (every checkpoint), test (the best on val) or train (every checkpoint).") var split: Split = .val
    @Option(parsing: .unconditional, help: "Episodes (seeds of the split).") var n: Int = 100
    @Option(help: "Only this checkpoint (a file name in RUN/checkpoints, or a path).") var checkpoint: String?
    @Option(parsing: .unconditional, help: "Episodes per checkpoint to draw affordance pictures for (RUN/eval/pictures).") var pictures: Int = 0
    @OptionGroup var look: SceneLookOptions
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var json: JSONOutputOptions

    func validate() throws {
        // No episodes would score 0.0, as if the agent had failed them all.
        try requireOption("--n", n, in: Evaluator.episodesRange)
        try requireOption("--pictures", pictures, in: 0...n)
    }

    func run() throws {
        StopSignal.install()
        ComputeThreads.configure(threads: threads.count)
        let results = try reportingErrors {
            try Evaluator(run: TrainingRun(path: runFolder)).evaluate(task: task, split: split, n: n, checkpoint: checkpoint,
                                                                pictures: pictures, look: look.look,
                                                                shouldStop: { StopSignal.requested })
        }
        if json.enabled { printJSON(results); return }
        for r in results.checkpoints {
            print(String(format: "%@  step %6d  score %5.1f  (mean reward %.3f over %d episodes)", r.checkpoint, r.step, r.score,
                         r.meanReward, r.episodes.count))
        }
        if let best = results.best { print("best: \(best.checkpoint) with \(String(format: "%.1f", best.score))") }
    }
}
