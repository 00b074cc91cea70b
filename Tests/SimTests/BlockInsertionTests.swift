import Foundation
import Geometry
import Sim
import XCTest

final class BlockInsertionTests: XCTestCase {
    /// The four variants: names, the instruction, the fixture only where it belongs, yaws fixed at pi/2 for
    /// translation and easy, the easy block at (0.5, 0, 0.02), the target at the fixture.
    func testVariantsFollowTheRules() throws {
        for name in ["block-insertion", "block-insertion-easy", "block-insertion-nofixture", "block-insertion-translation"] {
            let task = try TaskRegistry.task(named: name)
            for seed in 0..<3 {
                var rng = SeededGenerator(seed: seed)
                let e = try task.reset(split: .train, rng: &rng)
                XCTAssertEqual(e.maxSteps, 3)
                let goal = try XCTUnwrap(e.goals.first)
                XCTAssertEqual(goal.instruction, "put the L shape block in the L shape hole")
                XCTAssertEqual(goal.symmetries, [2 * .pi])
                let fixture = e.scene.objects.first { $0.name == "fixture" }
                XCTAssertEqual(fixture == nil, name == "block-insertion-nofixture", name)
                if let fixture { XCTAssertEqual(fixture.pose, goal.targets[0]); XCTAssertTrue(fixture.isFixed) }
                let ell = e.scene.objects[0]
                if name.hasSuffix("easy") || name.hasSuffix("translation") {
                    XCTAssertEqual(ell.pose.rotation.yaw, .pi / 2, accuracy: 1e-9)
                    XCTAssertEqual(goal.targets[0].rotation.yaw, .pi / 2, accuracy: 1e-9)
                }
                if name.hasSuffix("easy") { XCTAssertEqual(ell.pose.position, SIMD3(0.5, 0, 0.02)) }
            }
        }
    }

    /// The oracle inserts the block in one step (total 1) for each variant.
    func testOracleInserts() throws {
        for v in BlockInsertion.Variant.allCases {
            let e = try runOracleEpisode(BlockInsertion(v), seed: 2)
            XCTAssertGreaterThan(e.totalReward, 0.99, "\(v)")
            XCTAssertEqual(e.steps, 1, "\(v)")
        }
    }
}
