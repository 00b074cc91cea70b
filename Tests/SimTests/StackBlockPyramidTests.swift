import Core
import Foundation
import Geometry
import Sim
import XCTest

final class StackBlockPyramidTests: XCTestCase {
    /// Six goals of 1/6, the templates' places in order, 6 distinct colours of the split's list, the stand
    /// fixed, the targets at CLIPort's offsets in the stand frame, symmetry pi/2, max steps 12.
    func testSeqEpisodesFollowTheRules() throws {
        for (variant, split, allowed) in [(ColorVariant.seen, Split.train, NamedColor.trainColors),
                                          (.unseen, .test, NamedColor.evalColors), (.unseen, .train, NamedColor.trainColors),
                                          (.full, .train, ColorVariant.full.colors(for: .train))] {
            let task = try TaskRegistry.task(named: "stack-block-pyramid-seq-\(variant.suffix)")
            for seed in 0..<4 {
                var rng = SeededGenerator(seed: seed)
                let episode = try task.reset(split: split, rng: &rng)
                XCTAssertEqual(episode.maxSteps, 12)
                XCTAssertEqual(episode.goals.count, 6)
                let blocks = episode.scene.objects.filter { $0.name.hasPrefix("block") }
                let names = blocks.map(\.color.name)
                XCTAssertEqual(Set(names).count, 6)
                XCTAssertTrue(names.allSatisfy { n in allowed.contains { $0.name == n } }, "\(variant) \(split): \(names)")
                let g = episode.goals.map(\.instruction)
                XCTAssertEqual(g, [
                    "put the \(names[0]) block on the lightest brown block",
                    "put the \(names[1]) block on the middle brown block",
                    "put the \(names[2]) block on the darkest brown block",
                    "put the \(names[3]) block on the \(names[0]) and \(names[1]) blocks",
                    "put the \(names[4]) block on the \(names[1]) and \(names[2]) blocks",
                    "put the \(names[5]) block on the \(names[3]) and \(names[4]) blocks",
                ])
                let stand = try XCTUnwrap(episode.scene.objects.first { $0.name == "stand" })
                XCTAssertTrue(stand.isFixed)
                for (goal, offset) in zip(episode.goals, [SIMD3(0, -0.05, 0.03), SIMD3(0, 0, 0.03), SIMD3(0, 0.05, 0.03),
                                                          SIMD3(0, -0.025, 0.08), SIMD3(0, 0.025, 0.08), SIMD3(0.0, 0, 0.13)]) {
                    XCTAssertEqual(goal.maxReward, 1.0 / 6, accuracy: 1e-12)
                    XCTAssertEqual(goal.symmetries, [.pi / 2])
                    let local = stand.pose.inverse.transform(goal.targets[0].position)
                    XCTAssertEqual(local.x, offset.x, accuracy: 1e-9); XCTAssertEqual(local.y, offset.y, accuracy: 1e-9)
                    XCTAssertEqual(local.z, offset.z, accuracy: 1e-9)
                }
            }
        }
        // Unseen colours at test time come from EVAL_COLORS, and over seeds include an eval-only colour.
        var evalOnly = false
        for seed in 0..<6 {
            var rng = SeededGenerator(seed: seed)
            let e = try StackBlockPyramidSeq(colors: .unseen).reset(split: .val, rng: &rng)
            evalOnly = evalOnly || e.scene.objects.contains { ["orange", "purple", "pink", "white"].contains($0.color.name) }
        }
        XCTAssertTrue(evalOnly)
    }

    /// Ravens' pyramid: three goals of 1/2, 1/3, 1/6 with their instructions and fixed colours.
    func testRavensPyramidGoals() throws {
        var rng = SeededGenerator(seed: 0)
        let e = try StackBlockPyramid().reset(split: .train, rng: &rng)
        XCTAssertEqual(e.goals.map(\.instruction), ["make the bottom row with the green, blue and purple blocks",
                                                    "make the middle row with the yellow and orange blocks",
                                                    "make the top row with the red block"])
        XCTAssertEqual(e.goals.map(\.maxReward), [1.0 / 2, 1.0 / 3, 1.0 / 6])
        XCTAssertEqual(e.goals.map(\.objects.count), [3, 2, 1])
        XCTAssertEqual(e.scene.objects.filter { $0.name.hasPrefix("block") }.map(\.color.name),
                       ["purple", "blue", "green", "yellow", "orange", "red"])
    }

    /// The oracle builds the pyramid (total > 0.99) with partial credit of 1/6 per step; deterministic.
    func testOracleBuildsThePyramid() throws {
        let e = try runOracleEpisode(StackBlockPyramidSeq(colors: .seen), seed: 0)
        XCTAssertGreaterThan(e.totalReward, 0.99)
        XCTAssertEqual(e.totals.first ?? 0, 1.0 / 6, accuracy: 1e-9)
        XCTAssertEqual(e.instructions.last, "done stacking block pyramid.")
        let r = try runOracleEpisode(StackBlockPyramid(), seed: 2)
        XCTAssertGreaterThan(r.totalReward, 0.99)
        let again = try runOracleEpisode(StackBlockPyramid(), seed: 2)
        XCTAssertEqual(r.objects, again.objects)
    }
}
