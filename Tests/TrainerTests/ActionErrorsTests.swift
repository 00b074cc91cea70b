import Core
import Foundation
import Model
import TestSupport
import XCTest
@testable import Trainer

final class ActionErrorsTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-action-errors")
    override func tearDown() { folders.removeAll() }

    private func example(pick: (Int, Int), place: (Int, Int, Int)) -> ExampleScore {
        ExampleScore(losses: (0, 0), pickPeak: .init(rotation: 0, row: pick.0, column: pick.1),
                     placePeak: .init(rotation: place.0, row: place.1, column: place.2))
    }

    /// Distances in pixels, rotations the short way round, medians, and the shares within 1 cm (on CLIPort's
    /// 3.125 mm grid 3 pixels = 9.4 mm is in, 4 = 12.5 mm is out) and within 15 degrees.
    func testErrorsAgainstTheDemonstratedAction() {
        let labels = (pick: (row: 13, column: 14), place: (row: 20, column: 23))
        func errors(pick: (Int, Int), place: (Int, Int, Int), bin: Int) -> ActionErrors.Example {
            ActionErrors.Example(example(pick: pick, place: place), pick: labels.pick, place: labels.place, placeRotation: bin, rotations: 36)
        }
        let near = errors(pick: (10, 10), place: (35, 20, 20), bin: 0)
        XCTAssertEqual(near, ActionErrors.Example(pickPixels: 5, placePixels: 3, rotationDegrees: 10))
        let turned = errors(pick: (13, 14), place: (18, 24, 23), bin: 0)
        XCTAssertEqual(turned, ActionErrors.Example(pickPixels: 0, placePixels: 4, rotationDegrees: 180))
        let off = errors(pick: (13, 17), place: (3, 20, 23), bin: 1)
        XCTAssertEqual(off, ActionErrors.Example(pickPixels: 3, placePixels: 0, rotationDegrees: 20))

        let summary = ActionErrors([near, turned, off], pixelSize: 0.003125)
        XCTAssertEqual(summary.examples, 3)
        XCTAssertEqual(summary.pickPixels, 3)
        XCTAssertEqual(summary.placePixels, 3)
        XCTAssertEqual(summary.rotationDegrees, 20)
        XCTAssertEqual(summary.placeWithin1cm, 2.0 / 3)
        XCTAssertEqual(summary.rotationWithin15Degrees, 1.0 / 3)
        // An even count takes the middle two's mean.
        XCTAssertEqual(ActionErrors([near, turned, off, near], pixelSize: 0.003125).rotationDegrees, 15)
        let json = String(decoding: try! JSONEncoder().encode(summary), as: UTF8.self)
        for key in ["examples", "pick_pixels", "place_pixels", "rotation_degrees", "place_within_1cm", "rotation_within_15deg"] {
            XCTAssertTrue(json.contains("\"\(key)\""), json)
        }
    }

    /// `cliport eval --against-demos` on the val split gives, for the save-step checkpoint, the numbers the
    /// training's validation pass wrote into metrics.jsonl at that step (the same weights, examples and code).
    func testScoringAgainstDemonstrationsReproducesTheValidationPass() throws {
        let root = folders.make("against-demos")
        let data = try TrainerFixtures.dataset(in: root)
        let run = TrainingRun(path: root + "/run")
        try TrainerFixtures.train(TrainerFixtures.configuration(data: data, steps: 2), in: run)
        let lines = try String(contentsOfFile: run.metricsFile, encoding: .utf8).split(separator: "\n")
        let saved = try JSONDecoder().decode(StepMetrics.self, from: Data(lines[1].utf8))
        let task = "put-block-in-bowl-seen-colors"
        let logged = try XCTUnwrap(saved.validationActionErrorsByTask?[task])
        XCTAssertEqual(logged.examples, 2)

        let evaluator = Evaluator(run: run)
        let scores = try evaluator.scoreAgainstDemonstrations(task: task, split: .val, samples: 2, checkpoint: "steps=00002.hdf5")
        XCTAssertEqual(scores.map(\.checkpoint), ["steps=00002.hdf5"])
        XCTAssertEqual(scores[0].step, 2)
        XCTAssertEqual(scores[0].actionErrors, logged)
        XCTAssertEqual(scores[0].loss, try XCTUnwrap(saved.validationLossByTask?[task]), accuracy: 1e-6 * scores[0].loss)
        // Every saved checkpoint without --checkpoint; the train split reads the train folder (6 episodes).
        XCTAssertEqual(try evaluator.scoreAgainstDemonstrations(task: task, split: .train, samples: 5).map(\.actionErrors.examples), [5])

        XCTAssertThrowsError(try evaluator.scoreAgainstDemonstrations(task: task, split: .test, samples: 2)) { error in
            XCTAssertTrue("\(error)".contains("train and val data only"), "\(error)")
        }
        XCTAssertThrowsError(try evaluator.scoreAgainstDemonstrations(task: "align-rope", split: .val, samples: 2)) { error in
            XCTAssertTrue("\(error)".contains("no val data for align-rope (it has: \(task))"), "\(error)")
        }
        XCTAssertThrowsError(try evaluator.scoreAgainstDemonstrations(task: task, split: .val, samples: 0))
    }
}
