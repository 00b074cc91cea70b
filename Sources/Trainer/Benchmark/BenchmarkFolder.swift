import Foundation

/// A benchmark's output folder:
///
///     OUT/plan.json                   the BenchmarkPlan; a rerun continues it, another plan is refused
///     OUT/data/<task>-<split>/        datasets (unless the plan names another dataset root)
///     OUT/runs/single/<task>/         one training run per task (a TrainingRun: checkpoints, metrics, eval/)
///     OUT/runs/multi/                 the multi-task run
///     OUT/table.json, OUT/table.md    the table, ours beside CLIPort's (rewritten as results arrive)
///     OUT/timings.json                wall and CPU seconds of each stage, summed over sessions
public struct BenchmarkFolder: Sendable {
    public let path: String

    public init(path: String) { self.path = TrainingConfiguration.absolutePath(path) }

    public var planFile: String { path + "/plan.json" }
    public var defaultDataRoot: String { path + "/data" }
    public func singleRun(task: String) -> TrainingRun { TrainingRun(path: path + "/runs/single/" + task) }
    public var multiRun: TrainingRun { TrainingRun(path: path + "/runs/multi") }
    public var tableJSON: String { path + "/table.json" }
    public var tableMarkdown: String { path + "/table.md" }
    public var timingsFile: String { path + "/timings.json" }
}
