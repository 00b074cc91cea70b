import Foundation
import Geometry
import Sim
import XCTest

final class PlaceRedInGreenTests: XCTestCase {
    /// Ravens' rules: 1-3 fixed green bowls, 1..n_bowls red blocks, 6 distractors (no red block, no green
    /// bowl), max steps 10, 5 cm tolerance, the fixed instruction.
    func testEpisodesFollowTheRules() throws {
        let task = try TaskRegistry.task(named: "place-red-in-green")
        XCTAssertEqual(task.instructionTemplates, ["put the red blocks in a green bowl"])
        for seed in 0..<8 {
            var rng = SeededGenerator(seed: seed)
            let episode = try task.reset(split: .train, rng: &rng)
            XCTAssertEqual(episode.maxSteps, 10)
            let goal = try XCTUnwrap(episode.goals.first)
            XCTAssertEqual(goal.instruction, "put the red blocks in a green bowl")
            XCTAssertEqual(goal.positionTolerance, 0.05)
            let bowls = episode.scene.objects.filter { $0.name.hasPrefix("bowl") }
            let blocks = episode.scene.objects.filter { $0.name.hasPrefix("block") }
            XCTAssertTrue((1...3).contains(bowls.count))
            XCTAssertTrue((1...bowls.count).contains(blocks.count))
            XCTAssertTrue(bowls.allSatisfy { $0.isFixed && $0.color == .green })
            XCTAssertTrue(blocks.allSatisfy { !$0.isFixed && $0.color == .red })
            let distractors = episode.scene.objects.filter { $0.name.hasPrefix("distractor") }
            XCTAssertEqual(distractors.count, 6)
            for d in distractors {
                if d.name.hasSuffix("block") { XCTAssertNotEqual(d.color, .red) } else { XCTAssertNotEqual(d.color, .green) }
            }
        }
    }

    /// The oracle solves the first seeds; one seed gives the same episode twice.
    func testOracleSolvesAndIsDeterministic() throws {
        let task = PlaceRedInGreen()
        for seed in [0, 2, 4] {
            let e = try runOracleEpisode(task, seed: seed)
            XCTAssertGreaterThan(e.totalReward, 0.99, "seed \(seed)")
            XCTAssertEqual(e.instructions.last, "done placing blocks in bowls.")
        }
        let a = try runOracleEpisode(task, seed: 6), b = try runOracleEpisode(task, seed: 6)
        XCTAssertEqual(a.objects, b.objects)
    }
}
