import Core
import Foundation
import Geometry
@testable import Sim
import XCTest

/// separating-piles-{seen,unseen,full} and sweeping-piles: CLIPort's rules (instructions and colours per
/// split, 50 small blocks, zones), the zone metric's partial credit, the spatula push, the oracle.
final class PileTasksTests: XCTestCase {
    static let env = Result { try Environment() }

    func testInstructionsAndColoursFollowCLIPort() throws {
        let pattern = try NSRegularExpression(pattern: "^push the pile of ([a-z]+) blocks into the ([a-z]+) square$")
        for (variant, split, allowed) in [(ColorVariant.seen, Split.train, NamedColor.trainColors), (.seen, .test, NamedColor.trainColors),
                                          (.unseen, .train, NamedColor.trainColors), (.unseen, .val, NamedColor.evalColors),
                                          (.full, .train, NamedColor.trainColors + NamedColor.evalColors)] {
            let task = PileTask(colors: variant)
            XCTAssertEqual(task.name, "separating-piles-\(variant.suffix)")
            for seed in 0..<6 {
                var rng = SeededGenerator(seed: seed)
                let episode = try task.reset(split: split, rng: &rng)
                let text = try XCTUnwrap(episode.goals.first).instruction
                let m = try XCTUnwrap(pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), text)
                let block = String(text[Range(m.range(at: 1), in: text)!]), square = String(text[Range(m.range(at: 2), in: text)!])
                let zones = episode.scene.objects.filter { $0.name.hasPrefix("zone") }
                XCTAssertEqual(zones.count, 2)
                XCTAssertTrue(zones.contains { $0.color.name == square })
                let names = Set(zones.map(\.color.name) + [block])
                XCTAssertEqual(names.count, 3, "three distinct colours: \(names)")
                XCTAssertTrue(names.allSatisfy { n in allowed.contains { $0.name == n } }, "\(variant) \(split): \(names)")
                XCTAssertTrue(episode.scene.objects.filter { $0.name.hasPrefix("block") }.allSatisfy { $0.color.name == block })
                let d = zones[0].pose.position - zones[1].pose.position
                XCTAssertGreaterThanOrEqual((d * d).sum().squareRoot(), 0.2)
                XCTAssertTrue(zones.allSatisfy { $0.shape == .squareOutline(side: 0.12, lineWidth: PileTask.zoneLineWidth, openSide: false) })
            }
        }
        var rng = SeededGenerator(seed: 1)
        let sweeping = try PileTask(colors: nil).reset(split: .test, rng: &rng)
        XCTAssertEqual(sweeping.goals.first?.instruction, "push the pile of blocks into the green square")
        let zones = sweeping.scene.objects.filter { $0.name.hasPrefix("zone") }
        XCTAssertEqual(zones.map(\.shape), [.squareOutline(side: 0.12, lineWidth: PileTask.zoneLineWidth, openSide: false)])
        XCTAssertEqual(PileTask(colors: nil).completedInstruction, "done sweeping.")
        XCTAssertEqual(PileTask(colors: .seen).completedInstruction, "done separating pile.")
        XCTAssertEqual(try TaskRegistry.task(named: "sweeping-piles").primitive, .push)
        XCTAssertEqual(try TaskRegistry.task(named: "separating-piles-full").name, "separating-piles-full")
    }

    /// 50 blocks of 1 cm and 1 g in x 0.4-0.6, y -0.1-0.1 at z 0.01; the spatula; one zone goal over all of
    /// them with one point per block; 20 steps.
    func testSceneFollowsCLIPort() throws {
        var rng = SeededGenerator(seed: 3)
        let episode = try PileTask(colors: .unseen).reset(split: .train, rng: &rng)
        XCTAssertEqual(episode.maxSteps, 20)
        XCTAssertEqual(episode.scene.endEffector, .spatula)
        let blocks = episode.scene.objects.filter { $0.name.hasPrefix("block") }
        XCTAssertEqual(blocks.count, 50)
        for b in blocks {
            XCTAssertEqual(b.shape, .box(size: SIMD3(repeating: 0.01)))
            XCTAssertEqual(b.mass, 0.001)
            XCTAssertTrue((0.4...0.6).contains(b.pose.position.x) && (-0.1...0.1).contains(b.pose.position.y))
            XCTAssertEqual(b.pose.position.z, 0.01)
        }
        let goal = try XCTUnwrap(episode.goals.first)
        XCTAssertEqual(goal.objects.count, 50)
        XCTAssertTrue(goal.replace)
        XCTAssertFalse(goal.rotations)
        guard case .zone(let points, let zones, let maxZ) = goal.metric else { return XCTFail("zone metric expected") }
        XCTAssertEqual(points.first, [SIMD3(-0.005, -0.005, -0.005)])
        XCTAssertEqual(zones.count, 1)
        XCTAssertEqual(zones[0].size, SIMD3(0.15, 0.15, 0))
        XCTAssertEqual(maxZ, 0.3)
        XCTAssertTrue(MJCFBuilder().xml(for: episode.scene).contains("name=\"spatula\""))
    }

    /// The zone reward is the fraction of block points inside the target zone.
    func testZoneMetricGivesPartialCredit() throws {
        var rng = SeededGenerator(seed: 0)
        let episode = try PileTask(colors: nil).reset(split: .train, rng: &rng)
        let goal = try XCTUnwrap(episode.goals.first)
        let zone = goal.targets[0]
        var poses = episode.scene.objects.map(\.pose)
        for (k, object) in goal.objects.enumerated() {
            poses[object] = k < 20 ? zone * Pose(position: SIMD3(0.05, -0.05, 0.005)) : zone * Pose(position: SIMD3(0.1, 0, 0.005))
        }
        XCTAssertEqual(goal.stepReward(poses: poses), 0.4, accuracy: 1e-12)
        var progress = TaskProgress(goals: [goal], completedInstruction: "done sweeping.")
        for object in goal.objects { poses[object] = zone * Pose(position: SIMD3(0.01, 0.02, 0.005)) }
        XCTAssertEqual(progress.reward(poses: poses), 1, accuracy: 1e-12)
        XCTAssertTrue(progress.done)
    }

    /// The push: start moved back 2 cm, end shortened 5 cm, blade across the push. A block pushed along
    /// +x from its own position towards a point 0.2 m away ends just in front of the blade, about 5 cm
    /// short of the end.
    func testPushMovesABlockToFiveCentimetresShortOfTheEnd() throws {
        var scene = Scene(objects: [SceneObject(name: "block", shape: .box(size: SIMD3(repeating: 0.01)), color: .red, mass: 0.001,
                                                pose: Pose(position: SIMD3(0.5, 0.05, 0.005)))])
        scene.endEffector = .spatula
        scene.solver = .conjugateGradient
        let world = try TabletopWorld(scene: scene)
        try world.settle()
        _ = try world.push(from: Pose(position: SIMD3(0.5, 0.05, 0.01)), to: Pose(position: SIMD3(0.7, 0.05, 0)))
        let p = world.pose(ofObject: 0).position
        // Blade front at 0.65 + 0.0025, block centre half a block further.
        XCTAssertEqual(p.x, 0.6575, accuracy: 0.01)
        XCTAssertEqual(p.y, 0.05, accuracy: 0.01)
        XCTAssertEqual(p.z, 0.005, accuracy: 0.001)
    }

    /// The oracle (push the farthest block towards the zone) solves the first sweeping-piles train seed.
    func testOracleSolvesFirstSeed() throws {
        let env = try Self.env.get()
        _ = try env.reset(task: PileTask(colors: nil), seed: 0, split: .train)
        while let action = try env.oracleAction() {
            let r = try env.step(action)
            if r.done { break }
        }
        XCTAssertGreaterThan(env.totalReward, 0.99)
        XCTAssertLessThanOrEqual(env.stepCount, 20)
    }

    /// The train splits of the seen and unseen variants draw from the same colours, so one seed gives the
    /// same scene; full draws from more colours but makes the same draws, so the same layout.
    func testSeedFixesTheScene() throws {
        func scene(_ v: ColorVariant) throws -> Scene {
            var rng = SeededGenerator(seed: 7)
            return try PileTask(colors: v).reset(split: .train, rng: &rng).scene
        }
        XCTAssertEqual(try scene(.seen), try scene(.unseen))
        XCTAssertEqual(try scene(.seen).objects.map(\.pose), try scene(.full).objects.map(\.pose))
    }
}
