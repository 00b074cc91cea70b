import Core
import Dataset
import Foundation

/// `cliport benchmark`: for a plan's tasks, makes the train and val datasets (or reuses them), trains the
/// single-task runs and the multi-task run, rolls out every save-step checkpoint on val and the best on
/// test, and writes the table beside CLIPort's numbers. Everything runs in this process through the
/// library (the dataset source is given by the caller). Every stage resumes: datasets continue where
/// generation stopped, runs continue from last.hdf5, evaluations keep the checkpoints they finished; a
/// rerun of the same plan therefore continues the benchmark, and the table depends only on the plan.
public final class BenchmarkRunner {
    public let plan: BenchmarkPlan
    public let folder: BenchmarkFolder
    let demos: DemoSource
    /// Messages (a finished stage, a resumed run); defaults to standard error.
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Show the whole benchmark's progress line (rates and ETA) on standard error.
    public var showsProgress = true

    public struct Outcome: Sendable {
        /// Stopped before the table was complete (rerun the same command to continue).
        public var stopped: Bool
        public var table: BenchmarkTable
    }

    /// Checks the plan and the folder: a folder holding another plan is refused before anything is written;
    /// a new folder gets plan.json.
    public init(plan: BenchmarkPlan, folder: BenchmarkFolder, demos: @escaping DemoSource) throws {
        try plan.validate()
        self.plan = plan; self.folder = folder; self.demos = demos
        let fm = FileManager.default
        if fm.fileExists(atPath: folder.planFile) {
            let stored: BenchmarkPlan
            do {
                stored = try BenchmarkPlan.decoder().decode(BenchmarkPlan.self, from: Data(contentsOf: URL(fileURLWithPath: folder.planFile)))
            } catch {
                throw BenchmarkError.unreadablePlan(path: folder.planFile, reason: "\(error)")
            }
            let differences = stored.differences(from: plan)
            guard differences.isEmpty else {
                throw BenchmarkError.planMismatch(path: folder.path, differences: differences.map {
                    BenchmarkError.PlanDifference(key: $0.key, stored: $0.stored, requested: $0.requested)
                })
            }
        } else {
            try DurableFile.makeFolder(folder.path)
            _ = try DurableFile.create(try BenchmarkPlan.encoder().encode(plan), at: folder.planFile)
        }
    }

    /// Runs (or continues) the benchmark until it is complete or `shouldStop` returns true (checked between
    /// steps and episodes); the table is rewritten as results arrive.
    @discardableResult
    public func run(shouldStop: @escaping () -> Bool = { false }) throws -> Outcome {
        let jobs = BenchmarkJob.all(plan: plan, folder: folder)
        let timer = StageTimer(path: folder.timingsFile)
        let progress = BenchmarkProgress()
        progress.shows = showsProgress
        progress.total[.demos] = plan.tasks.count * (plan.nDemos + plan.valDemos)
        progress.total[.steps] = jobs.map(\.configuration.steps).reduce(0, +)
        progress.total[.rollouts] = jobs.map { $0.rollouts(plan: plan) }.reduce(0, +)
        progress.counted(.steps, jobs.map(\.finishedSteps).reduce(0, +))
        progress.counted(.rollouts, jobs.map { $0.finishedRollouts(plan: plan) }.reduce(0, +))
        defer { progress.finish() }
        let stopped = { () -> Outcome in Outcome(stopped: true, table: try self.writeTable(timer.times)) }

        // Datasets.
        for task in plan.tasks {
            for (split, episodes) in [(Split.train, plan.nDemos), (.val, plan.valDemos)] where episodes > 0 {
                if shouldStop() { return try stopped() }
                let request = DemoRequest(task: task, split: split, episodes: episodes, root: plan.data, look: plan.look, assets: plan.assets)
                progress.stage = "demos \(task)-\(split.rawValue)"
                progress.show(force: true)
                timer.start("demos \(task)-\(split.rawValue)")
                progress.restartClock()
                let outcome = try demos(request)
                progress.counted(.demos, outcome.alreadyThere)
                progress.advance(.demos, by: outcome.saved, force: true)
                try timer.stop()
                if !outcome.complete { return try stopped() }
            }
        }

        for job in jobs {
            if try !train(job, progress: progress, timer: timer, shouldStop: shouldStop) { return try stopped() }
            if try !evaluate(job, progress: progress, timer: timer, shouldStop: shouldStop) { return try stopped() }
        }
        let table = try writeTable(timer.times)
        log("benchmark complete: \(folder.tableMarkdown)")
        return Outcome(stopped: false, table: table)
    }

    /// Trains (or finishes) a job's run; false when stopped first.
    private func train(_ job: BenchmarkJob, progress: BenchmarkProgress, timer: StageTimer,
                       shouldStop: @escaping () -> Bool) throws -> Bool {
        if job.finishedSteps >= job.configuration.steps { return true }
        if shouldStop() { return false }
        timer.start("train \(job.name)")
        let trainer = try Trainer(configuration: job.configuration, run: job.run)
        trainer.showsProgress = false
        trainer.log = log
        progress.stage = "train \(job.name) from step \(trainer.startStep)"
        progress.show(force: true)
        progress.restartClock()
        trainer.stepFinished = { _ in
            progress.advance(.steps)
            timer.saveIfDue()
        }
        let summary = try trainer.train(shouldStop: shouldStop)
        try timer.stop()
        if summary.interrupted { return false }
        log("trained \(job.name) to step \(summary.finalStep)")
        return true
    }

    /// Rolls out a job's checkpoints on val and its best on test, for each of its tasks; false when stopped first.
    private func evaluate(_ job: BenchmarkJob, progress: BenchmarkProgress, timer: StageTimer,
                          shouldStop: @escaping () -> Bool) throws -> Bool {
        guard job.finishedRollouts(plan: plan) < job.rollouts(plan: plan) else { return true }
        // The frozen parts (CLIP, the sentence encoder) are loaded once for all checkpoints.
        let frozen = try FrozenComponents.load(for: job.configuration)
        let evaluator = Evaluator(run: job.run, clip: frozen.clip, encoder: frozen.encoder)
        evaluator.showsProgress = false
        evaluator.log = log
        for task in job.evaluationTasks {
            for (split, n) in [(Split.val, plan.valEpisodes), (.test, plan.testEpisodes)] {
                let stage = "\(split.rawValue) \(job.name) \(task)"
                if shouldStop() { return false }
                timer.start(stage)
                progress.stage = stage
                progress.show(force: true)
                progress.restartClock()
                evaluator.episodeFinished = {
                    progress.advance(.rollouts)
                    timer.saveIfDue()
                }
                let results = try evaluator.evaluate(task: task, split: split, n: n, look: plan.look, shouldStop: shouldStop)
                try timer.stop()
                let expected = split == .val ? job.run.savedCheckpoints().count : 1
                if results.checkpoints.count < expected { return false }
            }
            _ = try writeTable(timer.times)
        }
        return true
    }

    @discardableResult
    private func writeTable(_ times: StageTimes) throws -> BenchmarkTable {
        let table = BenchmarkTable.build(plan: plan, folder: folder)
        var training: [String: Double] = [:]
        for (stage, time) in times.stages where stage.hasPrefix("train ") { training[String(stage.dropFirst(6))] = time.wallSeconds }
        try table.write(to: folder, plan: plan, trainingSeconds: training)
        return table
    }
}
