import XCTest
import BLAS
@testable import Model

/// oneDNN's convolutions and FFTW's transforms as the model runs them (`ComputeSettings` defaults):
/// against the definition and the project's own kernels, gradients by finite differences, and the same
/// bytes on every call with the same threads.
final class LibraryKernelTests: XCTestCase {
    let library = ComputeSettings.with({ $0.convolutionLibrary = .all; $0.fftLibrary = .fftw }) { ComputeSettings.current }
    let project = ComputeSettings.with({ $0.convolutionLibrary = .none; $0.fftLibrary = .stockham }) { ComputeSettings.current }

    /// The step's kinds of convolution, small: 3x3 same size (one image and a batch, 32+ channels where
    /// the project uses Winograd), stride 2 (ResNet's downsampling, and an odd size whose last row
    /// leaves right padding unused), 1x1 plain and strided, the 7x7 stem, an even kernel.
    let configs: [(input: [Int], weight: [Int], options: Conv2DOptions)] = [
        ([1, 3, 9, 7], [4, 3, 3, 3], Conv2DOptions(stride: 1, padding: 1)),
        ([3, 32, 6, 5], [33, 32, 3, 3], Conv2DOptions(stride: 1, padding: 1)),
        ([1, 4, 9, 8], [5, 4, 3, 3], Conv2DOptions(stride: 2, padding: 1)),
        ([2, 6, 5, 4], [3, 6, 1, 1], Conv2DOptions()),
        ([1, 6, 7, 6], [4, 6, 1, 1], Conv2DOptions(stride: 2, padding: 0)),
        ([1, 3, 12, 10], [4, 3, 7, 7], Conv2DOptions(stride: 2, padding: 3)),
        ([1, 2, 6, 5], [3, 2, 4, 4], Conv2DOptions(stride: 1, padding: 2)),
    ]

    func testOneDNNMatchesDefinitionAndProjectKernels() {
        for (k, cfg) in configs.enumerated() {
            let x = randomTensor(cfg.input, seed: UInt64(300 + k)), w = randomTensor(cfg.weight, seed: UInt64(310 + k))
            let b = randomTensor([cfg.weight[0]], seed: UInt64(320 + k))
            let g = ConvGeometry(input: x.shape, weight: w.shape, options: cfg.options)
            // A stride that leaves input past the right padding unread needs negative right padding, which the
            // wrapper does not ask oneDNN for: the project's kernels run it (and the comparison below still holds).
            let o = cfg.options
            let rightPadding = [o.paddingH - (cfg.input[2] + 2 * o.paddingH - cfg.weight[2]) % o.strideH,
                                o.paddingW - (cfg.input[3] + 2 * o.paddingW - cfg.weight[3]) % o.strideW]
            if rightPadding.contains(where: { $0 < 0 }) {
                XCTAssertNil(LibraryConvolution.implementation(g), "config \(k): the project's kernels run it")
            } else {
                XCTAssertNotNil(LibraryConvolution.implementation(g), "config \(k): oneDNN runs it")
            }
            let run = { (settings: ComputeSettings) -> (Tensor, Tensor, Tensor) in
                ComputeSettings.with(settings) {
                    let y = Conv2D.forward(x, weight: w, bias: b, options: cfg.options)
                    let r = randomTensor(y.shape, seed: UInt64(330 + k))
                    var gw = randomTensor(w.shape, seed: UInt64(340 + k))   // accumulated into, as the layers do
                    let gx = Conv2D.backward(r, input: x, weight: w, options: cfg.options, weightGradient: &gw)!
                    return (y, gx, gw)
                }
            }
            let (y, gx, gw) = run(library), (yp, gxp, gwp) = run(project)
            var expected = naiveConv(x, w, nil, cfg.options)
            for i in 0..<expected.count { expected.scalars[i] += b.scalars[(i / (expected.count / cfg.input[0] / cfg.weight[0])) % cfg.weight[0]] }
            assertClose(y, expected.scalars, tolerance: 1e-5)
            assertClose(y, yp.scalars, tolerance: 1e-5)
            assertClose(gx, gxp.scalars, tolerance: 1e-5)
            assertClose(gw, gwp.scalars, tolerance: 1e-5)
            // Only the weight gradient, and each direction by oneDNN alone.
            for use in [ConvolutionLibraryUse(forward: false, inputGradient: false, weightGradient: true),
                        ConvolutionLibraryUse(forward: false, inputGradient: true, weightGradient: false)] {
                ComputeSettings.with({ $0.convolutionLibrary = use }) {
                    let r = randomTensor(y.shape, seed: UInt64(330 + k))
                    var gwOnly = randomTensor(w.shape, seed: UInt64(340 + k))
                    let gxOnly = Conv2D.backward(r, input: x, weight: w, options: cfg.options, weightGradient: &gwOnly)!
                    assertClose(gwOnly, gwp.scalars, tolerance: 1e-5)
                    assertClose(gxOnly, gxp.scalars, tolerance: 1e-5)
                    var gwNoInput = randomTensor(w.shape, seed: UInt64(340 + k))
                    XCTAssertNil(Conv2D.backward(r, input: x, weight: w, options: cfg.options, weightGradient: &gwNoInput, inputGradient: false))
                    assertClose(gwNoInput, gwp.scalars, tolerance: 1e-5)
                }
            }
        }
    }

    /// By default oneDNN gets the 3x3 convolutions it measured faster on (`ConvolutionLibraryUse.measuredBest`).
    func testDefaultSendsTheMeasuredThreeByThreeConvolutionsToOneDNN() {
        let defaults = ComputeSettings().convolutionLibrary
        func covers(_ n: Int, _ c: Int, _ k: Int, _ s: Int) -> Bool {
            defaults.covers(images: n, channels: c, kernelHeight: k, kernelWidth: k, strideH: s, strideW: s)
        }
        XCTAssertTrue(covers(1, 256, 3, 2))     // downsampling
        XCTAssertTrue(covers(36, 512, 3, 1))    // query crops
        XCTAssertTrue(covers(1, 32, 3, 1))      // a narrow lone image
        XCTAssertFalse(covers(1, 64, 3, 1))     // a wide lone image: Winograd
        XCTAssertFalse(covers(36, 6, 3, 1))     // a first layer
        XCTAssertFalse(covers(1, 64, 1, 1))     // 1x1: plain products
        XCTAssertFalse(covers(1, 64, 1, 2))
        XCTAssertEqual(ComputeSettings().fftLibrary, .stockham)
    }

    /// A batch worked in two halves of its images (as the 36 query crops are; the second half's dL/dweight
    /// added after) gives the whole batch's numbers.
    func testOneDNNBatchInHalvesMatchesWhole() {
        let x = randomTensor([5, 8, 7, 6], seed: 410), w = randomTensor([9, 8, 3, 3], seed: 411)
        let o = Conv2DOptions(stride: 1, padding: 1)
        let r = randomTensor([5, 9, 7, 6], seed: 412)
        assertSplitMatchesWhole(x, w, o, r, gradientSeed: 413) { split in
            XCTAssertEqual(LibraryConvolution.inHalves(ConvGeometry(input: x.shape, weight: w.shape, options: o)).count,
                           split ? 2 : 1)
        }
    }

    /// A lone image's large convolution in two halves of channels (output channels forward and for
    /// dL/dweight, input channels for dL/dinput) gives the whole convolution's numbers.
    func testOneDNNLoneImageInChannelHalvesMatchesWhole() {
        for (k, stride) in [1, 2].enumerated() {
            let x = randomTensor([1, 40, 9, 7], seed: UInt64(420 + k)), w = randomTensor([48, 40, 3, 3], seed: UInt64(430 + k))
            let o = Conv2DOptions(stride: stride, padding: 1)
            let g = ConvGeometry(input: x.shape, weight: w.shape, options: o)
            let r = randomTensor([1, 48, g.ho, g.wo], seed: UInt64(440 + k))
            assertSplitMatchesWhole(x, w, o, r, gradientSeed: 450) { split in
                XCTAssertEqual(LibraryConvolution.channelHalves(g, .forward), split ? [0..<32, 32..<48] : nil)
                XCTAssertEqual(LibraryConvolution.channelHalves(g, .inputGradient), split ? [0..<32, 32..<40] : nil)
            }
        }
    }

    /// Runs oneDNN's forward and backward of one convolution whole and split (`imageSplitWork` 0), checking
    /// the plan with `checkSplit` under each setting, and asserts the two give the same output, dL/dinput and
    /// dL/dweight (accumulated onto the same random start), and that the output is the direct convolution's.
    private func assertSplitMatchesWhole(_ x: Tensor, _ w: Tensor, _ o: Conv2DOptions, _ r: Tensor, gradientSeed: UInt64,
                                         checkSplit: (Bool) -> Void) {
        var results: [(y: Tensor, gx: Tensor, gw: Tensor)] = []
        for split in [false, true] {
            var settings = library
            settings.imageSplitWork = split ? 0 : 1 << 40
            ComputeSettings.with(settings) {
                checkSplit(split)
                let y = Conv2D.forward(x, weight: w, options: o)
                var gw = randomTensor(w.shape, seed: gradientSeed)
                let gx = Conv2D.backward(r, input: x, weight: w, options: o, weightGradient: &gw)!
                results.append((y, gx, gw))
            }
        }
        assertClose(results[1].y, results[0].y.scalars, tolerance: 1e-5)
        assertClose(results[1].gx, results[0].gx.scalars, tolerance: 1e-5)
        assertClose(results[1].gw, results[0].gw.scalars, tolerance: 1e-5)
        assertClose(results[0].y, naiveConv(x, w, nil, o).scalars, tolerance: 1e-5)
    }

    func testOneDNNGradientsByFiniteDifferences() {
        ComputeSettings.with(library) {
            for k in [0, 2, 5] {
                let cfg = configs[k]
                let x = randomTensor(cfg.input, seed: UInt64(350 + k)), w = randomTensor(cfg.weight, seed: UInt64(360 + k))
                let y = Conv2D.forward(x, weight: w, options: cfg.options)
                let r = randomTensor(y.shape, seed: UInt64(370 + k))
                var gw = Tensor.zeros(w.shape)
                let gx = Conv2D.backward(r, input: x, weight: w, options: cfg.options, weightGradient: &gw)!
                assertGradient("oneDNN conv \(k) input", at: x, analytic: gx, projection: r) {
                    Conv2D.forward($0, weight: w, options: cfg.options)
                }
                assertGradient("oneDNN conv \(k) weight", at: w, analytic: gw, projection: r) {
                    Conv2D.forward(x, weight: $0, options: cfg.options)
                }
            }
        }
    }

    /// Same inputs, same threads: the same bytes, call after call (the primitives are kept and reused).
    func testOneDNNSameBytesEveryCall() {
        let x = randomTensor([2, 32, 12, 10], seed: 380), w = randomTensor([48, 32, 3, 3], seed: 381)
        let o = Conv2DOptions(stride: 1, padding: 1)
        let threads = BLAS.threadCount
        defer { BLAS.threadCount = threads }
        for t in [1, 2] {
            BLAS.threadCount = t
            ComputeSettings.with(library) {
                var results: [[Float]] = []
                for _ in 0..<3 {
                    let y = Conv2D.forward(x, weight: w, options: o)
                    var gw = Tensor.zeros(w.shape)
                    let gx = Conv2D.backward(y, input: x, weight: w, options: o, weightGradient: &gw)!
                    results.append(y.scalars + gx.scalars + gw.scalars)
                }
                XCTAssertEqual(results[0], results[1], "\(t) threads")
                XCTAssertEqual(results[0], results[2], "\(t) threads")
            }
        }
    }

    /// FFTW's correlation against the GEMM correlation and the Stockham FFTs, windowed, forward and both
    /// gradients; the same bytes twice.
    func testFFTWCorrelationMatchesStockhamAndGEMM() {
        for (n, t) in [(c: 3, r: 4, k: 8, h: 20, w: 12, window: PixelWindow(top: 2, left: 1, height: 15, width: 9)),
                       (c: 2, r: 3, k: 6, h: 17, w: 11, window: PixelWindow(top: 0, left: 0, height: 18, width: 12))].enumerated() {
            let key = randomTensor([1, t.c, t.h, t.w], seed: UInt64(390 + n))
            let kernels = randomTensor([t.r, t.c, t.k, t.k], seed: UInt64(395 + n))
            let expected = Correlation.forward(key: key, kernels: kernels, window: t.window)
            let grad = randomTensor(expected.shape, seed: UInt64(398 + n))
            let reference = Correlation.backward(grad, key: key, kernels: kernels, window: t.window)
            var outputs: [[Float]] = []
            for settings in [library, library, project] {
                ComputeSettings.with(settings) {
                    let saved = FFTCorrelation.Saved()
                    let y = FFTCorrelation.forward(key: key, kernels: kernels, window: t.window, saved: saved)
                    let g = FFTCorrelation.backward(grad, key: key, kernels: kernels, window: t.window, saved: saved)
                    assertRelative(y, expected, "case \(n) forward")
                    assertRelative(g.key!, reference.key!, "case \(n) key gradient")
                    assertRelative(g.kernels, reference.kernels, "case \(n) kernel gradient")
                    outputs.append(y.scalars + g.key!.scalars + g.kernels.scalars)
                }
            }
            XCTAssertEqual(outputs[0], outputs[1], "case \(n): FFTW twice")
            XCTAssertNotEqual(outputs[0], outputs[2], "case \(n): FFTW and Stockham are different code")
        }
    }

    func assertRelative(_ a: Tensor, _ b: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, what, file: file, line: line)
        let scale = max(b.scalars.map(abs).max() ?? 0, 1e-6)
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst / scale, 1e-4, what, file: file, line: line)
    }
}
