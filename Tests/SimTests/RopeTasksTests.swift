import Foundation
import Geometry
@testable import Sim
import XCTest

/// align-rope and manipulating-rope: CLIPort's rules (instructions, the 20-bead rope, the 3-sided square,
/// targets matched in either direction with 2 cm tolerance), partial credit, the oracle, determinism.
final class RopeTasksTests: XCTestCase {
    static let env = Result { try Environment() }

    func testInstructionsFollowTheTemplates() throws {
        let directions = Set(RopeTask.directions.map(\.text))
        XCTAssertEqual(directions.count, 4)
        var seen = Set<String>()
        for seed in 0..<24 {
            var rng = SeededGenerator(seed: seed)
            let goal = try XCTUnwrap(RopeTask(kind: .align).reset(split: .train, rng: &rng).goals.first)
            XCTAssertTrue(goal.instruction.hasPrefix("align the rope from "), goal.instruction)
            let direction = String(goal.instruction.dropFirst("align the rope from ".count))
            XCTAssertTrue(directions.contains(direction), direction)
            seen.insert(direction)
        }
        XCTAssertEqual(seen, directions, "24 seeds should draw every direction")
        var rng = SeededGenerator(seed: 5)
        let manipulate = RopeTask(kind: .manipulate)
        XCTAssertEqual(try manipulate.reset(split: .test, rng: &rng).goals.first?.instruction, "manipulate the rope to complete the square")
        XCTAssertEqual(RopeTask(kind: .align).completedInstruction, "done aligning the rope.")
        XCTAssertEqual(manipulate.completedInstruction, "done manipulating the rope.")
        XCTAssertEqual(try TaskRegistry.task(named: "align-rope").primitive, .ropePickPlace)
        XCTAssertEqual(try TaskRegistry.task(named: "manipulating-rope").name, "manipulating-rope")
    }

    /// 20 beads of 0.1 kg in a linked chain; a fixed, drawn-only square of side 0.2828 m; 20 targets
    /// evenly along a segment of length side (or side * sqrt 2 for a diagonal), bead i matching target i
    /// or 19 - i within 2 cm; 20 steps.
    func testSceneFollowsCLIPort() throws {
        for seed in 0..<6 {
            var rng = SeededGenerator(seed: seed)
            let episode = try RopeTask(kind: seed % 2 == 0 ? .align : .manipulate).reset(split: .train, rng: &rng)
            let scene = episode.scene
            XCTAssertEqual(episode.maxSteps, 20)
            let beads = scene.objects.filter { $0.shape == .bead }
            XCTAssertEqual(beads.count, 20)
            XCTAssertTrue(beads.allSatisfy { $0.mass == 0.1 && !$0.isFixed })
            XCTAssertEqual(beads.map(\.color.name), ["white"] + Array(repeating: "red", count: 18) + ["white"])
            XCTAssertEqual(scene.links.count, 19)
            let square = try XCTUnwrap(scene.objects.first { $0.name == "square" })
            XCTAssertTrue(square.isFixed)
            XCTAssertEqual(square.shape, .squareOutline(side: 0.28284271247461906, lineWidth: 0.01, openSide: true))
            XCTAssertTrue(square.shape.parts.allSatisfy { !$0.collides })
            let goal = try XCTUnwrap(episode.goals.first)
            XCTAssertEqual(goal.positionTolerance, 0.02)
            XCTAssertFalse(goal.replace)
            XCTAssertFalse(goal.rotations)
            XCTAssertEqual(goal.targets.count, 20)
            for i in 0..<20 {
                XCTAssertEqual(goal.matches[i].indices.filter { goal.matches[i][$0] }, Array(Set([i, 19 - i])).sorted())
            }
            let spacing = goal.targets[1].position - goal.targets[0].position
            let length = (spacing * spacing).sum().squareRoot() * 20
            XCTAssertTrue(abs(length - 0.2828427) < 1e-6 || abs(length - 0.4) < 1e-6, "segment length \(length)")
            for j in 1..<20 {
                let d = goal.targets[j].position - goal.targets[j - 1].position - spacing
                XCTAssertLessThan((d * d).sum().squareRoot(), 1e-9)
            }
            if seed % 2 == 1 {
                // manipulating-rope: the open (+y) side of the square.
                let local = square.pose.inverse.transform(goal.targets[0].position)
                XCTAssertEqual(local.y, 0.2828427 / 2, accuracy: 1e-6)
            }
        }
    }

    /// 1/20 per bead on a target; the rope may lie either way round.
    func testPartialCreditAndEitherDirection() throws {
        var rng = SeededGenerator(seed: 2)
        let episode = try RopeTask(kind: .align).reset(split: .train, rng: &rng)
        let goal = try XCTUnwrap(episode.goals.first)
        var poses = episode.scene.objects.map(\.pose)
        let far = Pose(position: SIMD3(0.3, 0.45, 0.005))
        for object in goal.objects { poses[object] = far }
        XCTAssertEqual(goal.stepReward(poses: poses), 0)
        for i in 0..<5 { poses[goal.objects[i]] = goal.targets[i] * Pose(position: SIMD3(0.015, 0, 0)) }
        XCTAssertEqual(goal.stepReward(poses: poses), 0.25, accuracy: 1e-12)
        poses[goal.objects[5]] = goal.targets[5] * Pose(position: SIMD3(0.021, 0, 0))
        XCTAssertEqual(goal.stepReward(poses: poses), 0.25, accuracy: 1e-12, "2 cm is the tolerance")
        for i in 0..<20 { poses[goal.objects[i]] = goal.targets[19 - i] }
        XCTAssertEqual(goal.stepReward(poses: poses), 1, accuracy: 1e-12)
    }

    /// The MJCF links the beads with `connect` equalities and excludes contacts between linked beads.
    func testRopeCompilesToLinkedBeads() throws {
        var rng = SeededGenerator(seed: 0)
        let episode = try RopeTask(kind: .align).reset(split: .train, rng: &rng)
        let xml = MJCFBuilder().xml(for: episode.scene)
        XCTAssertEqual(xml.components(separatedBy: "<connect ").count - 1, 19)
        XCTAssertEqual(xml.components(separatedBy: "<exclude ").count - 1, 19)
        XCTAssertEqual(xml.components(separatedBy: "type=\"sphere\" size=\"0.0075\"").count - 1, 20)
        // After the reset the rope lies on the table, every link closed to well under a millimetre.
        let world = try TabletopWorld(scene: episode.scene)
        try world.settle(maxSteps: 3000)
        let poses = world.objectPoses
        for link in episode.scene.links {
            let a = try XCTUnwrap(episode.scene.index(of: link.body1)), b = try XCTUnwrap(episode.scene.index(of: link.body2))
            let gap = poses[a].transform(link.anchor) - poses[b].position
            XCTAssertLessThan((gap * gap).sum().squareRoot(), 0.001)
        }
        for object in episode.scene.objects where object.shape == .bead {
            XCTAssertLessThan(poses[episode.scene.index(of: object.name)!].position.z, 0.03, "the column has collapsed")
        }
    }

    /// The oracle solves the first align-rope and manipulating-rope train seeds.
    func testOracleSolvesFirstSeeds() throws {
        let env = try Self.env.get()
        for (task, seed) in [(RopeTask(kind: .align), 0), (RopeTask(kind: .manipulate), 0)] {
            _ = try env.reset(task: task, seed: seed, split: .train)
            while let action = try env.oracleAction() {
                let r = try env.step(action)
                if r.done { break }
            }
            XCTAssertGreaterThan(env.totalReward, 0.99, "\(task.name) seed \(seed)")
            XCTAssertLessThanOrEqual(env.stepCount, 20)
        }
    }

    /// One seed fixes the episode.
    func testSameSeedGivesIdenticalEpisode() throws {
        let env = try Self.env.get()
        func run() throws -> [[ObjectState]] {
            var states = [try env.reset(task: RopeTask(kind: .align), seed: 4, split: .train).objects]
            for _ in 0..<2 {
                guard let action = try env.oracleAction() else { break }
                states.append(try env.step(action).observation.objects)
            }
            return states
        }
        XCTAssertEqual(try run(), try run())
    }
}
