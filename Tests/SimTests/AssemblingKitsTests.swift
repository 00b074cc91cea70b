import Core
import Foundation
import Geometry
@testable import Sim
import XCTest

final class AssemblingKitsTests: XCTestCase {
    /// CLIPort's 20 names and symmetries; every shape is drawn (visible parts) and fits in 0.08 x 0.08 x 0.02.
    func testShapeTablesMatchCLIPort() {
        XCTAssertEqual(KitShapes.names.count, 20)
        XCTAssertEqual(KitShapes.names[0], "letter R shape")
        XCTAssertEqual(KitShapes.names[16], "ring")
        XCTAssertEqual(KitShapes.names[19], "letter M shape")
        let byValue: [Double: [Int]] = [2 * .pi: [0, 1, 5, 12, 13, 14, 15, 18, 19], 2 * .pi / 3: [2], .pi / 2: [3, 4, 9],
                                        .pi: [6, 8], 2 * .pi / 5: [7, 10], 0: [11, 16], 2 * .pi / 6: [17]]
        for (value, indices) in byValue { for i in indices { XCTAssertEqual(KitShapes.symmetries[i], value, accuracy: 1e-12, "shape \(i)") } }
        for i in 0..<20 {
            let shape = ObjectShape.compound(KitShapes.object(i))
            let raster = TopDownRaster(shapes: [shape], poses: [Pose(position: SIMD3(0.5, 0, 0.01))], workspace: .task)
            let pixels = raster.pixels(of: 0)
            // Between ~1/4 of the 6 cm square (star, letters) and the full square, and no higher than 2 cm.
            XCTAssertGreaterThan(pixels.count, 80, "shape \(i)")
            XCTAssertLessThanOrEqual(pixels.count, 400, "shape \(i)")
            XCTAssertEqual(Double(raster.height.max() ?? 0), 0.02, accuracy: 1e-4, "shape \(i)")
            for p in pixels {
                let x = 0.25 + (Double(p.col) + 0.5) * 0.003125 - 0.5, y = -0.5 + (Double(p.row) + 0.5) * 0.003125
                XCTAssertLessThan(max(abs(x), abs(y)), 0.04, "shape \(i)")
            }
        }
        // The square is CLIPort's 20 x 20 units at scale 0.003: 6 cm, 19 x 19 or so pixels.
        let square = TopDownRaster(shapes: [.compound(KitShapes.object(3))], poses: [Pose(position: SIMD3(0.5, 0, 0.01))], workspace: .task)
        XCTAssertEqual(Double(square.pixels(of: 0).count), (0.06 / 0.003125) * (0.06 / 0.003125), accuracy: 40)
    }

    /// Seq: 5 goals of 1/5 in a random order, shapes of the split (14-19 for val/test, all for full),
    /// 5 distinct colours, the template with a location word only for repeated shapes, max steps 5.
    func testSeqEpisodesFollowTheRules() throws {
        let pattern = "^put the ([a-z]+) (.+) in the (top |bottom |left |right |middle )?(.+) hole$"
        for (variant, split, shapeSet) in [(ColorVariant.seen, Split.train, Array(0..<14)), (.unseen, .test, Array(14..<20)),
                                           (.seen, .val, Array(14..<20)), (.full, .train, Array(0..<20))] {
            let task = try TaskRegistry.task(named: "assembling-kits-seq-\(variant.suffix)")
            for seed in 0..<3 {
                var rng = SeededGenerator(seed: seed)
                let e = try task.reset(split: split, rng: &rng)
                XCTAssertEqual(e.maxSteps, 5)
                XCTAssertEqual(e.goals.count, 5)
                let objects = e.goals.map { e.scene.objects[$0.objects[0]] }
                XCTAssertEqual(Set(objects.map(\.color.name)).count, 5)
                XCTAssertTrue(objects.allSatisfy { o in variant.colors(for: split).contains(o.color) })
                for (goal, object) in zip(e.goals, objects) {
                    XCTAssertTrue(matches(goal.instruction, pattern), goal.instruction)
                    XCTAssertTrue(goal.instruction.hasPrefix("put the \(object.color.name) "))
                    let shape = try XCTUnwrap(KitShapes.names.firstIndex { object.name.hasSuffix($0.replacingOccurrences(of: " ", with: "-")) })
                    XCTAssertTrue(shapeSet.contains(shape))
                    XCTAssertEqual(goal.symmetries, [KitShapes.symmetries[shape]])
                    XCTAssertEqual(goal.maxReward, 0.2, accuracy: 1e-12)
                    let repeated = objects.filter { $0.name.hasSuffix(KitShapes.names[shape].replacingOccurrences(of: " ", with: "-")) }.count > 1
                    XCTAssertEqual(goal.instruction.hasSuffix("in the \(KitShapes.names[shape]) hole"), !repeated, goal.instruction)
                }
            }
        }
        // Spatial words follow CLIPort's rule on world positions.
        let positions = [SIMD3(0.4, 0.1, 0), SIMD3(0.5, 0.1, 0), SIMD3(0.45, -0.2, 0)]
        XCTAssertEqual(KitScene.location(of: 0, shapes: [3, 3, 5], positions: positions), "top ")
        XCTAssertEqual(KitScene.location(of: 1, shapes: [3, 3, 5], positions: positions), "bottom ")
        XCTAssertEqual(KitScene.location(of: 2, shapes: [3, 3, 5], positions: positions), "")
        XCTAssertEqual(KitScene.location(of: 2, shapes: [5, 1, 5], positions: positions), "left ")
    }

    /// Ravens' assembling-kits: one goal over 5 shapes with shape matching, partial credit 1/5 per shape
    /// (3 of 5 placed = 0.6); easy: 30 degrees and a homogeneous test set of {3, 11}.
    func testRavensKitsPartialCredit() throws {
        var rng = SeededGenerator(seed: 0)
        let e = try AssemblingKits().reset(split: .train, rng: &rng)
        let goal = try XCTUnwrap(e.goals.first)
        XCTAssertEqual(e.maxSteps, 10)
        XCTAssertEqual(goal.objects.count, 5)
        var poses = e.scene.objects.map(\.pose)
        for i in 0..<3 {
            let j = try XCTUnwrap(goal.matches[i].indices.first { goal.matches[i][$0] && !(0..<i).contains($0) || goal.matches[i][$0] && $0 == i })
            poses[goal.objects[i]] = goal.targets[j]
        }
        XCTAssertEqual(goal.stepReward(poses: poses), 0.6, accuracy: 1e-9)
        var rng2 = SeededGenerator(seed: 5)
        let easy = try AssemblingKits(easy: true).reset(split: .test, rng: &rng2)
        let g = try XCTUnwrap(easy.goals.first)
        XCTAssertEqual(g.rotationTolerance, 30 * .pi / 180, accuracy: 1e-12)
        XCTAssertEqual(Set(g.symmetries).count, 1)
        XCTAssertTrue([KitShapes.symmetries[3], KitShapes.symmetries[11]].contains(g.symmetries[0]))
    }

    /// The oracles finish the kit tasks and packing-shapes (total > 0.99).
    func testOraclesFinish() throws {
        for (task, seed) in [(AssemblingKitsSeq(colors: .seen) as any Task, 0), (AssemblingKits(), 2), (PackingShapes(), 0)] {
            let e = try runOracleEpisode(task, seed: seed)
            XCTAssertGreaterThan(e.totalReward, 0.99, "\(task.name) seed \(seed): \(e.totals)")
        }
    }
}
