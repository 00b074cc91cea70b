import BLAS
import XCTest
@testable import Model

/// The pick and place modules (and the transport's key and query networks) run side by side; the
/// gradients must equal those of running them one after the other with one BLAS thread, bit for bit,
/// on every run.
final class ConcurrentBranchesTests: XCTestCase {
    func testSideBySideGradientsEqualSequentialForTransporterLang() {
        let make = { TransporterAgentNetworks.transporterLang(textDimension: 8, width: 1.0 / 16, rotations: 4, cropSize: 16, seed: 5) }
        assertSideBySideEqualsSequential(make(), make(), text: textFeature())
    }

    func testSideBySideGradientsEqualSequentialForCLIPortWithSharedTrunk() throws {
        var g = SplitMix64(seed: 40)
        let trunk = try CLIPVisualTrunk.random(width: 4, blocks: [1, 1, 1, 1], using: &g)
        let make = { TransporterAgentNetworks.cliport(clip: trunk, textDimension: 8, width: 1.0 / 32, rotations: 2, cropSize: 32, seed: 1) }
        assertSideBySideEqualsSequential(make(), make(), text: textFeature())
    }

    /// Settings scoped with `ComputeSettings.with` reach the branch's own thread and the loop workers,
    /// and end with the scope.
    func testSettingsFollowTheWorkOntoOtherThreads() {
        BLAS.threadCount = 2
        var branches = [0, 0], loop = [Int](repeating: 0, count: 8)
        ComputeSettings.with({ $0.correlationBlockColumns = 7 }) {
            ConcurrentBranches.run({ branches[0] = ComputeSettings.current.correlationBlockColumns },
                                   { branches[1] = ComputeSettings.current.correlationBlockColumns })
            loop.withUnsafeMutableBufferPointer { values in
                parallelFor(values.count, work: 1 << 20) { i in values[i] = ComputeSettings.current.correlationBlockColumns }
            }
        }
        XCTAssertEqual(branches, [7, 7])
        XCTAssertEqual(loop, [Int](repeating: 7, count: 8))
        XCTAssertEqual(ComputeSettings.current, ComputeSettings())
    }

    func testBLASThreadsComeBackAfterBranches() {
        BLAS.threadCount = 2
        var ran = [false, false]
        ConcurrentBranches.run({ ran[0] = true; XCTAssertEqual(BLAS.threadCount, 1) },
                               { ran[1] = true })
        XCTAssertEqual(ran, [true, true])
        XCTAssertEqual(BLAS.threadCount, 2)
        XCTAssertFalse(ConcurrentBranches.isActive)
    }

    /// Adam's update and the zeroing of gradients work two halves of the parameters side by side: the
    /// same values as one thread, bit for bit.
    func testAdamStepSideBySideEqualsOneThread() {
        func run(threads: Int) -> ([Tensor], [[Float]]) {
            BLAS.threadCount = threads
            defer { BLAS.threadCount = 2 }
            var g = SplitMix64(seed: 3)
            let parameters = [[5, 3], [40], [7, 7, 3], [2]].enumerated().map { k, shape in
                Parameter(name: "p\(k)", value: Tensor.uniform(shape, low: -1, high: 1, using: &g))
            }
            let adam = Adam(parameters: parameters)
            for _ in 0..<3 {
                adam.zeroGradients()
                XCTAssertTrue(parameters.allSatisfy { $0.gradient.scalars.allSatisfy { $0 == 0 } })
                for p in parameters { p.gradient = Tensor.uniform(p.value.shape, low: -1, high: 1, using: &g) }
                adam.step()
            }
            return (parameters.map(\.value), adam.state.secondMoment)
        }
        let one = run(threads: 1), two = run(threads: 2)
        XCTAssertEqual(one.0, two.0)
        XCTAssertEqual(one.1, two.1)
        XCTAssertEqual(ParameterHalves.split([10, 40, 30, 20].map { Parameter(name: "", value: .zeros([$0])) }), [[0, 1], [2, 3]])
    }

    private func assertSideBySideEqualsSequential(_ sequential: TransporterAgentNetworks, _ sideBySide: TransporterAgentNetworks,
                                                  text: Tensor, file: StaticString = #filePath, line: UInt = #line) {
        BLAS.threadCount = 2
        var g = SplitMix64(seed: 9)
        let image = Tensor.uniform([6, 32, 32], low: 0, high: 0.05, using: &g)
        func step(_ agent: TransporterAgentNetworks) -> (Float, Float) {
            agent.zeroGradients()
            let l = agent.accumulateGradients(image: image, pick: (10, 12), place: (20, 8), placeRotation: 1, text: text)
            return (l.attention, l.transport)
        }
        BLAS.threadCount = 1
        let a = ComputeSettings.with({ $0.concurrentBranches = false }) { step(sequential) }
        BLAS.threadCount = 2
        let b = step(sideBySide)
        XCTAssertEqual(a.0, b.0, file: file, line: line)
        XCTAssertEqual(a.1, b.1, file: file, line: line)
        let ga = sequential.parameters.map(\.gradient), gb = sideBySide.parameters.map(\.gradient)
        XCTAssertEqual(ga.count, gb.count, file: file, line: line)
        XCTAssertTrue(ga.contains { $0.scalars.contains { $0 != 0 } }, "gradients must not be all zero", file: file, line: line)
        for (i, (x, y)) in zip(ga, gb).enumerated() where x != y {
            XCTFail("parameter \(i) (\(sequential.parameters[i].name)): gradient differs side by side", file: file, line: line)
        }
        XCTAssertEqual(BLAS.threadCount, 2, file: file, line: line)
        // Again side by side: timing must not show in the numbers.
        _ = step(sideBySide)
        XCTAssertEqual(sideBySide.parameters.map(\.gradient), gb, "a second side-by-side pass differs", file: file, line: line)
    }

    private func textFeature() -> Tensor {
        var g = SplitMix64(seed: 11)
        return Tensor.uniform([1, 8], low: -1, high: 1, using: &g)
    }
}
