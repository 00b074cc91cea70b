import Core
import Foundation
import Geometry
import Sim
import XCTest

final class TowersOfHanoiTests: XCTestCase {
    /// Seven goals of 1/7 following the optimal solution (disk 0 is the smallest), the template with the rod
    /// names, three distinct colours of the split's list, disks stacked on the first rod.
    func testSeqEpisodesFollowTheRules() throws {
        let moves = [(0, 2), (1, 1), (0, 1), (2, 2), (0, 0), (1, 2), (0, 2)]
        let rods = ["lighter brown side", "middle of the stand", "darker brown side"]
        for (variant, split, allowed) in [(ColorVariant.seen, Split.train, NamedColor.trainColors),
                                          (.unseen, .test, NamedColor.evalColors),
                                          (.full, .val, ColorVariant.full.colors(for: .val))] {
            let task = try TaskRegistry.task(named: "towers-of-hanoi-seq-\(variant.suffix)")
            for seed in 0..<4 {
                var rng = SeededGenerator(seed: seed)
                let e = try task.reset(split: split, rng: &rng)
                XCTAssertEqual(e.maxSteps, 14)
                let disks = e.scene.objects.filter { $0.name.hasPrefix("disk") }
                XCTAssertEqual(disks.count, 3)
                XCTAssertEqual(Set(disks.map(\.color.name)).count, 3)
                XCTAssertTrue(disks.allSatisfy { d in allowed.contains(d.color) })
                XCTAssertEqual(e.goals.map(\.instruction),
                               moves.map { "move the \(disks[$0.0].color.name) ring to the \(rods[$0.1])" })
                XCTAssertTrue(e.goals.allSatisfy { abs($0.maxReward - 1.0 / 7) < 1e-12 && $0.symmetries == [0] })
                XCTAssertEqual(disks[0].pose.position.z, 0.035, accuracy: 1e-9)
                XCTAssertEqual(disks[2].pose.position.z, 0.015, accuracy: 1e-9)
            }
        }
        var rng = SeededGenerator(seed: 1)
        let ravens = try TowersOfHanoi().reset(split: .train, rng: &rng)
        XCTAssertEqual(Set(ravens.goals.map(\.instruction)), ["solve towers of hanoi"])
        XCTAssertEqual(ravens.scene.objects.filter { $0.name.hasPrefix("disk") }.map(\.color.name), ["red", "yellow", "green"])
    }

    /// The oracle solves the puzzle in 7 steps with 1/7 per move.
    func testOracleSolvesHanoi() throws {
        let e = try runOracleEpisode(TowersOfHanoiSeq(colors: .seen), seed: 0)
        XCTAssertGreaterThan(e.totalReward, 0.99)
        XCTAssertEqual(e.steps, 7)
        XCTAssertEqual(e.totals.first ?? 0, 1.0 / 7, accuracy: 1e-9)
        XCTAssertEqual(e.instructions.last, "solved towers of hanoi.")
        let r = try runOracleEpisode(TowersOfHanoi(), seed: 4)
        XCTAssertGreaterThan(r.totalReward, 0.99)
    }
}
