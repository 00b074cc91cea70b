import Geometry
import Sim
import XCTest

final class OracleAndMetricTests: XCTestCase {
    private func goal(objects: [Int], targets: [Pose]) -> Goal {
        Goal(objects: objects, symmetries: objects.map { _ in 0 }, matches: objects.map { _ in targets.map { _ in true } },
             targets: targets, replace: false, rotations: true, metric: .pose, maxReward: 1,
             instruction: "put the red blocks in a green bowl", positionTolerance: 0.05)
    }

    /// The top-down raster sees a block's top at its height and a bowl's bottom inside its walls.
    func testRasterHeightsAndIds() {
        let shapes: [ObjectShape] = [.block, .bowl]
        let poses = [Pose(position: SIMD3(0.4, 0.1, 0.02), rotation: Quaternion(yaw: 0.3)), Pose(position: SIMD3(0.6, -0.2, 0))]
        let raster = TopDownRaster(shapes: shapes, poses: poses, workspace: .task)
        let block = Workspace.task.pixel(of: poses[0].position)
        XCTAssertEqual(raster.object(at: block), 0)
        XCTAssertEqual(Double(raster.height(at: block)), 0.04, accuracy: 1e-6)
        let bowl = Workspace.task.pixel(of: poses[1].position)
        XCTAssertEqual(raster.object(at: bowl), 1)
        XCTAssertEqual(Double(raster.height(at: bowl)), 0.004, accuracy: 1e-6)
        let rim = Workspace.task.pixel(of: SIMD3(0.6 + 0.057, -0.2, 0))
        XCTAssertEqual(Double(raster.height(at: rim)), 0.03, accuracy: 1e-6)
        XCTAssertNil(raster.object(at: Workspace.task.pixel(of: SIMD3(0.3, -0.4, 0))))
        // A 4 cm block covers about (0.04 / 0.003125)^2 = 164 pixels.
        XCTAssertEqual(Double(raster.pixels(of: 0).count), 163.8, accuracy: 20)
    }

    /// Farthest object first; pick on its visible pixels; place keeps the suction offset.
    func testOracleFarthestFirstAndPlaceOffset() throws {
        let shapes: [ObjectShape] = [.bowl, .block, .block]
        let bowl = Pose(position: SIMD3(0.5, 0, 0))
        let poses = [bowl, Pose(position: SIMD3(0.45, 0.1, 0.02), rotation: Quaternion(yaw: 0.7)),
                     Pose(position: SIMD3(0.7, -0.3, 0.02))]
        var scene = Scene()
        for (i, s) in shapes.enumerated() {
            scene.objects.append(SceneObject(name: "o\(i)", shape: s, color: .red, mass: 0.01, pose: poses[i]))
        }
        let raster = TopDownRaster(shapes: shapes, poses: poses, workspace: .task)
        var rng = SeededGenerator(seed: 7)
        let action = try Oracle.act(goal: goal(objects: [1, 2], targets: [bowl]), scene: scene, poses: poses,
                                    raster: raster, workspace: .task, rng: &rng)
        // Object 2 is farther from the bowl.
        let pickPixel = Workspace.task.pixel(of: action.pick.position)
        let offset = action.pick.position - poses[2].position
        XCTAssertLessThanOrEqual(abs(offset.x), 0.0285)
        XCTAssertLessThanOrEqual(abs(offset.y), 0.0285)
        XCTAssertEqual(action.pick.position.z, 0.04, accuracy: 1e-6)
        XCTAssertTrue(Workspace.task.contains(pickPixel))
        // Placing with that action puts the object's centre on the bowl: place * (pick^-1 * object) = bowl.
        let objectAtPlace = action.place * (action.pick.inverse * poses[2].yawOnly)
        XCTAssertEqual(objectAtPlace.position.x, 0.5, accuracy: 1e-9)
        XCTAssertEqual(objectAtPlace.position.y, 0, accuracy: 1e-9)
    }

    /// An object hidden under another gives "not visible" instead of a pick.
    func testOracleReportsInvisibleObject() {
        let shapes: [ObjectShape] = [.block, .box(size: SIMD3(0.1, 0.1, 0.02))]
        let poses = [Pose(position: SIMD3(0.5, 0, 0.02)), Pose(position: SIMD3(0.5, 0, 0.05))]
        var scene = Scene()
        scene.objects = [SceneObject(name: "hidden", shape: shapes[0], color: .red, mass: 0.01, pose: poses[0]),
                         SceneObject(name: "lid", shape: shapes[1], color: .gray, mass: 0.01, pose: poses[1])]
        let raster = TopDownRaster(shapes: shapes, poses: poses, workspace: .task)
        var rng = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try Oracle.act(goal: goal(objects: [0], targets: [Pose(position: SIMD3(0.3, 0.3, 0))]),
                                            scene: scene, poses: poses, raster: raster, workspace: .task, rng: &rng)) {
            XCTAssertEqual($0 as? SimError, .objectNotVisible("hidden"))
        }
    }

    /// Zone metric: the fraction of an object's points inside the zone.
    func testZoneMetricCountsPointsInside() {
        let points: [SIMD3<Double>] = [SIMD3(-0.01, 0, 0), SIMD3(0.01, 0, 0)]
        let zone = Goal.ZoneRegion(pose: Pose(position: SIMD3(0.5, 0, 0)), size: SIMD3(0.1, 0.1, 0))
        let g = Goal(objects: [0], symmetries: [0], matches: [[true]], targets: [zone.pose], replace: true,
                     rotations: false, metric: .zone(points: [points], zones: [zone], maxZ: 0.3), maxReward: 1,
                     instruction: "")
        XCTAssertEqual(g.stepReward(poses: [Pose(position: SIMD3(0.5, 0, 0.01))]), 1)
        XCTAssertEqual(g.stepReward(poses: [Pose(position: SIMD3(0.55, 0, 0.01))]), 0.5)
        XCTAssertEqual(g.stepReward(poses: [Pose(position: SIMD3(0.8, 0, 0.01))]), 0)
    }
}
