import XCTest
@testable import Model

/// The project's own convolution kernels (im2col, row taps, Winograd, 1x1 products); oneDNN, which the
/// step uses by default, has `LibraryKernelTests`.
final class Conv2DTests: XCTestCase {
    override func invokeTest() {
        ComputeSettings.with({ $0.convolutionLibrary = .none }) { super.invokeTest() }
    }

    let configs: [(input: [Int], weight: [Int], options: Conv2DOptions)] = [
        ([2, 2, 5, 7], [3, 2, 3, 3], Conv2DOptions(stride: 1, padding: 1)),
        ([1, 2, 5, 7], [3, 2, 3, 3], Conv2DOptions(stride: 1, padding: 1)),  // one image: row-tap products
        ([1, 2, 5, 7], [2, 2, 3, 3], Conv2DOptions(stride: 2, padding: 1)),
        ([2, 3, 4, 5], [2, 3, 1, 1], Conv2DOptions()),                      // pointwise sgemm path
        ([1, 3, 4, 5], [2, 3, 1, 1], Conv2DOptions()),                      // pointwise, one image
        ([1, 2, 5, 6], [2, 2, 1, 1], Conv2DOptions(stride: 2, padding: 0)),  // strided 1x1 (ResNet shortcut)
        ([1, 1, 6, 5], [2, 1, 4, 4], Conv2DOptions(stride: 1, padding: 2)),  // even kernel, like the correlation
        ([1, 2, 5, 7], [1, 2, 3, 2], Conv2DOptions(strideH: 1, strideW: 2, paddingH: 0, paddingW: 1)),
    ]

    func testForwardMatchesDirectConvolution() {
        for (k, cfg) in configs.enumerated() {
            let x = randomTensor(cfg.input, seed: UInt64(k)), w = randomTensor(cfg.weight, seed: UInt64(100 + k))
            let b = randomTensor([cfg.weight[0]], seed: UInt64(200 + k))
            let y = Conv2D.forward(x, weight: w, bias: b, options: cfg.options)
            assertClose(y, naiveConv(x, w, b, cfg.options).scalars, tolerance: 1e-5)
        }
    }

    func testChunkedIm2colMatchesSingleChunk() {
        let x = randomTensor([1, 2, 7, 5], seed: 1), w = randomTensor([3, 2, 3, 3], seed: 2)
        let o = Conv2DOptions(stride: 1, padding: 1)
        let whole = Conv2D.forward(x, weight: w, options: o)
        var gwWhole = Tensor.zeros(w.shape)
        let r = randomTensor(whole.shape, seed: 3)
        let gxWhole = Conv2D.backward(r, input: x, weight: w, options: o, weightGradient: &gwWhole)!
        ComputeSettings.with({ $0.columnBufferLimit = 18 * 5 * 2 }) {   // two output rows per chunk
            let chunked = Conv2D.forward(x, weight: w, options: o)
            var gwChunked = Tensor.zeros(w.shape)
            let gxChunked = Conv2D.backward(r, input: x, weight: w, options: o, weightGradient: &gwChunked)!
            assertClose(chunked, whole.scalars)
            assertClose(gxChunked, gxWhole.scalars)
            assertClose(gwChunked, gwWhole.scalars)
        }

        // Three paths for a batch of small images: whole images side by side in one GEMM (default),
        // one image at a time in row chunks, and (1x1) the image itself as the column matrix.
        for (shape, wshape, o) in [([3, 2, 4, 5], [3, 2, 3, 3], Conv2DOptions(stride: 1, padding: 1)),
                                   ([3, 2, 4, 5], [4, 2, 1, 1], Conv2DOptions())] {
            let x = randomTensor(shape, seed: 4), w = randomTensor(wshape, seed: 5)
            let batched = Conv2D.forward(x, weight: w, options: o)
            let r = randomTensor(batched.shape, seed: 6)
            var gwBatched = Tensor.zeros(w.shape)
            let gxBatched = Conv2D.backward(r, input: x, weight: w, options: o, weightGradient: &gwBatched)!
            ComputeSettings.with({ $0.columnBufferLimit = 20 }) {
                let single = Conv2D.forward(x, weight: w, options: o)
                var gwSingle = Tensor.zeros(w.shape)
                let gxSingle = Conv2D.backward(r, input: x, weight: w, options: o, weightGradient: &gwSingle)!
                assertClose(batched, single.scalars)
                assertClose(gxBatched, gxSingle.scalars)
                assertClose(gwBatched, gwSingle.scalars)
            }
            assertClose(batched, naiveConv(x, w, nil, o).scalars)
        }
    }

    /// A lone image worked in two halves (output rows, or columns for 1x1; the second half's weight
    /// gradient summed after) gives the whole image's numbers, and its gradients check.
    func testLoneImageInHalvesMatchesWhole() {
        for (k, cfg) in configs.enumerated() where cfg.input[0] == 1 {
            let x = randomTensor(cfg.input, seed: UInt64(50 + k)), w = randomTensor(cfg.weight, seed: UInt64(60 + k))
            let whole = Conv2D.forward(x, weight: w, options: cfg.options)
            let r = randomTensor(whole.shape, seed: UInt64(70 + k))
            var gwWhole = Tensor.zeros(w.shape)
            let gxWhole = Conv2D.backward(r, input: x, weight: w, options: cfg.options, weightGradient: &gwWhole)!
            ComputeSettings.with({ $0.imageSplitWork = 0 }) {
            let g = ConvGeometry(input: x.shape, weight: w.shape, options: cfg.options)
            XCTAssertTrue(g.splitsImage && Conv2D.splitsInHalves(g), "config \(k) splits")
            let halves = Conv2D.forward(x, weight: w, options: cfg.options)
            var gwHalves = Tensor.zeros(w.shape)
            let gxHalves = Conv2D.backward(r, input: x, weight: w, options: cfg.options, weightGradient: &gwHalves)!
            assertClose(halves, whole.scalars)
            assertClose(halves, naiveConv(x, w, nil, cfg.options).scalars)
            assertClose(gxHalves, gxWhole.scalars)
            assertClose(gwHalves, gwWhole.scalars)
            assertGradient("conv \(k) in halves, input", at: x, analytic: gxHalves, projection: r) {
                Conv2D.forward($0, weight: w, options: cfg.options)
            }
            assertGradient("conv \(k) in halves, weight", at: w, analytic: gwHalves, projection: r) {
                Conv2D.forward(x, weight: $0, options: cfg.options)
            }
            }
        }
    }

    /// A lone image too small for two blocks of Winograd tiles (the deep maps of CLIP's trunk and the
    /// U-Net) splits each block's transforms by channels and its 16 products 8 and 8, and the weight
    /// transforms by output channels: every value is computed as whole, so the bytes are the same.
    func testWinogradLoneImageSplitWithinBlocksGivesTheSameBytes() {
        let o = Conv2DOptions(stride: 1, padding: 1)
        let x = randomTensor([1, 33, 6, 8], seed: 120), w = randomTensor([34, 33, 3, 3], seed: 121)
        let r = randomTensor([1, 34, 6, 8], seed: 122)
        func run(_ split: Int) -> (Tensor, Tensor, Tensor) {
            ComputeSettings.with({ $0.imageSplitWork = split }) {
                let winograd = WinogradConvolution(ConvGeometry(input: x.shape, weight: w.shape, options: o))
                XCTAssertEqual(winograd.blocks.count, 1)
                XCTAssertFalse(winograd.splitsInHalves)
                XCTAssertEqual(winograd.splitsWithinBlocks, split == 0)
                XCTAssertEqual(winograd.splitsWeightTransforms, split == 0)
                let y = Conv2D.forward(x, weight: w, options: o)
                var gw = Tensor.zeros(w.shape)
                let gx = Conv2D.backward(r, input: x, weight: w, options: o, weightGradient: &gw)!
                return (y, gx, gw)
            }
        }
        let whole = run(1 << 40), split = run(0)
        XCTAssertEqual(split.0, whole.0)
        XCTAssertEqual(split.1, whole.1)
        XCTAssertEqual(split.2, whole.2)
        assertClose(split.0, naiveConv(x, w, nil, o).scalars, tolerance: 1e-5)
    }

    /// Winograd F(2x2, 3x3) for 3x3 same-size convolutions with 32+ channels: odd and even sizes, a
    /// batch, blocks of one tile row; matches the direct convolution and im2col, and its gradients check.
    func testWinogradMatchesDirectConvolution() {
        let defaults = ComputeSettings()
        let o = Conv2DOptions(stride: 1, padding: 1)
        for (k, (shape, limit)) in [([2, 32, 7, 9], defaults.columnBufferLimit), ([1, 33, 6, 8], defaults.columnBufferLimit),
                                    ([3, 32, 5, 4], 0), ([1, 33, 3, 5], defaults.columnBufferLimit)].enumerated() {
            let x = randomTensor(shape, seed: UInt64(80 + k)), w = randomTensor([34, shape[1], 3, 3], seed: UInt64(90 + k))
            let g = ConvGeometry(input: x.shape, weight: w.shape, options: o)
            XCTAssertTrue(WinogradConvolution.applies(to: g))
            var settings = defaults
            settings.columnBufferLimit = limit
            settings.winogradMinimumTiles = limit == 0 ? 1 : defaults.winogradMinimumTiles   // 0: blocks of one tile row
            var im2col = settings
            im2col.usesWinograd = false
            let (y, gx, gw, r) = ComputeSettings.with(settings) {
                if limit == 0 {
                    XCTAssertEqual(WinogradConvolution(ConvGeometry(input: x.shape, weight: w.shape, options: o)).blocks.count, 9)
                }
                let y = Conv2D.forward(x, weight: w, options: o)
                let r = randomTensor(y.shape, seed: UInt64(100 + k))
                var gw = Tensor.zeros(w.shape)
                let gx = Conv2D.backward(r, input: x, weight: w, options: o, weightGradient: &gw)!
                return (y, gx, gw, r)
            }
            assertClose(y, naiveConv(x, w, nil, o).scalars, tolerance: 1e-5)
            ComputeSettings.with(im2col) {
                let yIm2col = Conv2D.forward(x, weight: w, options: o)
                var gwIm2col = Tensor.zeros(w.shape)
                let gxIm2col = Conv2D.backward(r, input: x, weight: w, options: o, weightGradient: &gwIm2col)!
                assertClose(y, yIm2col.scalars, tolerance: 1e-5)
                assertClose(gx, gxIm2col.scalars, tolerance: 1e-5)
                assertClose(gw, gwIm2col.scalars, tolerance: 1e-5)
            }
            // Finite differences on the smallest image's input (dW equals im2col's, checked in testGradients,
            // to 1e-5; its 10k weights would cost 20k forward passes).
            guard shape == [1, 33, 3, 5] else { continue }
            ComputeSettings.with(settings) {
                assertGradient("winograd input", at: x, analytic: gx, projection: r) {
                    Conv2D.forward($0, weight: w, options: o)
                }
            }
        }
        // Blocks within the column limit, at least `winogradMinimumTiles` (512) tiles up to 4x the limit,
        // whole tile rows of equal size.
        func blocks(_ input: [Int], _ weight: [Int]) -> [Range<Int>] {
            ComputeSettings.with({ $0.columnBufferLimit = 1 << 21 }) {
                WinogradConvolution(ConvGeometry(input: input, weight: weight, options: o)).blocks
            }
        }
        XCTAssertEqual(blocks([1, 64, 320, 320], [64, 64, 3, 3]), (0..<27).map { 6 * $0..<min(160, 6 * $0 + 6) })  // 1024 tiles
        XCTAssertEqual(blocks([1, 512, 40, 40], [512, 512, 3, 3]), [0..<20])           // 128 by the limit, 512 floor
        XCTAssertEqual(blocks([1, 1024, 40, 40], [1024, 1024, 3, 3]), [0..<10, 10..<20]) // floor capped at 256
        XCTAssertEqual(blocks([3, 32, 5, 4], [34, 32, 3, 3]), [0..<9])
    }

    func testGradients() {
        for (k, cfg) in configs.enumerated() {
            let x = randomTensor(cfg.input, seed: UInt64(10 + k)), w = randomTensor(cfg.weight, seed: UInt64(20 + k))
            let b = randomTensor([cfg.weight[0]], seed: UInt64(30 + k))
            let y = Conv2D.forward(x, weight: w, bias: b, options: cfg.options)
            let r = randomTensor(y.shape, seed: UInt64(40 + k))
            var gw = Tensor.zeros(w.shape)
            let gx = Conv2D.backward(r, input: x, weight: w, options: cfg.options, weightGradient: &gw)!
            let gb = Conv2D.biasGradient(r)
            assertGradient("conv \(k) input", at: x, analytic: gx, projection: r) {
                Conv2D.forward($0, weight: w, bias: b, options: cfg.options)
            }
            assertGradient("conv \(k) weight", at: w, analytic: gw, projection: r) {
                Conv2D.forward(x, weight: $0, bias: b, options: cfg.options)
            }
            assertGradient("conv \(k) bias", at: b, analytic: gb, projection: r) {
                Conv2D.forward(x, weight: w, bias: $0, options: cfg.options)
            }
        }
    }

    func testCorrelationGradients() {
        // Key (1, 2, 5, 6) against 3 kernels of 4x4: output (1, 3, 6, 7), as CLIPort's (385, 225).
        let key = randomTensor([1, 2, 5, 6], seed: 5), kernels = randomTensor([3, 2, 4, 4], seed: 6)
        let y = Correlation.forward(key: key, kernels: kernels)
        XCTAssertEqual(y.shape, [1, 3, 6, 7])
        // Same numbers as the plain convolution, also with blocks smaller than a row.
        let direct = Conv2D.forward(key, weight: kernels, options: Conv2DOptions(stride: 1, padding: 2))
        assertClose(y, direct.scalars)
        let rb = randomTensor(y.shape, seed: 8)
        let small = ComputeSettings.with({ $0.correlationBlockColumns = 5 }) {
            assertClose(Correlation.forward(key: key, kernels: kernels), direct.scalars)
            return Correlation.backward(rb, key: key, kernels: kernels)
        }
        let large = Correlation.backward(rb, key: key, kernels: kernels)
        assertClose(small.key!, large.key!.scalars)
        assertClose(small.kernels, large.kernels.scalars)

        // An output window computes exactly that part; its backward equals the full backward of a
        // gradient that is zero outside the window.
        let win = PixelWindow(top: 1, left: 2, height: 4, width: 3)
        let windowed = Correlation.forward(key: key, kernels: kernels, window: win)
        let masked = Crop.backward(Crop.forward(direct, win), inputShape: direct.shape, win)
        assertClose(windowed, masked.scalars)
        let rw = Crop.backward(Crop.forward(rb, win), inputShape: rb.shape, win)
        let full = Correlation.backward(rw, key: key, kernels: kernels)
        let part = Correlation.backward(rb, key: key, kernels: kernels, window: win)
        assertClose(part.key!, full.key!.scalars)
        assertClose(part.kernels, full.kernels.scalars)
        let r = randomTensor(y.shape, seed: 7)
        let g = Correlation.backward(r, key: key, kernels: kernels)
        assertGradient("correlation key", at: key, analytic: g.key!, projection: r) {
            Correlation.forward(key: $0, kernels: kernels)
        }
        assertGradient("correlation kernels", at: kernels, analytic: g.kernels, projection: r) {
            Correlation.forward(key: key, kernels: $0)
        }
    }
}
