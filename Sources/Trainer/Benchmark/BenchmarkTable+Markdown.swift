import Dataset
import Foundation

extension BenchmarkTable {
    /// The table as Markdown: one row per scored task, ours then CLIPort's columns, the means, and the runs'
    /// steps and training times (`trainingSeconds` by run name, from OUT/timings.json).
    func markdown(plan: BenchmarkPlan, trainingSeconds: [String: Double]) -> String {
        let number = { (value: Double?) in value.map { String(format: "%.1f", $0) } ?? "–" }
        func ours(_ score: ModelScore?) -> String {
            guard let score else { return "" }
            if let test = score.test { return String(format: "%.1f @ %d", test, score.bestStep ?? 0) }
            guard let best = score.val.max(by: { $0.score < $1.score }) else { return "" }
            return String(format: "(val %.1f @ %d)", best.score, best.step)
        }
        let encoder = "\(model) (\(textEncoder))"
        var lines = [
            "# cliport benchmark: \(encoder), \(nDemos) demos per task",
            "",
            "Test success (mean reward x 100) over \(testEpisodes) test episodes of the checkpoint with the best score over "
                + "\(valEpisodes) val episodes, shown as `score @ step`; `(val …)` while the test rollouts are pending. "
                + (plan.singleTaskRuns.isEmpty ? "" : "Single-task runs (\(plan.singleTaskRuns.count) of the \(plan.tasks.count) tasks) train \(steps) steps. ")
                + (plan.mode.trainsMulti ? "The multi-task run trains \(multiSteps) steps over all \(plan.tasks.count) tasks. " : "")
                + "Width \(width). "
                + "CLIPort's columns: Table 1 of Shridhar, Manuelli and Fox, \"CLIPort: What and Where Pathways "
                + "for Robotic Manipulation\", CoRL 2021, at n = \(nDemos) demos (– where the paper has no cell"
                + (CLIPortTable1.demoCounts.contains(nDemos) ? ")." : "; it reports only n = 1, 10, 100 and 1000)."),
            "",
            "| task | ours single | ours multi | " + PublishedMethod.allCases.map(\.title).joined(separator: " | ") + " |",
            "|---|---:|---:|" + String(repeating: "---:|", count: PublishedMethod.allCases.count),
        ]
        for row in rows {
            let name = row.attributes == "unseen" ? "\(row.task) (unseen)" : row.task
            lines.append("| \(name) | \(ours(row.single)) | \(ours(row.multi)) | "
                         + PublishedMethod.allCases.map { number(row.paper[$0]) }.joined(separator: " | ") + " |")
        }
        for mean in means {
            lines.append("| **mean, \(mean.attributes)** (\(mean.rows) rows; ours over \(mean.singleRows) / \(mean.multiRows)) | "
                         + "\(mean.single.map { String(format: "%.1f", $0) } ?? "") | \(mean.multi.map { String(format: "%.1f", $0) } ?? "") | "
                         + PublishedMethod.allCases.map { number(mean.paper[$0]) }.joined(separator: " | ") + " |")
        }
        if rows.contains(where: { $0.attributes == "unseen" }) {
            lines += ["", "Unseen rows roll out the unseen-attribute variant of a task with the models trained on its seen variant "
                      + "(CLIPort's unseen train splits hold only seen attributes). "
                      + (textEncoder == InstructionEncoderKind.clip.rawValue
                         ? "Instructions are read by CLIP's text encoder."
                         : "Instructions are read by the \(textEncoder) encoder, which has no pretrained language grounding: "
                           + "an unseen colour or object name is a word it never met in training, where CLIPort relies on CLIP.")]
        }
        lines += ["", "| run | steps | training time |", "|---|---:|---:|"]
        let runs = (plan.mode.trainsMulti ? [("multi", multiSteps)] : []) + plan.singleTaskRuns.map { ("single/" + $0, steps) }
        for (run, runSteps) in runs {
            lines.append("| \(run) | \(runSteps) | \(trainingSeconds[run].map(ProgressLine.formatDuration) ?? "") |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
