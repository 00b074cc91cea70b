import Core
import Foundation
import Geometry
import MuJoCo
@testable import Sim
import XCTest

/// The UR5 in the scene: drawn only in CLIPort's look, carried by the tool, seen by the cameras, invisible to
/// the physics, and its joints reported with every observation.
final class ArmSceneTests: XCTestCase {
    static let block = SceneObject(name: "block", shape: .block, color: .red, mass: 0.01,
                                   pose: Pose(position: SIMD3(0.5, -0.25, 0.02)))

    func scene() -> Scene {
        var scene = Scene()
        scene.objects.append(Self.block)
        return scene
    }

    func testOnlyCLIPortsLookHasTheArm() throws {
        let plain = MJCFBuilder(look: .plain).xml(for: scene())
        XCTAssertFalse(plain.contains("ur5"), "the plain look is today's scene")
        let cliport = try TabletopWorld(scene: scene(), builder: MJCFBuilder(look: .cliport))
        let flat = try TabletopWorld(scene: scene(), builder: MJCFBuilder(look: .plain))
        XCTAssertEqual(cliport.simulation.bodyCount, flat.simulation.bodyCount + 7, "base and six links")
        for i in 1..<7 {
            let body = try cliport.simulation.bodyID(MJCFBuilder.armBodyName(i))
            XCTAssertNoThrow(try cliport.simulation.setMocapPose(body, .identity), "link \(i) is a mocap body")
        }
        // No arm geom can touch anything.
        let geoms = cliport.xml.split(separator: "\n").filter { $0.contains("<geom name=\"ur5-") }
        XCTAssertEqual(geoms.count, UR5Links.parts.map(\.count).reduce(0, +) + UR5Tool.suction.parts.count)
        XCTAssertTrue(geoms.allSatisfy { $0.contains("contype=\"0\" conaffinity=\"0\"") })
        // The spatula scene draws the spatula instead of the suction cup.
        var pushing = scene()
        pushing.endEffector = .spatula
        XCTAssertTrue(MJCFBuilder(look: .cliport).xml(for: pushing).contains("type=\"box\" size=\"0.025 0.0025 0.055\""))
    }

    /// Where `point` falls in `camera`'s image, and its depth along the optical axis.
    func project(_ point: SIMD3<Double>, _ camera: CameraConfig) -> (u: Int, v: Int, depth: Double) {
        let p = camera.pose.inverse.transform(point)
        let k = camera.intrinsics
        return (Int((k.fx * p.x / p.z + k.cx).rounded()), Int((k.fy * p.y / p.z + k.cy).rounded()), p.z)
    }

    /// The arm at home and the suction tool lowered to 10 cm above the table: the front camera sees both in
    /// CLIPort's look (depth at their pixels is theirs, nearer than the table), and neither in the plain look;
    /// the heightmap shows the lowered tool in CLIPort's look only.
    func testArmIsSeenInCLIPortsLookOnly() throws {
        let renderer = try OffscreenRenderer()
        let front = CameraConfig.realSenseD415[0]
        let worlds = try [SceneLook.cliport, .plain].map { try TabletopWorld(scene: scene(), builder: MJCFBuilder(look: $0)) }
        // At home: the middle of the upper arm's tube.
        let upperArm = UR5Links.frames(UR5Kinematics.home)[2].apply(SIMD3(0, 0, 0.2125))
        let seen = project(upperArm, front)
        let home = try worlds.map { try renderer.render($0.simulation, camera: front) }
        let homeDepth = home.map { Double($0.depth[seen.v * 640 + seen.u]) }
        XCTAssertLessThan(homeDepth[0], seen.depth, "the upper arm (or the wrist in front of it)")
        XCTAssertGreaterThan(homeDepth[1], seen.depth + 0.2, "the plain look sees the table behind it")

        // The tool lowered over the middle of the table.
        let cup = Pose(position: SIMD3(0.5, 0.1, 0.1), rotation: Quaternion(yaw: 0.3))
        for world in worlds { try world.teleportCup(to: cup) }
        let links = try (1..<7).map { try worlds[0].simulation.bodyPose(worlds[0].simulation.bodyID(MJCFBuilder.armBodyName($0))) }
        for (link, expected) in zip(links, worlds[0].arm.linkPoses) {
            XCTAssertEqual(norm(link.position - expected.position), 0, accuracy: 1e-9, "the link bodies follow the joints")
        }
        XCTAssertEqual(worlds[0].arm.joints, worlds[1].arm.joints, "both looks solve the same joints")
        let flange = UR5Kinematics.forward(worlds[0].arm.joints)
        XCTAssertEqual(norm(flange.translation - (cup.position + SIMD3(0, 0, UR5Tool.suction.reach))), 0, accuracy: 1e-6)
        let tube = project(cup.position + SIMD3(0, 0, 0.06), front)
        let frames = try worlds.map { world in try CameraConfig.realSenseD415.map { try renderer.render(world.simulation, camera: $0) } }
        let tubeDepth = frames.map { Double($0[0].depth[tube.v * 640 + tube.u]) }
        XCTAssertLessThan(tubeDepth[0], tube.depth + 0.02, "the suction tool in CLIPort's look")
        XCTAssertGreaterThan(tubeDepth[1], tube.depth + 0.1, "the table behind it in the plain look")
        let maps = frames.map { HeightmapFusion.fuse(frames: $0, cameras: CameraConfig.realSenseD415, workspace: .cliport) }
        func raised(_ map: Heightmap) -> Int {
            let centre = Workspace.cliport.pixel(of: cup.position)
            var n = 0
            for r in (centre.row - 10)...(centre.row + 10) {
                for c in (centre.col - 10)...(centre.col + 10) where map.height[r * map.cols + c] > 0.05 { n += 1 }
            }
            return n
        }
        XCTAssertGreaterThan(raised(maps[0]), 10, "the tool stands in CLIPort's heightmap")
        XCTAssertEqual(raised(maps[1]), 0, "nothing above the table near the tool in the plain look")
    }

    /// Same seed, same task, with and without the arm: identical object poses after the oracle's steps, and
    /// the same joints; for a suction task, the rope (dragged) and the push with the spatula.
    func testObjectPhysicsIsTheSameWithAndWithoutTheArm() throws {
        let environments = try [SceneLook.cliport, .plain].map { try Environment(cameras: [], look: $0) }
        for (name, steps) in [("put-block-in-bowl-seen-colors", 2), ("align-rope", 1), ("sweeping-piles", 1)] {
            let task = try TaskRegistry.task(named: name)
            var poses: [[[Pose]]] = [], joints: [[[Double]]] = []
            for env in environments {
                let first = try env.reset(task: task, seed: 4, split: .train)
                XCTAssertEqual(first.robotJoints, UR5Kinematics.home, "home at reset")
                var p = [env.world!.objectPoses], j = [first.robotJoints]
                for _ in 0..<steps {
                    guard let action = try env.oracleAction() else { break }
                    let result = try env.step(action)
                    p.append(env.world!.objectPoses)
                    j.append(result.observation.robotJoints)
                }
                poses.append(p); joints.append(j)
            }
            XCTAssertGreaterThan(poses[0].count, 1, "\(name): at least one step")
            XCTAssertEqual(poses[0].count, poses[1].count, name)
            XCTAssertTrue(poses[0] == poses[1], "\(name): object poses identical with and without the arm")
            XCTAssertEqual(joints[0], joints[1], name)
        }
    }

    /// After a step the joints put the flange over the tool where the primitive left it (0.32 m above the
    /// place; the spatula 0.31 m above the push's end), as CLIPort observes without going home.
    func testObservedJointsCarryTheToolWhereThePrimitiveLeftIt() throws {
        let env = try Environment(cameras: [], look: .cliport)
        for name in ["put-block-in-bowl-seen-colors", "sweeping-piles"] {
            let task = try TaskRegistry.task(named: name)
            _ = try env.reset(task: task, seed: 2, split: .train)
            let action = try XCTUnwrap(try env.oracleAction())
            let result = try env.step(action)
            let world = try XCTUnwrap(env.world)
            let toolPose = world.simulation.bodyPose(world.toolBody)
            let tool = UR5Tool(world.scene.endEffector)
            let flange = UR5Kinematics.forward(result.observation.robotJoints)
            let expected = tool.flange(forTool: RigidTransform(toolPose))
            XCTAssertEqual(norm(flange.translation - expected.translation), 0, accuracy: 1e-6, name)
            let height = name == "sweeping-piles" ? TabletopWorld.pushApproachHeight : TabletopWorld.approachHeight
            XCTAssertEqual(toolPose.position.z, (name == "sweeping-piles" ? 0 : action.place.position.z) + height, accuracy: 1e-9, name)
            XCTAssertEqual(toolPose.position.x, action.place.position.x, accuracy: name == "sweeping-piles" ? 0.06 : 1e-9, name)
        }
    }
}
