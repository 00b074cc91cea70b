import Foundation
import XCTest
@testable import Dataset

final class MultiTaskTests: XCTestCase {
    func testGroupListsAreCLIPorts() throws {
        let all = try XCTUnwrap(TaskGroup.named("multi-all"))
        XCTAssertEqual(all.train.count, 20)
        XCTAssertEqual(all.val.count, 28)
        XCTAssertEqual(all.test, all.val)
        let language = try XCTUnwrap(TaskGroup.named("multi-language-conditioned"))
        XCTAssertEqual(language.train.count, 10)
        XCTAssertTrue(language.train.contains("put-block-in-bowl-unseen-colors"))
        XCTAssertFalse(language.train.contains("put-block-in-bowl-seen-colors"))
        XCTAssertEqual(language.val.count, 18)
        XCTAssertEqual(try XCTUnwrap(TaskGroup.named("multi-demo-conditioned")).train.count, 10)
        XCTAssertEqual(TaskGroup.all.filter { $0.name.hasPrefix("multi-attr-") }.count, 10)

        let attr = try XCTUnwrap(TaskGroup.named("multi-attr-put-block-in-bowl-unseen-colors"))
        XCTAssertEqual(attr.train, ["align-rope", "assembling-kits-seq-full", "packing-boxes-pairs-full", "packing-shapes",
                                    "packing-seen-google-objects-seq", "packing-seen-google-objects-group",
                                    "put-block-in-bowl-seen-colors", "stack-block-pyramid-seq-full", "separating-piles-full",
                                    "towers-of-hanoi-seq-full"])
        XCTAssertEqual(attr.val, ["put-block-in-bowl-unseen-colors"])
        XCTAssertEqual(attr.attrTrainTask, "put-block-in-bowl-seen-colors")
        let w = attr.weights(split: .train)
        XCTAssertEqual(w[6], 0.5)
        XCTAssertEqual(w[0], 0.5 / 9, accuracy: 1e-15)
        XCTAssertEqual(attr.weights(split: .val), [1])
        XCTAssertEqual(try XCTUnwrap(TaskGroup.named("multi-attr-align-rope")).train.count, 9)
        XCTAssertEqual(try XCTUnwrap(TaskGroup.named("multi-attr-align-rope")).weights(split: .train), Array(repeating: 1 / 9, count: 9))
        XCTAssertEqual(TaskGroup.named("multi-attr-packing-unseen-google-objects-seq")?.attrTrainTask, "packing-seen-google-objects-group")
    }

    /// Tasks without files: the plan only needs episode lengths.
    func fakeTasks(_ names: [String], episodes: Int = 5) -> [TaskDataset] {
        names.map { name in
            TaskDataset(task: name, path: "/nowhere/\(name)-train",
                        episodes: (0..<episodes).map { EpisodeSlot(shard: "s", demo: "demo_\($0)", numSteps: 1 + $0 % 3, index: $0) },
                        isSequential: false)
        }
    }

    /// Pearson's chi-square of observed counts against expected probabilities.
    func chiSquare(_ counts: [Int], _ probabilities: [Double]) -> Double {
        let n = Double(counts.reduce(0, +))
        return zip(counts, probabilities).reduce(0) { $0 + pow(Double($1.0) - n * $1.1, 2) / (n * $1.1) }
    }

    func testMultiAttrSamplesTheSeenTaskHalfTheTimeAndTheRestEvenly() throws {
        let group = try XCTUnwrap(TaskGroup.named("multi-attr-put-block-in-bowl-unseen-colors"))
        let weights = group.weights(split: .train)
        let plan = try SamplingPlan(tasks: fakeTasks(group.train), weights: weights, nDemos: 0, seed: 42, strict: false)
        var counts = [Int](repeating: 0, count: group.train.count)
        for k in 0..<20000 { counts[plan.trainingDraw(k).task] += 1 }
        // 9 degrees of freedom: P(chi2 > 27.88) = 0.001.
        XCTAssertLessThan(chiSquare(counts, weights), 27.88, "counts \(counts)")
        XCTAssertEqual(Double(counts[6]) / 20000, 0.5, accuracy: 4 * (0.25 / 20000).squareRoot())
    }

    func testPlainGroupsSampleTasksEpisodesAndStepsUniformly() throws {
        let group = try XCTUnwrap(TaskGroup.named("multi-language-conditioned"))
        let plan = try SamplingPlan(tasks: fakeTasks(group.train), weights: group.weights(split: .train), nDemos: 0, seed: 7,
                                    strict: false)
        var tasks = [Int](repeating: 0, count: 10), episodes = [Int](repeating: 0, count: 5), steps = [Int](repeating: 0, count: 3)
        for k in 0..<20000 {
            let d = plan.trainingDraw(k)
            tasks[d.task] += 1
            episodes[d.episode] += 1
            if d.episode == 2 { steps[d.step] += 1 }  // episode 2 has 3 steps
        }
        XCTAssertLessThan(chiSquare(tasks, Array(repeating: 0.1, count: 10)), 27.88)   // df 9, p = 0.001
        XCTAssertLessThan(chiSquare(episodes, Array(repeating: 0.2, count: 5)), 18.47)  // df 4
        XCTAssertLessThan(chiSquare(steps, Array(repeating: 1 / 3, count: 3)), 13.82)   // df 2
    }

    func testNDemosInAMultiTaskGroupTakesAtMostWhatATaskHas() throws {
        let plan = try SamplingPlan(tasks: fakeTasks(["a", "b"], episodes: 3) + fakeTasks(["c"], episodes: 10), nDemos: 4, seed: 1,
                                    strict: false)
        XCTAssertEqual(plan.chosen.map(\.count), [3, 3, 4])
        XCTAssertEqual(plan.chosen, try SamplingPlan(tasks: fakeTasks(["a", "b"], episodes: 3) + fakeTasks(["c"], episodes: 10),
                                                     nDemos: 4, seed: 1, strict: false).chosen)
    }

    func testMultiAttrLoaderFromTaskFolders() throws {
        let group = try XCTUnwrap(TaskGroup.named("multi-attr-put-block-in-bowl-unseen-colors"))
        let root = NSTemporaryDirectory() + "cliport-loader-multi-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        for task in group.train { _ = try LoaderTestData.dataset(task: task, episodes: 1, steps: 1, root: root) }
        let loader = try Loader(root: root, group: group.name, split: .train,
                                configuration: LoaderConfiguration(batchSize: 8, seed: 3, workers: 2, augment: false))
        var counts: [String: Int] = [:]
        for _ in 0..<25 {
            let batch = try XCTUnwrap(try loader.next())
            for t in batch.tasks { counts[t, default: 0] += 1 }
        }
        XCTAssertEqual(Set(counts.keys).subtracting(group.train), [])
        let seen = Double(counts["put-block-in-bowl-seen-colors"] ?? 0) / 200
        XCTAssertEqual(seen, 0.5, accuracy: 4 * (0.25 / 200).squareRoot())
    }

    func testMissingTaskFolderNamesTheFolderAndTheFix() throws {
        let root = NSTemporaryDirectory() + "cliport-loader-missing-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try LoaderTestData.dataset(task: "align-box-corner", episodes: 1, steps: 1, root: root)
        XCTAssertThrowsError(try Loader(root: root, group: "multi-demo-conditioned", split: .train,
                                        configuration: LoaderConfiguration())) { error in
            let folder = root + "/assembling-kits-train"
            XCTAssertEqual(error as? LoaderError, .missingTaskFolder(folder: folder, task: "assembling-kits", split: .train,
                                                                     group: "multi-demo-conditioned", root: root))
            let text = "\(error)"
            XCTAssertTrue(text.contains(folder), text)
            XCTAssertTrue(text.contains("cliport demos --task assembling-kits --split train"), text)
        }
        XCTAssertThrowsError(try Loader(root: root, group: "multi-everything", split: .train, configuration: LoaderConfiguration())) {
            XCTAssertEqual($0 as? LoaderError, .unknownGroup("multi-everything"))
        }
    }
}
