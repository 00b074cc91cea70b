import XCTest
@testable import Dataset

/// Reused memory (recycled sample images, a worker's decoded step and warp source) gives the same samples as
/// fresh memory, byte for byte.
final class BufferReuseTests: XCTestCase {
    func testRecycledBatchesGiveTheSameSamplesAsFreshOnes() throws {
        let path = try LoaderTestData.dataset()
        let config = LoaderConfiguration(batchSize: 2, seed: 11, workers: 2, prefetchBatches: 2, goalImages: true)
        let fresh = try Loader(path: path, configuration: config), recycling = try Loader(path: path, configuration: config)
        var kept: (index: Int, image: [Float], goal: [Float]?)?
        var augmented = 0
        for b in 0..<8 {
            let expected = try XCTUnwrap(try fresh.next())
            let batch = try XCTUnwrap(try recycling.next())
            XCTAssertEqual(batch.index, b)
            for (s, e) in zip(batch.samples, expected.samples) {
                XCTAssertEqual(s.image, e.image, "batch \(b): image")
                XCTAssertEqual(try XCTUnwrap(s.goal), try XCTUnwrap(e.goal), "batch \(b): goal")
                XCTAssertEqual(s.pick, e.pick); XCTAssertEqual(s.place, e.place); XCTAssertEqual(s.perturbation, e.perturbation)
                if s.perturbation != nil { augmented += 1 }
            }
            // A consumer that keeps an image and still recycles its batch: the kept copy must never change.
            if b == 3 { kept = (b, batch.samples[0].image, batch.samples[0].goal) }
            recycling.recycle(batch)
        }
        XCTAssertGreaterThan(augmented, 8, "most samples are warped, so the warp's reused source is exercised")
        let again = try Loader(path: path, configuration: config)
        let reference = try (0...3).map { _ in try XCTUnwrap(try again.next()) }[3].samples[0]
        XCTAssertEqual(kept?.image, reference.image)
        XCTAssertEqual(kept?.goal, reference.goal)
    }

    func testThePoolHandsBackTheSameStorageAndHoldsAtMostItsLimit() {
        let pool = SampleBufferPool(limit: 2)
        var a = [Float](repeating: 7, count: 100)
        let address = a.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
        pool.give(a)
        a = []  // the pool's copy is now the only one
        let back = pool.take(count: 100)
        XCTAssertEqual(back.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }, address, "recycled, not reallocated")
        XCTAssertEqual(back, [Float](repeating: 7, count: 100))
        XCTAssertEqual(pool.count, 0)
        XCTAssertEqual(pool.take(count: 100).count, 100, "an empty pool makes a new buffer")
        pool.give([Float](repeating: 1, count: 50))
        XCTAssertEqual(pool.take(count: 100), [Float](repeating: 0, count: 100), "only a buffer of the asked size is reused")
        for _ in 0..<5 { pool.give([Float](repeating: 1, count: 10)) }
        XCTAssertEqual(pool.count, 2)
    }

    func testAReusedStoredStepReadsLikeAFreshOne() throws {
        let plain = try TaskDataset(path: try LoaderTestData.dataset())
        let seq = try TaskDataset(path: try LoaderTestData.dataset(task: "stack-block-pyramid-seq-seen-colors", episodes: 2))
        let reader = StepReader()
        var reused = StoredStep()
        for (slot, step, goal) in [(plain.episodes[0], 1, Optional(3)), (seq.episodes[1], 0, nil), (plain.episodes[2], 2, 3),
                                   (seq.episodes[0], 1, 2)] {
            try reader.read(slot, step: step, goal: goal, into: &reused)
            XCTAssertEqual(reused, try StepReader().read(slot, step: step, goal: goal), "\(slot.demo) step \(step)")
        }
    }
}
