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
        discussion: """
            Score = mean total reward x 100 over the split's first N seeds (CLIPort's eval.py). Results: RUN/eval/<task>-<split>.json.

            With --against-demos, no simulator: each checkpoint is scored on the first N examples of the run's own train or val \
            data for the task (mean loss, and the median distance of the predicted pick, place and rotation from the demonstrated ones).
            """)

    @Option(name: .customLong("run"), help: "The run folder written by `cliport train`.") var runFolder: String
    @Option(help: "Task to evaluate on.") var task: String
    @Option(help: "val (every checkpoint), test (the best on val) or train (every checkpoint).") var split: Split = .val
    @Option(parsing: .unconditional, help: "Episodes (seeds of the split); with --against-demos, examples.") var n: Int = 100
    @Option(help: "Only this checkpoint (a file name in RUN/checkpoints, or a path).") var checkpoint: String?
    @Option(parsing: .unconditional, help: "Episodes per checkpoint to draw affordance pictures for (RUN/eval/pictures).") var pictures: Int = 0
    @Flag(help: "Score against the run's recorded demonstrations instead of rolling out (train or val).") var againstDemos = false
    @OptionGroup var look: SceneLookOptions
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var json: JSONOutputOptions

    func validate() throws {
        // No episodes would score 0.0, as if the agent had failed them all.
        try requireOption("--n", n, in: Evaluator.episodesRange)
        try requireOption("--pictures", pictures, in: 0...n)
        if againstDemos, pictures > 0 { throw ValidationError("--pictures draws rollouts; --against-demos rolls nothing out") }
    }

    func run() throws {
        StopSignal.install()
        ComputeThreads.configure(threads: threads.count)
        if againstDemos { return try scoreAgainstDemonstrations() }
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

    private func scoreAgainstDemonstrations() throws {
        let scores = try reportingErrors {
            try Evaluator(run: TrainingRun(path: runFolder)).scoreAgainstDemonstrations(
                task: task, split: split, samples: n, checkpoint: checkpoint, shouldStop: { StopSignal.requested })
        }
        if json.enabled { printJSON(scores); return }
        for s in scores {
            let e = s.actionErrors
            print(String(format: "%@  step %6d  loss %.3g  pick %.1f px  place %.1f px  rotation %.0f deg  place within 1 cm %.0f%%  rotation within 15 deg %.0f%%  (%d examples)",
                         s.checkpoint, s.step, s.loss, e.pickPixels, e.placePixels, e.rotationDegrees, 100 * e.placeWithin1cm,
                         100 * e.rotationWithin15Degrees, e.examples))
        }
    }
}
