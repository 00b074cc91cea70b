import Core
import Foundation
import Geometry
@testable import Sim
import XCTest

final class BoxPackingTests: XCTestCase {
    /// The KD-tree split keeps every cell at least min dim - margin/2 wide, splits only sides > 2 x min dim,
    /// leaves `margin` between neighbours, and stays inside the root.
    func testKDTreeSplitRespectsMinDimAndMargin() {
        var rng = SeededGenerator(seed: 7)
        let root = BoxPacking.Cell(min: SIMD3(0.01, 0.01, 0), max: SIMD3(0.29, 0.24, 0.05))
        let cells = BoxPacking.kdTreeSplit(root, minDim: 0.05, margin: 0.01, rng: &rng)
        XCTAssertGreaterThan(cells.count, 4)
        var volume = 0.0
        for c in cells {
            for axis in 0..<2 {
                XCTAssertGreaterThanOrEqual(c.size[axis], 0.045 - 1e-12)
                XCTAssertLessThanOrEqual(c.size[axis], 0.1 + 1e-12)
                XCTAssertGreaterThanOrEqual(c.min[axis], root.min[axis] - 1e-12)
                XCTAssertLessThanOrEqual(c.max[axis], root.max[axis] + 1e-12)
            }
            XCTAssertEqual(c.size.z, 0.05, accuracy: 1e-12)
            volume += c.size.x * c.size.y
        }
        XCTAssertLessThan(volume, root.size.x * root.size.y)
        // CLIPort's 2 cm point grid: 0.05 -> -0.025, -0.005, 0.015.
        XCTAssertEqual(BoxPacking.boxPoints(size: SIMD3(0.05, 0.05, 0.05)).count, 27)
    }

    /// Pairs: two colours of the split (one if only one box), the template, 4 distractors in other colours,
    /// zone metric with z-max 0.0525 around the container, one target per box.
    func testPairsEpisodesFollowTheRules() throws {
        for (variant, split, allowed) in [(ColorVariant.seen, Split.train, NamedColor.trainColors),
                                          (.unseen, .test, NamedColor.evalColors), (.full, .train, ColorVariant.full.colors(for: .train))] {
            let task = try TaskRegistry.task(named: "packing-boxes-pairs-\(variant.suffix)")
            for seed in 0..<4 {
                var rng = SeededGenerator(seed: seed)
                let e = try task.reset(split: split, rng: &rng)
                XCTAssertEqual(e.maxSteps, 20)
                let goal = try XCTUnwrap(e.goals.first)
                let boxes = goal.objects.map { e.scene.objects[$0] }
                let used = Set(boxes.map(\.color.name))
                XCTAssertTrue(used.allSatisfy { n in allowed.contains { $0.name == n } })
                XCTAssertTrue(matches(goal.instruction, "^pack all the [a-z]+( and [a-z]+)? blocks into the brown box$"), goal.instruction)
                for n in used { XCTAssertTrue(goal.instruction.contains(n)) }
                let distractors = e.scene.objects.filter { $0.name.hasPrefix("distractor") }
                XCTAssertLessThanOrEqual(distractors.count, 4)
                let named = goal.instruction.replacingOccurrences(of: "pack all the ", with: "")
                    .replacingOccurrences(of: " blocks into the brown box", with: "").components(separatedBy: " and ")
                XCTAssertTrue(distractors.allSatisfy { !named.contains($0.color.name) }, "\(named)")
                guard case .zone(let points, let zones, let maxZ) = goal.metric else { return XCTFail("zone metric") }
                XCTAssertEqual(maxZ, 0.0525)
                XCTAssertEqual(points.count, boxes.count)
                XCTAssertEqual(zones.count, 1)
                XCTAssertEqual(goal.targets.count, boxes.count)
                XCTAssertTrue(zones[0].size.x >= 0.05 && zones[0].size.x <= 0.3)
                // The boxes start outside the container: the zone reward is 0 or small.
                XCTAssertLessThan(goal.stepReward(poses: e.scene.objects.map(\.pose)), 0.5)
                // At their targets they fill it: reward 1.
                var atTargets = e.scene.objects.map(\.pose)
                for (i, o) in goal.objects.enumerated() { atTargets[o] = goal.targets[i] }
                XCTAssertEqual(goal.stepReward(poses: atTargets), 1, accuracy: 1e-12)
            }
        }
    }

    /// Align-box-corner: 4 targets, the box in a brown shade, symmetry 2 pi, max steps 3.
    func testAlignBoxCornerGoal() throws {
        var rng = SeededGenerator(seed: 3)
        let e = try AlignBoxCorner().reset(split: .train, rng: &rng)
        XCTAssertEqual(e.maxSteps, 3)
        let g = try XCTUnwrap(e.goals.first)
        XCTAssertEqual(g.targets.count, 4)
        XCTAssertEqual(g.symmetries, [2 * .pi])
        XCTAssertEqual(g.instruction, "align the brown box with the green corner")
        XCTAssertEqual(e.scene.objects[1].color.name, "brown")
    }

    /// The oracles finish packing-boxes-pairs, packing-boxes and align-box-corner (total > 0.99).
    func testOraclesFinish() throws {
        for (task, seed) in [(PackingBoxesPairs(colors: .seen) as any Task, 0), (PackingBoxes(), 2), (AlignBoxCorner(), 0)] {
            let e = try runOracleEpisode(task, seed: seed)
            XCTAssertGreaterThan(e.totalReward, 0.99, "\(task.name) seed \(seed)")
        }
    }
}
