import Foundation
import Geometry
import Sim
import XCTest

final class PalletizingBoxesTests: XCTestCase {
    /// 18 boxes of the 2 x 3 x 3 stack, one waiting at the spawn point and the rest off the table, the
    /// zone goal over the pallet, max steps 30; the targets' top layer is the first removed (spawned last).
    func testEpisodeFollowsTheRules() throws {
        var rng = SeededGenerator(seed: 0)
        let e = try PalletizingBoxes().reset(split: .train, rng: &rng)
        XCTAssertEqual(e.maxSteps, 30)
        let goal = try XCTUnwrap(e.goals.first)
        XCTAssertEqual(goal.instruction, "stack all the boxes on the pallet")
        XCTAssertEqual(goal.objects.count, 18)
        let boxes = goal.objects.map { e.scene.objects[$0] }
        XCTAssertEqual(boxes[0].pose.position.x, 0.5); XCTAssertEqual(boxes[0].pose.position.y, -0.25)
        XCTAssertTrue(boxes.dropFirst().allSatisfy { $0.pose.position.y < -5 })
        // Time-reversed depalletizing: the last boxes to spawn were on top.
        let z = goal.targets.map(\.position.z)
        XCTAssertLessThan(z.first!, z.last!)
        XCTAssertEqual(z.sorted(), z)
        guard case .zone(_, let zones, _) = goal.metric else { return XCTFail("zone metric") }
        XCTAssertEqual(zones[0].size, SIMD3(0.3, 0.25, 0.25))
    }

    /// The oracle stacks all 18 boxes (1/18 per box), the next box appearing after each placement.
    func testOracleStacksThePallet() throws {
        let e = try runOracleEpisode(PalletizingBoxes(), seed: 2)
        XCTAssertGreaterThan(e.totalReward, 0.99)
        XCTAssertEqual(e.steps, 18)
        XCTAssertEqual(e.totals.first ?? 0, 1.0 / 18, accuracy: 1e-9)
        XCTAssertEqual(e.instructions.last, "done stacking boxes.")
    }

    /// With goals left, no box in the spawn half and none waiting, the task ends the episode as
    /// `palletNotFull`; with a box still waiting it spawns that one instead.
    func testNoBoxLeftToSpawnEndsTheEpisode() throws {
        let box = SIMD3(0.05, 0.05, 0.05)
        let onPallet = SceneObject(name: "box00", shape: .box(size: box), color: .brown, mass: 0.05,
                                   pose: Pose(position: SIMD3(0.5, 0.25, 0.025)))
        let goal = Goal(objects: [0], symmetries: [0], matches: [[true]], targets: [Pose(position: SIMD3(0.5, 0.25, 0.1))],
                        replace: false, rotations: true, metric: .pose, maxReward: 1, instruction: "stack all the boxes on the pallet")
        var rng = SeededGenerator(seed: 0)
        let world = try TabletopWorld(scene: Scene(objects: [onPallet]))
        XCTAssertEqual(try PalletizingBoxes().afterReward(world: world, remainingGoals: [goal], rng: &rng), .palletNotFull)
        XCTAssertEqual(EpisodeEnding.palletNotFull.description,
                       "palletized boxes toppled or fell off: no box left to spawn but the pallet is not full")

        var waiting = onPallet
        waiting.name = "box01"
        waiting.pose = Pose(position: SIMD3(0.2, -10, 0.025))
        let world2 = try TabletopWorld(scene: Scene(objects: [onPallet, waiting]))
        var goal2 = goal
        goal2.objects = [0, 1]; goal2.symmetries = [0, 0]; goal2.matches = [[true], [true]]
        XCTAssertNil(try PalletizingBoxes().afterReward(world: world2, remainingGoals: [goal2], rng: &rng))
        XCTAssertEqual(world2.objectPoses[1].position.y, -0.25, accuracy: 0.01, "the waiting box spawned")
    }
}
