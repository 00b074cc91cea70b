import Core
import Foundation

/// The benchmark's result: per scored task, our single- and multi-task models' test scores (the best
/// checkpoint on val, rolled out on test) beside CLIPort's Table 1 at the same demo count. Built from the
/// run folders' evaluation files alone, so a table is a function of the plan and the finished work: a
/// stopped and resumed benchmark writes the same table as one that ran straight through. OUT/table.json
/// (snake_case keys) and OUT/table.md.
public struct BenchmarkTable: Codable, Equatable, Sendable {
    public var model: String
    public var textEncoder: String
    public var nDemos: Int
    public var steps: Int
    public var multiSteps: Int
    public var width: Double
    public var valEpisodes: Int
    public var testEpisodes: Int
    public var rows: [Row]
    /// Means over the rows of the tasks trained on ("seen") and of their unseen variants ("unseen").
    public var means: [Mean]

    public struct Row: Codable, Equatable, Sendable {
        public var task: String
        /// "seen": a task the models trained on; "unseen": its unseen-attribute variant.
        public var attributes: String
        /// The paper's name for the row (nil: not in Table 1).
        public var paperTask: String?
        public var single: ModelScore?
        public var multi: ModelScore?
        /// CLIPort's Table 1 at `n_demos` (null where it has no cell).
        public var paper: PublishedScores
    }

    /// One model scored on one task.
    public struct ModelScore: Codable, Equatable, Sendable {
        /// The run, relative to the benchmark folder ("runs/single/<task>", "runs/multi").
        public var run: String
        /// Every save-step checkpoint's val score (mean reward x 100).
        public var val: [CheckpointScore]
        /// The best checkpoint on val (ties: the earlier step), and its test score (nil until rolled out).
        public var bestCheckpoint: String?
        public var bestStep: Int?
        public var test: Double?
    }

    public struct CheckpointScore: Codable, Equatable, Sendable {
        public var step: Int
        public var score: Double
    }

    public struct Mean: Codable, Equatable, Sendable {
        public var attributes: String
        /// Rows in the group, and of them those with a test score.
        public var rows: Int
        public var singleRows: Int
        public var multiRows: Int
        public var single: Double?
        public var multi: Double?
        /// The paper's columns averaged over the group's rows that have a cell.
        public var paper: PublishedScores
    }

    /// The table of `plan` from what `folder` holds now (missing results are empty cells).
    public static func build(plan: BenchmarkPlan, folder: BenchmarkFolder) -> BenchmarkTable {
        var rows: [Row] = []
        for task in plan.tasks {
            for (index, scored) in plan.evaluationTasks(for: task).enumerated() {
                let single = plan.singleTaskRuns.contains(task)
                    ? score(run: folder.singleRun(task: task), relative: "runs/single/" + task, task: scored, plan: plan) : nil
                let multi = plan.mode.trainsMulti ? score(run: folder.multiRun, relative: "runs/multi", task: scored, plan: plan) : nil
                rows.append(Row(task: scored, attributes: index == 0 ? "seen" : "unseen",
                                paperTask: CLIPortTable1.rows.first { $0.task == scored }?.paperName,
                                single: single, multi: multi, paper: PublishedScores(task: scored, demos: plan.nDemos)))
            }
        }
        let means = ["seen", "unseen"].compactMap { group -> Mean? in
            let members = rows.filter { $0.attributes == group }
            guard !members.isEmpty else { return nil }
            let singles = members.compactMap { $0.single?.test }, multis = members.compactMap { $0.multi?.test }
            var paper = PublishedScores(task: "", demos: plan.nDemos)
            for method in PublishedMethod.allCases {
                paper.scores[method] = mean(members.compactMap { $0.paper[method] })
            }
            return Mean(attributes: group, rows: members.count, singleRows: singles.count, multiRows: multis.count,
                        single: mean(singles), multi: mean(multis), paper: paper)
        }
        return BenchmarkTable(model: plan.model.rawValue,
                              textEncoder: (plan.textEncoder ?? plan.model.defaultTextEncoder).rawValue, nDemos: plan.nDemos,
                              steps: plan.steps, multiSteps: plan.multiSteps, width: plan.width, valEpisodes: plan.valEpisodes,
                              testEpisodes: plan.testEpisodes, rows: rows, means: means)
    }

    static func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }

    /// A model's scores on `task` from its run's evaluation files (nil: not scored on val yet).
    static func score(run: TrainingRun, relative: String, task: String, plan: BenchmarkPlan) -> ModelScore? {
        let evaluator = Evaluator(run: run)
        guard let val = results(evaluator.resultsFile(task: task, split: .val), n: plan.valEpisodes), !val.checkpoints.isEmpty else {
            return nil
        }
        let best = val.best
        let test = results(evaluator.resultsFile(task: task, split: .test), n: plan.testEpisodes)?
            .checkpoints.first { $0.checkpoint == best?.checkpoint }
        return ModelScore(run: relative, val: val.checkpoints.map { CheckpointScore(step: $0.step, score: $0.score) },
                          bestCheckpoint: best?.checkpoint, bestStep: best?.step, test: test?.score)
    }

    static func results(_ path: String, n: Int) -> Evaluator.Results? {
        guard let data = FileManager.default.contents(atPath: path),
              let results = try? JSONDecoder().decode(Evaluator.Results.self, from: data), results.n == n else { return nil }
        return results
    }

    /// Writes table.json and table.md durably.
    public func write(to folder: BenchmarkFolder, plan: BenchmarkPlan, trainingSeconds: [String: Double]) throws {
        try DurableFile.write(try BenchmarkPlan.encoder().encode(self), to: folder.tableJSON)
        try DurableFile.write(Data(markdown(plan: plan, trainingSeconds: trainingSeconds).utf8), to: folder.tableMarkdown)
    }
}
