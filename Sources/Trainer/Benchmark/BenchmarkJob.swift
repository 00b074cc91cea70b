import Core
import Dataset

/// One training run of a benchmark and what it is scored on: a single-task run per task, or the multi-task
/// run over every task (the loader draws a task uniformly for each example, as CLIPort's multi-task groups).
struct BenchmarkJob {
    /// "single/<task>" or "multi": the run's folder under OUT/runs and its name in timings and messages.
    var name: String
    var run: TrainingRun
    var configuration: TrainingConfiguration
    /// The tasks its models are rolled out on (val, then test), in table order.
    var evaluationTasks: [String]

    /// The plan's runs: the multi-task one first (the table's main row when the budget runs out), then the
    /// single-task ones in task order.
    static func all(plan: BenchmarkPlan, folder: BenchmarkFolder) -> [BenchmarkJob] {
        let train = { (task: String) in TaskDataset.folder(root: plan.data, task: task, split: .train) }
        var jobs: [BenchmarkJob] = []
        if plan.mode.trainsMulti {
            jobs.append(BenchmarkJob(name: "multi", run: folder.multiRun,
                                     configuration: plan.configuration(data: plan.tasks.map(train), steps: plan.multiSteps),
                                     evaluationTasks: plan.scoredTasks))
        }
        jobs += plan.singleTaskRuns.map { task in
            BenchmarkJob(name: "single/" + task, run: folder.singleRun(task: task),
                         configuration: plan.configuration(data: [train(task)], steps: plan.steps),
                         evaluationTasks: plan.evaluationTasks(for: task))
        }
        return jobs
    }

    /// Rollouts of the whole job: every save step on val and the best on test, for each task.
    func rollouts(plan: BenchmarkPlan) -> Int {
        evaluationTasks.count * (configuration.saveSteps.count * plan.valEpisodes + plan.testEpisodes)
    }

    /// Rollouts already in the run's evaluation files (finished checkpoints only).
    func finishedRollouts(plan: BenchmarkPlan) -> Int {
        let evaluator = Evaluator(run: run)
        return evaluationTasks.map { task in
            let val = BenchmarkTable.results(evaluator.resultsFile(task: task, split: .val), n: plan.valEpisodes)?.checkpoints.count ?? 0
            let test = BenchmarkTable.results(evaluator.resultsFile(task: task, split: .test), n: plan.testEpisodes)?.checkpoints.count ?? 0
            return val * plan.valEpisodes + min(test, 1) * plan.testEpisodes
        }.reduce(0, +)
    }

    /// The step the run has reached (that of last.hdf5; 0 before it starts).
    var finishedSteps: Int { (try? TrainingCheckpoint.info(run.lastCheckpoint).step) ?? 0 }
}
