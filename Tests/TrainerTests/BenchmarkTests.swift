import Core
import Foundation
import Recorder
import TestSupport
import XCTest
@testable import Trainer

/// `cliport benchmark` on a tiny plan (two tasks, a single-task run for one of them, two demos, two steps at 1/16
/// width with one rotation and 16-pixel crops, one checkpoint, two rollouts on val and two on test): stopped part way and restarted it writes the table of a run
/// straight through; a folder refuses another plan; CLIPort's Table 1 reads as the paper prints it. The
/// rollouts cost most (the transport's FFTs in a debug build), hence packing-shapes (one step per episode).
final class BenchmarkTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-benchmark")
    override func tearDown() { folders.removeAll() }

    static let tasks = ["packing-shapes", "block-insertion"]

    static func plan(data: String) -> BenchmarkPlan {
        BenchmarkPlan(tasks: tasks, singleTasks: ["packing-shapes"], nDemos: 2, valDemos: 1, model: .transporterLang, steps: 2, multiSteps: 2,
                      width: 1.0 / 16, rotations: 1, cropSize: 16, lr: 1e-3, seed: 3, valSamples: 1, mode: .both, valEpisodes: 2,
                      testEpisodes: 2, look: .plain, data: data)
    }

    /// The Recorder's generator in this process, as `cliport benchmark` wires it (with one worker).
    static let demos: DemoSource = { request in
        var generator = DemoGenerator(options: .init(task: request.task, split: request.split, count: request.episodes, out: request.root,
                                                     assets: request.assets, look: request.look))
        generator.showProgress = false
        let report = try generator.run()
        return DemoOutcome(complete: report.datasetComplete, saved: report.saved, alreadyThere: report.alreadyThere)
    }

    static func runner(_ plan: BenchmarkPlan, _ out: String) throws -> BenchmarkRunner {
        let runner = try BenchmarkRunner(plan: plan, folder: BenchmarkFolder(path: out), demos: demos)
        runner.log = { _ in }
        runner.showsProgress = false
        return runner
    }

    static func json(_ path: String) throws -> NSDictionary {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! NSDictionary
    }

    func testStoppedAndRestartedBenchmarkWritesTheTableOfAStraightRun() throws {
        let root = folders.make("resume")
        let data = root + "/data"
        let plan = Self.plan(data: data)

        let straight = try Self.runner(plan, root + "/straight").run()
        XCTAssertFalse(straight.stopped)
        // The second benchmark reuses the datasets the first one made (same plan): they are complete already.
        let fm = FileManager.default
        let kept = root + "/split/runs/single/packing-shapes/eval/packing-shapes-val.json"
        let metrics = root + "/split/runs/multi/metrics.jsonl"
        // Stopped in the multi-task run (the first), after its first step (of two).
        let first = try Self.runner(plan, root + "/split").run(shouldStop: {
            ((try? fm.attributesOfItem(atPath: metrics)[.size] as? Int) ?? 0) > 0
        })
        XCTAssertTrue(first.stopped)
        XCTAssertEqual(try TrainingCheckpoint.info(root + "/split/runs/multi/checkpoints/last.hdf5").step, 1)
        XCTAssertFalse(fm.fileExists(atPath: root + "/split/runs/single"), "the multi-task run comes first")
        // Stopped in the single-task run's rollouts: after packing-shapes on val, before it on test.
        let second = try Self.runner(plan, root + "/split").run(shouldStop: { fm.fileExists(atPath: kept) })
        XCTAssertTrue(second.stopped)
        XCTAssertEqual(try Evaluator.Results.read(kept).checkpoints.map(\.checkpoint), ["steps=00002.hdf5"])
        XCTAssertFalse(fm.fileExists(atPath: root + "/split/runs/single/packing-shapes/eval/packing-shapes-test.json"))
        // Only the tasks named in single_tasks get a single-task run.
        XCTAssertFalse(fm.fileExists(atPath: root + "/split/runs/single/block-insertion"))
        let keptDate = try fm.attributesOfItem(atPath: kept)[.modificationDate] as! Date
        let last = try Self.runner(plan, root + "/split")
        var said: [String] = []
        last.log = { said.append($0) }
        let resumed = try last.run()
        XCTAssertFalse(resumed.stopped)
        // Finished work is kept: no run is trained again, no finished rollouts are redone.
        XCTAssertEqual(try fm.attributesOfItem(atPath: kept)[.modificationDate] as? Date, keptDate)
        XCTAssertFalse(said.contains { $0.hasPrefix("trained ") || $0.contains("on packing-shapes val") }, "\(said)")
        XCTAssertTrue(said.contains { $0.contains("on packing-shapes test") }, "\(said)")

        XCTAssertEqual(try Self.json(root + "/split/table.json"), try Self.json(root + "/straight/table.json"))
        XCTAssertEqual(resumed.table, straight.table)

        // Every row is scored: each model's checkpoint on val, the best on test; block-insertion has no single-task run.
        let table = straight.table
        XCTAssertEqual(table.rows.map(\.task), Self.tasks)
        XCTAssertNil(table.rows[1].single)
        XCTAssertEqual(table.means.map(\.singleRows), [1])
        XCTAssertEqual(table.means.map(\.multiRows), [2])
        for row in table.rows {
            for score in [row.single, row.multi] where row.task == "packing-shapes" || score != nil {
                let score = try XCTUnwrap(score, row.task)
                XCTAssertEqual(score.val.map(\.step), [2])
                XCTAssertNotNil(score.test)
                XCTAssertTrue((0...100).contains(score.test!))
                XCTAssertEqual(score.bestStep, score.val.first { $0.score == score.val.map(\.score).max() }?.step)
            }
            // No paper cell at 2 demos.
            XCTAssertTrue(PublishedMethod.allCases.allSatisfy { row.paper[$0] == nil })
        }
        let keys = Set((try Self.json(root + "/straight/table.json")).allKeys as! [String])
        XCTAssertEqual(keys, ["model", "text_encoder", "n_demos", "steps", "multi_steps", "width", "val_episodes", "test_episodes",
                              "rows", "means"])
        let markdown = try String(contentsOfFile: root + "/straight/table.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("| packing-shapes | "), markdown)
        XCTAssertTrue(markdown.contains("| multi | 2 |"), markdown)
        XCTAssertTrue(markdown.contains("| single/packing-shapes | 2 |"), markdown)
        XCTAssertFalse(markdown.contains("single/block-insertion"), markdown)

        // The multi-task run logged the task of every example, and each task's validation loss.
        let lines = try String(contentsOfFile: root + "/split/runs/multi/metrics.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(lines.map { $0["step"] as! Int }, [1, 2])
        for line in lines {
            let tasks = line["tasks"] as! [String]
            XCTAssertEqual(tasks.count, 1)
            XCTAssertTrue(Self.tasks.contains(tasks[0]), "\(tasks)")
        }
        let byTask = try XCTUnwrap(lines[1]["validation_loss_by_task"] as? [String: Double])
        XCTAssertEqual(Set(byTask.keys), Set(Self.tasks))
        let overall = try XCTUnwrap(lines[1]["validation_loss"] as? Double)
        XCTAssertTrue(byTask.values.min()! <= overall && overall <= byTask.values.max()!, "the mean lies between the tasks' losses")
    }

    /// A stage's time is saved as it accrues, so a process killed mid-stage (no `stop`) keeps what it spent up to
    /// its last save; sessions add up; a stage not due for a save writes nothing until it stops.
    func testStageTimesAreSavedWhileTheStageRuns() throws {
        let path = folders.make("timings") + "/timings.json"
        let killed = StageTimer(path: path, interval: 0)
        killed.start("train multi")
        // Spin until the CPU clock has moved (it may tick coarsely), so the saved CPU time cannot be 0.
        let cpu = ProcessClock.cpuSeconds()
        var x = 0.0
        while ProcessClock.cpuSeconds() - cpu < 0.02 { x += sin(x + 1) }
        XCTAssertFalse(x.isNaN)
        killed.saveIfDue()
        let saved = try XCTUnwrap(StageTimes.load(path).stages["train multi"])
        XCTAssertGreaterThan(saved.wallSeconds, 0)
        XCTAssertGreaterThan(saved.cpuSeconds, 0)

        let next = StageTimer(path: path, interval: 3600)
        next.start("train multi")
        next.saveIfDue()
        XCTAssertEqual(StageTimes.load(path).stages["train multi"], saved, "not due: nothing written")
        try next.stop()
        let total = try XCTUnwrap(StageTimes.load(path).stages["train multi"])
        XCTAssertGreaterThan(total.wallSeconds, saved.wallSeconds)
        XCTAssertEqual(next.times, StageTimes.load(path))
    }

    /// A demos stage's CPU time is spent in worker processes: the stage's CPU time counts a child process once it
    /// has ended, which the process's own CPU clock never sees.
    func testAStageCountsTheCPUTimeOfItsEndedChildProcesses() throws {
        let path = folders.make("timings-children") + "/timings.json"
        let timer = StageTimer(path: path)
        let own = ProcessClock.cpuSeconds()
        timer.start("demos put-block-in-bowl-seen-colors-train")
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"]
        try child.run()
        child.waitUntilExit()
        XCTAssertEqual(child.terminationStatus, 0)
        try timer.stop()
        let ownSeconds = ProcessClock.cpuSeconds() - own
        let saved = try XCTUnwrap(StageTimes.load(path).stages["demos put-block-in-bowl-seen-colors-train"])
        XCTAssertGreaterThan(saved.cpuSeconds - ownSeconds, 0.1, "the shell's loop takes about 0.4 CPU-seconds, all in the child")
    }

    /// A folder made for one plan refuses another before anything is written, naming each difference.
    func testAnotherPlanIntoTheSameFolderIsRefused() throws {
        let root = folders.make("refuse")
        let plan = Self.plan(data: root + "/data")
        _ = try Self.runner(plan, root + "/out")
        let stored = try Data(contentsOf: URL(fileURLWithPath: root + "/out/plan.json"))
        var other = plan
        other.nDemos = 3
        other.width = 0.25
        XCTAssertThrowsError(try Self.runner(other, root + "/out")) { error in
            XCTAssertEqual(error as? BenchmarkError, .planMismatch(path: root + "/out", differences: [
                .init(key: "n_demos", stored: "2", requested: "3"), .init(key: "width", stored: "0.0625", requested: "0.25"),
            ]))
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: root + "/out/plan.json")), stored)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/out"), ["plan.json"])
        // The same plan is accepted (a rerun continues it).
        XCTAssertNoThrow(try Self.runner(plan, root + "/out"))

        // The command says it in its options, in one message.
        let run = try BuiltProgram.run(["benchmark", "--out", root + "/out", "--tasks"] + Self.tasks
                                       + ["--single-tasks", "packing-shapes", "--n-demos", "3", "--val-demos", "1", "--steps", "2", "--multi-steps", "2",
                                          "--width", "0.0625", "--rotations", "1", "--crop-size", "16", "--lr", "0.001", "--seed", "3", "--val-samples", "1",
                                          "--val-episodes", "2", "--test-episodes", "2", "--look", "plain", "--data", root + "/data"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("holds a benchmark with another plan (--n-demos 3 where its plan has 2); rerun with its options"),
                      run.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/out"), ["plan.json"])
    }

    /// A single-task run must be one of the tasks; the refusal names it before anything is written.
    func testASingleTaskRunOutsideTheTasksIsRefused() throws {
        let root = folders.make("single")
        var plan = Self.plan(data: root + "/data")
        plan.singleTasks = ["put-block-in-bowl-seen-colors"]
        XCTAssertThrowsError(try Self.runner(plan, root + "/out")) { error in
            XCTAssertEqual("\(error)".contains("the single-task run put-block-in-bowl-seen-colors is not one of the tasks (packing-shapes block-insertion)"),
                           true, "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/out"))
    }

    /// CLIPort's agent without CLIP weights is refused before any data is made.
    func testCLIPortWithoutWeightsIsRefusedFirst() throws {
        let root = folders.make("weights")
        var plan = Self.plan(data: root + "/data")
        plan.model = .cliport
        XCTAssertThrowsError(try Self.runner(plan, root + "/out")) { error in
            XCTAssertTrue("\(error)".contains("cliport weights import"), "\(error)")
        }
        plan.clipWeights = root + "/missing.hdf5"
        XCTAssertThrowsError(try Self.runner(plan, root + "/out")) { error in
            XCTAssertTrue("\(error)".contains("no CLIP weights at \(root)/missing.hdf5"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/out"))
    }

    /// A few cells of CLIPort's Table 1, as the paper prints them; empty cells are nil.
    func testCLIPortTable1HoldsThePublishedCells() throws {
        XCTAssertEqual(CLIPortTable1.rows.count, 18)
        XCTAssertEqual(CLIPortTable1.score(task: "put-block-in-bowl-seen-colors", method: .cliportSingle, demos: 100), 92.5)
        XCTAssertEqual(CLIPortTable1.score(task: "put-block-in-bowl-seen-colors", method: .cliportMulti, demos: 1000), 100)
        XCTAssertEqual(CLIPortTable1.score(task: "packing-shapes", method: .transporterOnly, demos: 1), 16.0)
        XCTAssertEqual(CLIPortTable1.score(task: "towers-of-hanoi-seq-unseen-colors", method: .cliportMultiAttr, demos: 10), 78.0)
        XCTAssertEqual(CLIPortTable1.score(task: "assembling-kits-seq-seen-colors", method: .rn50Bert, demos: 100), 11.6)
        XCTAssertEqual(CLIPortTable1.score(task: "align-rope", method: .clipOnly, demos: 1000), 70.7)
        XCTAssertNil(CLIPortTable1.score(task: "align-rope", method: .cliportMultiAttr, demos: 100), "multi-attr has no seen rows")
        XCTAssertNil(CLIPortTable1.score(task: "align-rope", method: .cliportSingle, demos: 50), "no column for 50 demos")
        XCTAssertNil(CLIPortTable1.score(task: "block-insertion", method: .cliportSingle, demos: 100), "not in Table 1")
        // Every default task and its unseen variant has a row.
        for task in LanguageTaskFamilies.seen {
            XCTAssertNotNil(CLIPortTable1.rows.first { $0.task == task }, task)
            if let unseen = LanguageTaskFamilies.unseenVariant(of: task) { XCTAssertNotNil(CLIPortTable1.rows.first { $0.task == unseen }, unseen) }
        }
        XCTAssertEqual(LanguageTaskFamilies.unseenVariant(of: "packing-seen-google-objects-group"), "packing-unseen-google-objects-group")
        XCTAssertNil(LanguageTaskFamilies.unseenVariant(of: "packing-shapes"))
        // A missing cell is written as null.
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(PublishedScores(task: "align-rope", demos: 100))) as! [String: Any]
        XCTAssertEqual(json["cliport_single"] as? Double, 85.6)
        XCTAssertTrue(json["cliport_multi_attr"] is NSNull)
    }
}

extension Evaluator.Results {
    static func read(_ path: String) throws -> Evaluator.Results {
        try JSONDecoder().decode(Evaluator.Results.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
