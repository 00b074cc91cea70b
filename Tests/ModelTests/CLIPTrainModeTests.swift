import XCTest
import HDF5
@testable import Model

/// The frozen CLIP trunk in PyTorch's train mode, as CLIPort trains it: batch statistics, running
/// statistics moved (momentum 0.1, unbiased variance), each copy its own; PyTorch's numbers from
/// scripts/reference/make_clip_batchnorm_fixture.py.
final class CLIPTrainModeTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func smallTrunk() throws -> CLIPVisualTrunk {
        try CLIPWeights.importSafetensors(Self.fixtures.appendingPathComponent("clip_small.safetensors").path).visualTrunk()
    }

    func assertMatches(_ actual: Tensor, _ expected: Tensor, _ name: String, tolerance: Float = 1e-4,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.shape, expected.shape, "\(name): shape", file: file, line: line)
        guard actual.count == expected.count else { return }
        let scale = max(expected.maxAbs(), 1e-6)
        var worst: Float = 0
        for i in 0..<actual.count { worst = max(worst, abs(actual.scalars[i] - expected.scalars[i])) }
        XCTAssertLessThan(worst / scale, tolerance, "\(name): relative error \(worst / scale)", file: file, line: line)
    }

    /// By hand: x = [1, 2, 3, 6] over (N=2, W=2), gamma 2, beta 0.5 → mean 3, biased variance 3.5,
    /// y = (x - 3) / sqrt(3.5 + 1e-5) * 2 + 0.5; running mean 0.1 * 3, running variance
    /// 0.9 * 1 + 0.1 * 14/3 (unbiased). PyTorch gives the same four outputs.
    func testBatchStatisticsByHand() {
        let x = Tensor(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 6])
        var stats = BatchNormStatistics(channels: 1)
        let y = BatchNorm.trainingForward(x, gamma: Tensor(shape: [1], scalars: [2]), beta: Tensor(shape: [1], scalars: [0.5]),
                                          statistics: &stats)
        for (a, e) in zip(y.scalars, [-1.6380868, -0.5690434, 0.5, 3.7071302] as [Float]) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        XCTAssertEqual(stats.runningMean.scalars[0], 0.3, accuracy: 1e-7)
        XCTAssertEqual(stats.runningVariance.scalars[0], 1.3666667, accuracy: 1e-6)
        // The training form with its backward cache gives the same output and moves the statistics alike.
        var again = BatchNormStatistics(channels: 1)
        let (y2, _) = BatchNorm.training(x, gamma: Tensor(shape: [1], scalars: [2]), beta: Tensor(shape: [1], scalars: [0.5]),
                                         statistics: &again)
        XCTAssertEqual(y2, y)
        XCTAssertEqual(again, stats)
    }

    /// Two forwards in train mode, then one in eval mode with the moved statistics, equal PyTorch's; the
    /// running statistics of all 55 batch norms equal PyTorch's after the two.
    func testTrainModeMatchesPyTorch() throws {
        let file = try HDF5File.open(Self.fixtures.appendingPathComponent("clip_train_mode.h5").path)
        let root = try file.root()
        func tensor(_ name: String) throws -> Tensor { try ParameterStore.tensor(name, in: root) }
        let trunk = try smallTrunk()
        let imported = trunk.batchNorms.map(\.statistics)
        trunk.trainMode.usesBatchStatistics = true
        // Batch statistics over 6-8 values per channel at layer4 amplify float32 rounding: PyTorch's own
        // float32 outputs are 0.6e-4 and 1.6e-4 (relative) from its float64 ones here.
        assertMatches(try trunk.forward(try tensor("input1")).output, try tensor("output1"), "train mode, first batch", tolerance: 1e-3)
        assertMatches(try trunk.forward(try tensor("input2")).output, try tensor("output2"), "train mode, second batch", tolerance: 1e-3)
        trunk.trainMode.usesBatchStatistics = false
        assertMatches(try trunk.forward(try tensor("input1")).output, try tensor("output_eval"), "eval mode, moved statistics")

        let running = try root.group("running")
        XCTAssertEqual(trunk.batchNorms.count, 55)
        for (bn, before) in zip(trunk.batchNorms, imported) {
            let name = String(bn.statisticsNames.mean.dropFirst("clip_rn50.visual.".count))
            let variance = String(bn.statisticsNames.variance.dropFirst("clip_rn50.visual.".count))
            assertMatches(bn.statistics.runningMean, try ParameterStore.tensor(name, in: running), name, tolerance: 1e-4)
            assertMatches(bn.statistics.runningVariance, try ParameterStore.tensor(variance, in: running), variance, tolerance: 1e-4)
            XCTAssertNotEqual(bn.statistics, before, "\(name) moved")
        }
    }

    /// A copy shares the weights and the train-mode switch but not the statistics; in eval mode nothing
    /// moves.
    func testCopiesKeepTheirOwnStatistics() throws {
        let trunk = try smallTrunk()
        let copy = trunk.copy()
        var g = SplitMix64(seed: 3)
        let x = Tensor.uniform([1, 3, 64, 64], low: -1, high: 1, using: &g)
        let evalOutput = try trunk.forward(x).output
        XCTAssertEqual(trunk.batchNorms.map(\.statistics), copy.batchNorms.map(\.statistics))
        copy.trainMode.usesBatchStatistics = true
        XCTAssertTrue(trunk.trainMode.usesBatchStatistics, "the switch is shared")
        let trainOutput = try copy.forward(x).output
        XCTAssertNotEqual(trainOutput, evalOutput)
        trunk.trainMode.usesBatchStatistics = false
        XCTAssertNotEqual(trunk.batchNorms.map(\.statistics), copy.batchNorms.map(\.statistics))
        XCTAssertEqual(try trunk.forward(x).output, evalOutput, "the original's statistics did not move")
        XCTAssertEqual(copy.batchNorms[0].statisticsNames.mean, "clip_rn50.visual.bn1.running_mean")
        XCTAssertTrue(copy.batchNorms.allSatisfy { $0.gamma.name.hasPrefix("clip_rn50.visual.") })
    }
}
