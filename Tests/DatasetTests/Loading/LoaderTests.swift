import Geometry
import XCTest
@testable import Dataset

final class LoaderTests: XCTestCase {
    func batches(_ loader: Loader, _ n: Int) throws -> [LoaderBatch] {
        try (0..<n).map { _ in try XCTUnwrap(try loader.next()) }
    }

    func testUnaugmentedLabelsAreThePixelsOfTheStoredPoses() throws {
        let path = try LoaderTestData.dataset()
        let loader = try Loader(path: path, configuration: LoaderConfiguration(batchSize: 4, seed: 3, workers: 2, augment: false))
        let reader = try DatasetReader(path: path)
        for batch in try batches(loader, 3) {
            XCTAssertEqual(batch.count, 4)
            XCTAssertEqual(batch.samples.map(\.image.count), Array(repeating: 320 * 160 * 6, count: 4))
            XCTAssertEqual(batch.samples.map(\.shape), Array(repeating: [6, 320, 160], count: 4))
            for i in 0..<batch.count {
                let step = try reader.step(batch.steps[i], ofEpisode: batch.episodes[i])
                let w = Workspace.cliport
                XCTAssertEqual(batch.picks[i], w.pixel(of: step.action.pickPose.position))  // xyz_to_pix(pose0)
                XCTAssertEqual(batch.places[i], w.pixel(of: step.action.placePose.position))
                XCTAssertEqual(batch.rotationBins[i], RotationBins.bin(pick: step.action.pickPose, place: step.action.placePose))
                XCTAssertEqual(batch.instructions[i], step.instruction)
                XCTAssertNil(batch.perturbations[i])
                // get_image: colour, then the height three times.
                let sample = batch.samples[i]
                let hm = step.observation.heightmap
                for p in [batch.picks[i], Pixel(row: 0, col: 0), Pixel(row: 319, col: 159)] {
                    let c = hm.color(at: p)
                    XCTAssertEqual(sample.value(p, channel: 0), Float(c.x))
                    XCTAssertEqual(sample.value(p, channel: 2), Float(c.z))
                    for k in 3..<6 { XCTAssertEqual(sample.value(p, channel: k), hm.height(at: p)) }
                    // Channels first, the networks' layout: plane k holds channel k of every pixel.
                    let plane = 320 * 160, i = p.row * 160 + p.col
                    XCTAssertEqual(sample.image[2 * plane + i], Float(c.z))
                    XCTAssertEqual(sample.image[5 * plane + i], hm.height(at: p))
                }
            }
        }
    }

    func testAugmentedLabelsStayOnTheSameObjectAndRotationBinsDoNotChange() throws {
        let path = try LoaderTestData.dataset()
        let plain = try Loader(path: path, configuration: LoaderConfiguration(batchSize: 8, seed: 11, workers: 2, augment: false))
        let augmented = try Loader(path: path, configuration: LoaderConfiguration(batchSize: 8, seed: 11, workers: 2, augment: true))
        var transformed = 0
        for _ in 0..<5 {
            let a = try XCTUnwrap(try plain.next()), b = try XCTUnwrap(try augmented.next())
            // The same seed draws the same episodes and steps; augmentation only adds the transform.
            XCTAssertEqual(a.episodes, b.episodes)
            XCTAssertEqual(a.steps, b.steps)
            XCTAssertEqual(a.rotationBins, b.rotationBins)
            for i in 0..<a.count {
                guard b.perturbations[i] != nil else { continue }
                transformed += 1
                let s0 = a.samples[i], s1 = b.samples[i]
                for (p0, p1) in [(a.picks[i], b.picks[i]), (a.places[i], b.places[i])] {
                    XCTAssertTrue(Workspace.cliport.contains(p1))
                    XCTAssertEqual(s1.value(p1, channel: 3), s0.value(p0, channel: 3), accuracy: 2e-4, "height under the label")
                    for k in 0..<3 { XCTAssertEqual(s1.value(p1, channel: k), s0.value(p0, channel: k), accuracy: 1, "colour under the label") }
                }
            }
        }
        XCTAssertGreaterThan(transformed, 30)
    }

    func testSameSeedSameBatchesWhateverTheWorkerCount() throws {
        let path = try LoaderTestData.dataset()
        func run(workers: Int, seed: Int) throws -> [LoaderBatch] {
            try batches(try Loader(path: path, configuration: LoaderConfiguration(batchSize: 2, seed: seed, workers: workers,
                                                                                  prefetchBatches: 3)), 4)
        }
        let one = try run(workers: 1, seed: 5), two = try run(workers: 2, seed: 5), other = try run(workers: 2, seed: 6)
        for (a, b) in zip(one, two) {
            XCTAssertEqual(a.index, b.index)
            XCTAssertEqual(a.samples.map(\.image), b.samples.map(\.image))
            XCTAssertEqual(a.picks, b.picks)
            XCTAssertEqual(a.places, b.places)
            XCTAssertEqual(a.perturbations, b.perturbations)
        }
        XCTAssertNotEqual(one.map(\.picks), other.map(\.picks))
    }

    func testValidationVisitsEveryStepOnceInOrderWithoutAugmentation() throws {
        let path = try LoaderTestData.dataset()
        let loader = try Loader(path: path, configuration: LoaderConfiguration(mode: .validation, batchSize: 5, workers: 2, augment: true))
        XCTAssertEqual(loader.batchCount, 3)  // 4 episodes x 3 steps = 12 items in batches of 5
        var items: [[Int]] = []
        while let batch = try loader.next() {
            XCTAssertTrue(batch.perturbations.allSatisfy { $0 == nil })
            for i in 0..<batch.count { items.append([batch.episodes[i], batch.steps[i]]) }
        }
        XCTAssertEqual(items, (0..<4).flatMap { e in (0..<3).map { [e, $0] } })
        XCTAssertNil(try loader.next())
    }

    func testGoalIsTheNextObservationForSeqTasksElseTheFinalOne() throws {
        let plainPath = try LoaderTestData.dataset()
        let seqPath = try LoaderTestData.dataset(task: "stack-block-pyramid-seq-seen-colors", episodes: 2)
        for (path, sequential) in [(plainPath, false), (seqPath, true)] {
            let loader = try Loader(path: path, configuration: LoaderConfiguration(mode: .validation, batchSize: 3, workers: 1,
                                                                                   goalImages: true))
            let reader = try DatasetReader(path: path)
            let batch = try XCTUnwrap(try loader.next())
            for i in 0..<batch.count {
                let e = batch.episodes[i], t = batch.steps[i]
                let episode = try reader.episode(e)
                let expected = sequential && t + 1 < episode.steps.count ? episode.steps[t + 1].observation.heightmap
                                                                        : episode.finalObservation.heightmap
                let goal = try XCTUnwrap(batch.samples[i].goal)
                XCTAssertEqual(goal, SampleAssembler.plainImage(color: expected.color, height: expected.height), "episode \(e) step \(t)")
            }
        }
    }

    func testAugmentedGoalGetsTheSameTransform() throws {
        let path = try LoaderTestData.dataset()
        let loader = try Loader(path: path, configuration: LoaderConfiguration(batchSize: 2, seed: 4, workers: 1, goalImages: true))
        let reader = try DatasetReader(path: path)
        let batch = try XCTUnwrap(try loader.next())
        for i in 0..<batch.count {
            guard let p = batch.perturbations[i] else { continue }
            let final = try reader.finalObservation(ofEpisode: batch.episodes[i]).heightmap
            let expected = SampleAssembler.warpedImage(color: final.color, height: final.height, rows: 320, cols: 160,
                                                       matrix: p.matrix, truncateColor: false)
            XCTAssertEqual(try XCTUnwrap(batch.samples[i].goal), expected)
        }
    }

    func testNDemosFixesASeededSubset() throws {
        let path = try LoaderTestData.dataset()
        let config = LoaderConfiguration(batchSize: 8, seed: 9, workers: 1, augment: false, nDemos: 2)
        let a = try Loader(path: path, configuration: config), b = try Loader(path: path, configuration: config)
        XCTAssertEqual(a.plan.chosen, b.plan.chosen)
        XCTAssertEqual(a.plan.chosen[0].count, 2)
        let seen = Set(try batches(a, 4).flatMap(\.episodes))
        XCTAssertTrue(seen.isSubset(of: Set(a.plan.chosen[0])))
        var tooMany = config; tooMany.nDemos = 5
        XCTAssertThrowsError(try Loader(path: path, configuration: tooMany)) { error in
            XCTAssertEqual(error as? LoaderError, .notEnoughEpisodes(path: path, available: 4, requested: 5))
        }
    }

    func testStatisticsAreTheMeansOfTheStoredHeightmaps() throws {
        let path = try LoaderTestData.dataset()
        let stats = try DatasetStatistics.compute(path: path)
        let reader = try DatasetReader(path: path)
        var colour = [Double](repeating: 0, count: 3), height = 0.0, heightSq = 0.0, n = 0.0
        for e in 0..<reader.episodes.count {
            for step in try reader.episode(e).steps {
                let hm = step.observation.heightmap
                for i in 0..<hm.height.count {
                    for k in 0..<3 { colour[k] += Double(hm.color[i * 3 + k]) / 255 }
                    height += Double(hm.height[i]); heightSq += Double(hm.height[i]) * Double(hm.height[i])
                    n += 1
                }
            }
        }
        XCTAssertEqual(stats.observations, 12)
        for k in 0..<3 { XCTAssertEqual(stats.colorMean[k], colour[k] / n, accuracy: 1e-9) }
        XCTAssertEqual(stats.heightMean, height / n, accuracy: 1e-9)
        XCTAssertEqual(stats.heightStd, (heightSq / n - (height / n) * (height / n)).squareRoot(), accuracy: 1e-7)
        XCTAssertGreaterThan(stats.heightMean, 0)
    }
}
