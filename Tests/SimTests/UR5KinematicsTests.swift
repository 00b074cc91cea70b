import Foundation
import Geometry
@testable import Sim
import XCTest

/// The UR5's forward and inverse kinematics against hand-computed poses, round trips and continuity.
final class UR5KinematicsTests: XCTestCase {
    func assertClose(_ a: RigidTransform, _ b: RigidTransform, _ tolerance: Double, _ message: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        for i in 0..<3 {
            XCTAssertEqual(a.translation[i], b.translation[i], accuracy: tolerance, "position \(i) \(message)", file: file, line: line)
            for j in 0..<3 { XCTAssertEqual(a[i, j], b[i, j], accuracy: tolerance, "R[\(i),\(j)] \(message)", file: file, line: line) }
        }
    }

    /// Home (-pi, -pi/2, pi/2, -pi/2, -pi/2, 0) from the DH table by hand: the shoulder lift of -pi/2 stands the
    /// upper arm up (z = d1 - a2 = 0.514159), the elbow's pi/2 lays the forearm along +x (x = -a3 = 0.39225),
    /// wrist 1 turns the wrist down and wrist 2's offset d5 adds along x (0.4869); the shoulder pan of -pi puts
    /// the d4 offset on +y (0.10915); the flange is d6 below wrist 3 (z = 0.431859), its z axis down and its x
    /// axis along -y.
    func testForwardKinematicsAtHomeMatchesTheDHTableByHand() {
        let flange = UR5Kinematics.forward(UR5Kinematics.home)
        let branch = UR5Kinematics.inverse(flange).first { $0.branch == UR5Kinematics.homeBranch }
        XCTAssertEqual(zip(branch?.joints ?? [], UR5Kinematics.home).map { abs(UR5Kinematics.wrapped($0 - $1)) }.max() ?? 1, 0, accuracy: 1e-9,
                       "home is in the home branch")
        let expected = RigidTransform(rows: (SIMD3(0, -1, 0), SIMD3(-1, 0, 0), SIMD3(0, 0, -1)),
                                      translation: SIMD3(0.39225 + 0.09465, 0.10915, 0.089159 + 0.425 - 0.0823))
        assertClose(flange, expected, 1e-12)
        // Wrist 1's centre (DH frame 3) is at the end of the forearm, at the upper arm's height.
        let frames = UR5Kinematics.frames(UR5Kinematics.home)
        XCTAssertEqual(frames[2].translation.x, 0.39225, accuracy: 1e-12)
        XCTAssertEqual(frames[2].translation.y, 0, accuracy: 1e-12)
        XCTAssertEqual(frames[2].translation.z, 0.514159, accuracy: 1e-12)
        // CLIPort's suction head starts at (0.487, 0.109, 0.347) at home (grippers.py): 8 cm below the flange.
        let head = flange.apply(SIMD3(0, 0, 0.08))
        XCTAssertEqual(head.x, 0.487, accuracy: 5e-4)
        XCTAssertEqual(head.y, 0.109, accuracy: 5e-4)
        XCTAssertEqual(head.z, 0.347, accuracy: 5e-3)
    }

    /// The drawn links chain as ur5.urdf does (with the physical offsets) and end at the DH flange.
    func testURDFChainEndsAtTheDHFlange() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let q = (0..<6).map { _ in Double.random(in: -Double.pi...Double.pi, using: &rng) }
            assertClose(UR5Links.flange(q), UR5Kinematics.forward(q), 1e-12)
        }
        // At home the upper arm stands 13.585 cm to the side of the base axis (URDF shoulder offset).
        let frames = UR5Links.frames(UR5Kinematics.home)
        XCTAssertEqual(frames[2].translation.y, 0.13585, accuracy: 1e-12)
        XCTAssertEqual(frames[2].translation.z, 0.089159, accuracy: 1e-12)
    }

    /// Random joint angles: every IK solution reproduces the pose and one of them is the original joints.
    func testInverseKinematicsRoundTripOverRandomJoints() {
        var rng = SeededGenerator(seed: 11)
        var worst = 0.0
        for _ in 0..<500 {
            let q = (0..<6).map { _ in Double.random(in: -Double.pi...Double.pi, using: &rng) }
            let target = UR5Kinematics.forward(q)
            let solutions = UR5Kinematics.inverse(target)
            XCTAssertTrue([2, 4, 6, 8].contains(solutions.count), "\(q): branches come in pairs")
            XCTAssertEqual(Set(solutions.map(\.branch)).count, solutions.count)
            for s in solutions.map(\.joints) {
                let back = UR5Kinematics.forward(s)
                worst = max(worst, norm(back.translation - target.translation))
                assertClose(back, target, 1e-6, "\(q)")
            }
            let distance = solutions.map(\.joints).map { s in
                zip(s, q).map { abs(UR5Kinematics.wrapped($0 - $1)) }.max()!
            }.min()!
            XCTAssertLessThan(distance, 1e-6, "the original joints are among the solutions")
        }
        XCTAssertLessThan(worst, 1e-9)
    }

    /// Tool poses over the whole workspace (table to 0.32 m up, any yaw): the nearest solution to home reaches
    /// them within 1e-6 m / rad, elbow up and wrist down as at home.
    func testInverseKinematicsReachesTheWorkspaceInHomePosture() {
        var rng = SeededGenerator(seed: 3)
        let tool = UR5Tool.suction
        for _ in 0..<500 {
            let p = SIMD3(Double.random(in: 0.25...0.75, using: &rng), Double.random(in: -0.5...0.5, using: &rng),
                          Double.random(in: 0...0.32, using: &rng))
            let cup = Pose(position: p, rotation: Quaternion(yaw: Double.random(in: -Double.pi...Double.pi, using: &rng)))
            let target = tool.flange(forTool: RigidTransform(cup))
            guard let q = UR5Kinematics.nearestSolution(target, to: UR5Kinematics.home) else {
                // Only the far corners are out of reach high up (the UR5 reaches 0.85 m from its shoulder).
                XCTAssertGreaterThan(norm(SIMD2(p.x, p.y)), 0.8, "\(p) should be reachable")
                continue
            }
            assertClose(UR5Kinematics.forward(q), target, 1e-6, "\(p)")
            let back = tool.tool(atFlange: UR5Kinematics.forward(q)).pose
            XCTAssertEqual(norm(back.position - p), 0, accuracy: 1e-6)
            XCTAssertGreaterThan(q[2], 0, "elbow up, as home's pi/2")
            XCTAssertLessThan(q[4], 0, "wrist 2 on home's side (-pi/2)")
            XCTAssertTrue(q.indices.allSatisfy { UR5Kinematics.limits[$0].contains(q[$0]) })
        }
    }

    /// The arm following the cup along a pick-place path from home (1 cm steps; at the top turning 6 degrees
    /// per step, 0.9 of a turn one way, then back) never jumps to another branch: every joint moves by less
    /// than 0.2 rad per step.
    func testFollowingAPathKeepsTheBranch() {
        var arm = UR5Arm(tool: .suction)
        var previous = arm.joints
        var path: [Pose] = []
        let start = UR5Tool.suction.tool(atFlange: UR5Kinematics.forward(UR5Kinematics.home)).translation
        let corners = [start, SIMD3(0.3, -0.4, 0.32), SIMD3(0.3, -0.4, 0.01), SIMD3(0.3, -0.4, 0.32), SIMD3(0.65, 0.35, 0.32),
                       SIMD3(0.65, 0.35, 0.02), SIMD3(0.65, 0.35, 0.32), SIMD3(0.5, 0, 0.32)]
        var yaw = 0.0, turn = Double.pi / 30
        for (a, b) in zip(corners, corners.dropFirst()) {
            let n = Int((norm(b - a) / 0.01).rounded(.up))
            for k in 1...n {
                if a.z == b.z, a != start { yaw += abs(yaw + turn) <= 1.8 * Double.pi ? turn : 0 }
                path.append(Pose(position: a + (b - a) * Double(k) / Double(n), rotation: Quaternion(yaw: yaw)))
            }
            if a.z == b.z { turn = -turn }
        }
        var largest = 0.0, wrist = 0.0
        for pose in path {
            arm.follow(toolPose: pose)
            XCTAssertTrue(arm.reachesTool, "\(pose.position)")
            let step = zip(arm.joints, previous).map { abs($0 - $1) }.max()!
            largest = max(largest, step)
            previous = arm.joints
            wrist = max(wrist, abs(arm.joints[5]))
        }
        XCTAssertLessThan(largest, 0.2)
        XCTAssertGreaterThan(arm.joints[2], 0, "still elbow up")
        // Wrist 3 has followed the yaw past +-pi without jumping back.
        XCTAssertGreaterThan(wrist, 1.5 * Double.pi)
    }

    /// Out of reach (1.2 m away, or 0.32 m above the workspace's far corner): the arm stretches toward it,
    /// finite, says it does not reach, and comes back to the home branch when the tool is in reach again.
    func testOutOfReachPoseIsApproachedNotReached() {
        var arm = UR5Arm(tool: .suction)
        arm.follow(toolPose: Pose(position: SIMD3(1.2, 0, 0.3)))
        XCTAssertFalse(arm.reachesTool)
        XCTAssertTrue(arm.joints.allSatisfy(\.isFinite))
        let flange = UR5Kinematics.forward(arm.joints).translation
        XCTAssertGreaterThan(flange.x, 0.75, "stretched toward the target")
        arm.follow(toolPose: Pose(position: SIMD3(0.75, 0.5, 0.32)))
        XCTAssertFalse(arm.reachesTool)
        arm.follow(toolPose: Pose(position: SIMD3(0.5, 0, 0.1)))
        XCTAssertTrue(arm.reachesTool)
        XCTAssertGreaterThan(arm.joints[2], 0, "elbow up again")
        XCTAssertLessThan(arm.joints[4], 0, "wrist down again")
    }

    /// The tool mount: the cup hangs `reach` below the flange, tool(atFlange:) inverts flange(forTool:), and an
    /// identity cup orientation points the tool straight down as CLIPort's identity target does.
    func testToolMountMatchesCLIPortsToolTip() {
        let cup = Pose(position: SIMD3(0.5, 0.1, 0.05), rotation: Quaternion(yaw: 0.7))
        for tool in [UR5Tool.suction, UR5Tool.spatula] {
            let flange = tool.flange(forTool: RigidTransform(cup))
            XCTAssertEqual(flange.translation.z - cup.position.z, tool.reach, accuracy: 1e-12)
            XCTAssertEqual(flange.axis(2).z, -1, accuracy: 1e-12)
            assertClose(tool.tool(atFlange: flange), RigidTransform(cup), 1e-12)
        }
        // At home the flange points down with x along -y: the cup's frame is then unturned.
        let atHome = UR5Tool.suction.tool(atFlange: UR5Kinematics.forward(UR5Kinematics.home))
        assertClose(atHome, RigidTransform(rows: RigidTransform.identity.rows, translation: SIMD3(0.4869, 0.10915, 0.431859 - 0.1235)), 1e-9)
        // Quaternion conversion round trip, including half turns.
        for q in [Quaternion(yaw: Double.pi), Quaternion(roll: Double.pi, pitch: 0, yaw: 0.3), Quaternion(axis: SIMD3(1, -1, 0) / 2.0.squareRoot(), angle: Double.pi)] {
            let back = RigidTransform(Pose(position: .zero, rotation: q)).pose.rotation
            let dot = abs(back.x * q.x + back.y * q.y + back.z * q.z + back.w * q.w)
            XCTAssertEqual(dot, 1, accuracy: 1e-12)
        }
    }
}

/// Euclidean length (no simd module on Linux).
func norm<V: SIMD>(_ v: V) -> Double where V.Scalar == Double { (v * v).sum().squareRoot() }
