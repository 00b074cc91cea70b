import Geometry
import MuJoCo
import Sim
import XCTest

final class SuctionTests: XCTestCase {
    /// A weld activated at the current relative pose holds that pose while the cup moves.
    func testWeldHoldsRelativePose() throws {
        var scene = Scene()
        scene.objects.append(SceneObject(name: "block", shape: .block, color: .red, mass: 0.01,
                                         pose: Pose(position: SIMD3(0.5, 0, 0.02))))
        let world = try TabletopWorld(scene: scene)
        let sim = world.simulation
        let cup = try sim.bodyID("cup"), block = try sim.bodyID("block")
        try sim.setMocapPose(cup, Pose(position: SIMD3(0.5, 0, 0.04)))
        sim.forward()
        let weld = try sim.equalityID(MJCFBuilder.weldName(for: "block"))
        try sim.activateWeld(weld)
        XCTAssertTrue(sim.isActive(weld))
        for i in 1...100 {
            try sim.setMocapPose(cup, Pose(position: SIMD3(0.5, 0.001 * Double(i), 0.04 + 0.001 * Double(i))))
            try sim.step()
        }
        try sim.step(count: 100)
        let p = sim.bodyPose(block).position
        XCTAssertEqual(p.x, 0.5, accuracy: 0.002)
        XCTAssertEqual(p.y, 0.1, accuracy: 0.002)
        XCTAssertEqual(p.z, 0.12, accuracy: 0.002)
        sim.deactivateWeld(weld)
        try sim.step(count: 300)
        XCTAssertEqual(sim.bodyPose(block).position.z, 0.02, accuracy: 0.002, "released block falls back to the table")
    }

    /// The pick-place primitive picks a block by contact and puts it down elsewhere.
    func testPickPlaceMovesBlock() throws {
        var scene = Scene()
        scene.objects.append(SceneObject(name: "block", shape: .block, color: .red, mass: 0.01,
                                         pose: Pose(position: SIMD3(0.4, 0.2, 0.02), rotation: Quaternion(yaw: 0.5))))
        let world = try TabletopWorld(scene: scene)
        try world.settle()
        // Pick 1 cm off the block centre on its top; place so the block centre lands at (0.6, -0.1).
        let pick = Pose(position: SIMD3(0.41, 0.2, 0.04))
        let target = Pose(position: SIMD3(0.6, -0.1, 0.02), rotation: Quaternion(yaw: 0.5))
        let place = target * (world.pose(ofObject: 0).yawOnly.inverse * pick)
        let outcome = try world.pickPlace(pick: pick, place: place)
        XCTAssertEqual(outcome.grasped, "block")
        XCTAssertTrue(outcome.placedOnContact)
        let p = world.pose(ofObject: 0)
        XCTAssertEqual(p.position.x, 0.6, accuracy: 0.005)
        XCTAssertEqual(p.position.y, -0.1, accuracy: 0.005)
        XCTAssertEqual(p.position.z, 0.02, accuracy: 0.002)
        XCTAssertEqual(p.rotation.yaw, 0.5, accuracy: 0.05)
    }

    /// Picking empty table attaches nothing and leaves the block where it was.
    func testPickOnEmptyTableGraspsNothing() throws {
        var scene = Scene()
        scene.objects.append(SceneObject(name: "block", shape: .block, color: .red, mass: 0.01,
                                         pose: Pose(position: SIMD3(0.4, 0.2, 0.02))))
        let world = try TabletopWorld(scene: scene)
        let outcome = try world.pickPlace(pick: Pose(position: SIMD3(0.6, 0, 0)), place: Pose(position: SIMD3(0.4, 0.2, 0.05)))
        XCTAssertNil(outcome.grasped)
        XCTAssertEqual(world.pose(ofObject: 0).position.x, 0.4, accuracy: 1e-3)
    }

    /// Settling is bounded: a block dropped from 1 m cannot rest within 20 steps, and the error says which.
    func testSettleIsBounded() throws {
        var scene = Scene()
        scene.objects.append(SceneObject(name: "falling", shape: .block, color: .red, mass: 0.01,
                                         pose: Pose(position: SIMD3(0.3, 0.2, 1.0))))
        let world = try TabletopWorld(scene: scene)
        XCTAssertThrowsError(try world.settle(maxSteps: 20)) { error in
            guard case SimError.neverSettled(let steps, let object, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(steps, 20)
            XCTAssertEqual(object, "falling")
        }
        let outcome = try world.settle(maxSteps: 2000)
        XCTAssertLessThan(outcome.maxSpeed, 5e-3)
        XCTAssertEqual(world.pose(ofObject: 0).position.z, 0.02, accuracy: 0.002)
    }
}

final class ModelLoadingTests: XCTestCase {
    /// A broken MJCF gives an error with MuJoCo's message instead of exiting.
    func testBadModelThrowsWithMuJoCoMessage() {
        XCTAssertThrowsError(try MuJoCoSimulation(xml: "<mujoco><worldbody><geom type=\"box\"/></worldbody></mujoco>")) { error in
            guard case MuJoCoError.modelLoad(let message) = error else { return XCTFail("\(error)") }
            XCTAssertFalse(message.isEmpty)
        }
        XCTAssertThrowsError(try TabletopWorld(scene: Scene(objects: [
            SceneObject(name: "a", shape: .block, color: .red, mass: 0.01, pose: .identity),
            SceneObject(name: "a", shape: .block, color: .red, mass: 0.01, pose: .identity),
        ]))) { XCTAssertEqual($0 as? SimError, .duplicateObjectName("a")) }
    }

    /// Names that are not in the model are reported as such.
    func testUnknownBodyName() throws {
        let world = try TabletopWorld(scene: Scene())
        XCTAssertThrowsError(try world.simulation.bodyID("nope")) {
            XCTAssertEqual($0 as? MuJoCoError, .unknownName(kind: "body", name: "nope"))
        }
    }
}
