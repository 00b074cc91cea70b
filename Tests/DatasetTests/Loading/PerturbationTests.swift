import Geometry
import SyntheticData
import XCTest
@testable import Dataset

final class PerturbationTests: XCTestCase {
    func testLabelsAreMappedLikeCLIPortAndRoundedHalfToEven() {
        let p = SE2Perturbation(theta: 0, translation: SIMD2(2.5, -1.5), pivot: SIMD2(80, 160))
        let m = p.map(Pixel(row: 10, col: 20))
        XCTAssertEqual(m.col, 22.5); XCTAssertEqual(m.row, 8.5)
        XCTAssertEqual(m.rounded, Pixel(row: 8, col: 22))  // numpy rounds 8.5 -> 8 and 22.5 -> 22
        // A quarter turn about the pivot (80, 160): (x, y) -> (80 - (y - 160), 160 + (x - 80)).
        let q = SE2Perturbation(theta: .pi / 2, translation: .zero, pivot: SIMD2(80, 160)).map(Pixel(row: 150, col: 90))
        XCTAssertEqual(q.rounded, Pixel(row: 170, col: 90))
        XCTAssertTrue(p.keepsInside(Pixel(row: 10, col: 20), rows: 320, cols: 160))
        XCTAssertFalse(p.keepsInside(Pixel(row: 0, col: 20), rows: 320, cols: 160))  // row -1.5
    }

    func testGivesUpAfterTheRetriesAndLeavesTheSampleAsItIs() throws {
        var rng = SeededGenerator(seed: 1)
        XCTAssertNil(SE2Perturbation.sample(keeping: [Pixel(row: 160, col: 80)], rows: 320, cols: 160, thetaSigmaDegrees: 60,
                                            translationSigma: 1e6, maxAttempts: 5, using: &rng))
        let episode = SyntheticPickPlaceEpisodes.episode(seed: 3, steps: 1)
        let step = episode.steps[0]
        let stored = StoredStep(rows: 320, cols: 160, color: step.observation.heightmap.color, height: step.observation.heightmap.height,
                                pick: step.action.pickPixel, place: step.action.placePixel, rotationBin: step.action.rotationBin,
                                instruction: step.instruction, goalColor: nil, goalHeight: nil)
        var aug = Augmentation.cliport
        aug.translationSigmaPixels = 1e6
        aug.maxAttempts = 3
        let sample = SampleAssembler.assemble(stored, task: "t", episode: 0, step: 0, augmentation: aug, rng: &rng)
        XCTAssertNil(sample.perturbation)
        XCTAssertEqual(sample.pick, step.action.pickPixel)
        XCTAssertEqual(sample.image, SampleAssembler.plainImage(color: stored.color, height: stored.height))
    }

    /// Many random transforms of one step: the labelled pixels keep the colour and height of the object they
    /// were on, and the rotation label is untouched.
    func testManyTransformsKeepTheLabelsOnTheirObjects() {
        let episode = SyntheticPickPlaceEpisodes.episode(seed: 8, steps: 2)
        let step = episode.steps[1]
        let hm = step.observation.heightmap
        let stored = StoredStep(rows: 320, cols: 160, color: hm.color, height: hm.height, pick: step.action.pickPixel,
                                place: step.action.placePixel, rotationBin: step.action.rotationBin, instruction: step.instruction,
                                goalColor: nil, goalHeight: nil)
        var thetas: [Double] = []
        for k in 0..<40 {
            var rng = SeededGenerator(seed: 1000 + k)
            let s = SampleAssembler.assemble(stored, task: "put-block-in-bowl-seen-colors", episode: 0, step: 1,
                                             augmentation: .cliport, rng: &rng)
            guard let p = s.perturbation else { XCTFail("no transform found"); continue }
            thetas.append(p.theta)
            XCTAssertEqual(s.rotationBin, step.action.rotationBin)
            for (before, after) in [(stored.pick, s.pick), (stored.place, s.place)] {
                XCTAssertEqual(s.value(after, channel: 3), hm.height(at: before), accuracy: 1e-4)
                let c = hm.color(at: before)
                XCTAssertEqual(s.value(after, channel: 0), Float(c.x), accuracy: 1)
                XCTAssertEqual(s.value(after, channel: 1), Float(c.y), accuracy: 1)
                XCTAssertEqual(s.value(after, channel: 2), Float(c.z), accuracy: 1)
            }
        }
        // Rejection favours small rotations for labels far from the pivot, but the transforms still vary widely.
        XCTAssertGreaterThan(thetas.map(abs).max() ?? 0, 0.5)
    }

    /// With the label at the pivot, rotation never rejects: theta ~ N(0, 60 deg), t ~ N(0, 26.67 px) per axis.
    func testTransformsFollowCLIPortsDistributions() {
        var rng = SeededGenerator(seed: 77)
        var thetas: [Double] = [], tx: [Double] = [], ty: [Double] = []
        for _ in 0..<3000 {
            guard let p = SE2Perturbation.sample(keeping: [Pixel(row: 160, col: 80)], rows: 320, cols: 160, thetaSigmaDegrees: 60,
                                                 maxAttempts: 100, using: &rng) else { continue }
            XCTAssertEqual(p.pivot, SIMD2(80, 160))
            thetas.append(p.theta); tx.append(p.translation.x); ty.append(p.translation.y)
        }
        func std(_ v: [Double]) -> Double { (v.map { $0 * $0 }.reduce(0, +) / Double(v.count)).squareRoot() }
        XCTAssertEqual(std(thetas) * 180 / .pi, 60, accuracy: 3)
        XCTAssertEqual(std(ty), 160.0 / 6, accuracy: 1.5)
        XCTAssertEqual(std(tx), 160.0 / 6, accuracy: 1.5)  // |tx| > 80 (3 sigma) is rejected: barely visible
        XCTAssertEqual(thetas.reduce(0, +) / Double(thetas.count), 0, accuracy: 0.06)
    }

    func testThetaSigmaIsSettablePerTask() {
        var aug = Augmentation.cliport
        aug.thetaSigmaByTask["align-rope"] = 10
        XCTAssertEqual(aug.thetaSigma(task: "align-rope"), 10)
        XCTAssertEqual(aug.thetaSigma(task: "packing-shapes"), 60)
    }
}
