import Core
import Foundation
import Geometry
@testable import Sim
import XCTest

final class PackingGoogleObjectsTests: XCTestCase {
    /// CLIPort's lists: 56 seen objects for every split; unseen: 37 train and 19 disjoint val/test objects.
    func testObjectListsMatchCLIPort() {
        XCTAssertEqual(GoogleObjects.seen.count, 56)
        XCTAssertEqual(Set(GoogleObjects.seen).count, 56)
        XCTAssertEqual(GoogleObjects.unseenTrain.count, 37)
        XCTAssertEqual(GoogleObjects.unseenEval.count, 19)
        XCTAssertTrue(Set(GoogleObjects.unseenTrain).isDisjoint(with: GoogleObjects.unseenEval))
        XCTAssertEqual(GoogleObjects.names(seen: true, split: .test), GoogleObjects.seen)
        XCTAssertEqual(GoogleObjects.names(seen: false, split: .val), GoogleObjects.unseenEval)
        XCTAssertTrue(GoogleObjects.unseenEval.contains("yoshi figure"))
        // Every stand-in fits its cell and is drawn.
        for name in GoogleObjects.seen {
            let shape = GoogleObjects.proceduralShape(name: name, size: 0.1)
            XCTAssertLessThanOrEqual(max(shape.size.x, shape.size.y), 0.1, name)
            XCTAssertTrue(shape.parts.contains { $0.visible }, name)
        }
        XCTAssertEqual(GoogleObjects.color(of: "red cup"), .red)
        XCTAssertEqual(GoogleObjects.color(of: "silver tape"), .gray)
    }

    /// Seq: 1..n-1 goals of 1/n_pack each with the template and object names of the split; group: one goal
    /// over the repeated category (at least 2 objects) with its template; max steps n + 1.
    func testEpisodesFollowTheRules() throws {
        for (name, split) in [("packing-seen-google-objects-seq", Split.train), ("packing-unseen-google-objects-seq", .test),
                              ("packing-seen-google-objects-group", .train), ("packing-unseen-google-objects-group", .val)] {
            let task = try TaskRegistry.task(named: name)
            let allowed = GoogleObjects.names(seen: name.contains("-seen-"), split: split)
            for seed in 0..<3 {
                var rng = SeededGenerator(seed: seed)
                let e = try task.reset(split: split, rng: &rng)
                let objects = e.scene.objects.filter { $0.name.hasPrefix("object") }
                XCTAssertGreaterThanOrEqual(objects.count, 2)
                for o in objects {
                    XCTAssertTrue(allowed.contains { o.name.hasSuffix($0.replacingOccurrences(of: " ", with: "-")) }, "\(name): \(o.name)")
                }
                if name.hasSuffix("group") {
                    let goal = try XCTUnwrap(e.goals.first)
                    XCTAssertEqual(e.goals.count, 1)
                    XCTAssertGreaterThanOrEqual(goal.objects.count, 2)
                    XCTAssertEqual(e.maxSteps, goal.objects.count + 1)
                    XCTAssertTrue(matches(goal.instruction, "^pack all the .+ objects in the brown box$"), goal.instruction)
                } else {
                    XCTAssertTrue((1..<max(objects.count, 2)).contains(e.goals.count))
                    XCTAssertEqual(e.maxSteps, e.goals.count + 1)
                    XCTAssertEqual(Set(objects.map(\.name)).count, objects.count)
                    for g in e.goals {
                        XCTAssertEqual(g.maxReward, 1 / Double(e.goals.count), accuracy: 1e-12)
                        XCTAssertTrue(matches(g.instruction, "^pack the .+ in the brown box$"))
                    }
                }
            }
        }
        XCTAssertEqual(PackingGoogleObjects(seen: true, group: false).objectSet, .procedural)
    }

    /// The oracle packs the objects (total > 0.99) for a seq and a group episode.
    func testOracleFinishes() throws {
        for (task, seed) in [(PackingGoogleObjects(seen: false, group: false), 0), (PackingGoogleObjects(seen: true, group: true), 2)] {
            let e = try runOracleEpisode(task, seed: seed)
            XCTAssertGreaterThan(e.totalReward, 0.99, "\(task.name) seed \(seed): \(e.totals)")
        }
    }
}
