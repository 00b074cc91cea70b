import Core
import Foundation
import Geometry
@testable import Sim
import XCTest

/// What `cliport tasks` lists: templates, max steps and per-split lists, against CLIPort's values and the
/// tasks' own resets.
final class TaskCatalogTests: XCTestCase {
    func entry(_ name: String) throws -> TaskCatalogEntry { TaskCatalogEntry(try TaskRegistry.task(named: name)) }

    func testColourListsPerSplitAreCLIPorts() throws {
        let train = ["blue", "red", "green", "yellow", "brown", "gray", "cyan"]
        let eval = ["blue", "red", "green", "orange", "purple", "pink", "white"]
        let unseen = try entry("stack-block-pyramid-seq-unseen-colors")
        XCTAssertEqual(unseen.splits[.train], [TaskAttributeList(kind: .colors, listName: "TRAIN_COLORS", values: train)])
        XCTAssertEqual(unseen.splits[.val], [TaskAttributeList(kind: .colors, listName: "EVAL_COLORS", values: eval)])
        XCTAssertEqual(unseen.splits[.test], unseen.splits[.val])
        let seen = try entry("towers-of-hanoi-seq-seen-colors")
        for split in Split.allCases { XCTAssertEqual(seen.splits[split]?.first?.values, train) }
        let full = try entry("separating-piles-full")
        XCTAssertEqual(full.splits[.val]?.first?.values, train + ["orange", "purple", "pink", "white"])
        XCTAssertEqual(try entry("place-red-in-green").splits[.val], [], "fixed colours")
    }

    func testShapeAndObjectListsPerSplit() throws {
        let kits = try entry("assembling-kits-seq-unseen-colors")
        XCTAssertEqual(kits.splits[.train]?.first?.listName, "shapes 0-13")
        XCTAssertEqual(kits.splits[.val]?.first?.listName, "shapes 14-19")
        XCTAssertEqual(kits.splits[.val]?.first?.values.first, "letter E shape")
        XCTAssertEqual(try entry("assembling-kits-seq-full").splits[.val]?.first?.listName, "shapes 0-19")
        XCTAssertEqual(try entry("assembling-kits-easy").splits[.test]?.first?.values, ["square", "circle"])
        let unseen = try entry("packing-unseen-google-objects-group")
        XCTAssertEqual(unseen.splits[.train]?.first?.values.count, 37)
        XCTAssertEqual(unseen.splits[.test]?.first?.values.count, 19)
        XCTAssertEqual(unseen.splits[.test]?.first?.values.first, "ball puzzle")
        XCTAssertEqual(try entry("packing-seen-google-objects-seq").splits[.test]?.first?.values.count, 56)
    }

    /// `cliport tasks --json` keys each task's splits by the split's name, as before splits were typed.
    func testSplitsEncodeAsAnObjectKeyedByName() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let json = String(decoding: try encoder.encode(try entry("align-rope")), as: UTF8.self)
        XCTAssertEqual(json, #"{"instruction_templates":["align the rope from {direction}"],"max_steps":"20","#
                       + #""name":"align-rope","splits":{"test":[],"train":[],"val":[]}}"#)
        let unseen = try entry("towers-of-hanoi-seq-unseen-colors")
        XCTAssertEqual(try JSONDecoder().decode(TaskCatalogEntry.self, from: try JSONEncoder().encode(unseen)), unseen)
    }

    /// Every task whose rule is a plain number really gets that many steps from its reset (one seed per split);
    /// the others' rules are CLIPort's and checked against their resets' ranges.
    func testMaxStepsRulesMatchTheResets() throws {
        XCTAssertEqual(TaskRegistry.all.count, 39)
        for task in TaskRegistry.all {
            XCTAssertFalse(task.instructionTemplates.isEmpty, task.name)
            for split in Split.allCases {
                for episode in 0..<1 {
                    var rng = SeededGenerator(seed: split.seed(episode: episode))
                    let steps = try task.reset(split: split, rng: &rng).maxSteps
                    if let fixed = Int(task.maxStepsRule) {
                        XCTAssertEqual(steps, fixed, "\(task.name) seed \(split.seed(episode: episode))")
                    } else if task.name.hasPrefix("put-block-in-bowl") {
                        XCTAssertTrue((2...4).contains(steps), "\(task.name): \(steps)")
                    } else {
                        XCTAssertTrue(task.name.contains("google-objects"), "\(task.name) has rule \(task.maxStepsRule)")
                        XCTAssertGreaterThanOrEqual(steps, 2, task.name)
                    }
                }
            }
        }
    }
}
