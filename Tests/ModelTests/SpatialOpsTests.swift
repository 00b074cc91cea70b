import XCTest
@testable import Model

final class SpatialOpsTests: XCTestCase {
    func testBilinearResizeKnownValues() {
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        // torch.nn.functional.interpolate(x, size=(4, 4), mode="bilinear", align_corners=False)
        assertClose(BilinearResize.forward(x, height: 4, width: 4, alignCorners: false),
                    [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4])
        // ... align_corners=True
        let t: Float = 1 / 3
        assertClose(BilinearResize.forward(x, height: 3, width: 4, alignCorners: true),
                    [1, 1 + t, 1 + 2 * t, 2, 2, 2 + t, 2 + 2 * t, 3, 3, 3 + t, 3 + 2 * t, 4])
    }

    func testBilinearResizeGradients() {
        // Upsampling x2 (both conventions) and the transport's odd shrink (H+1 -> H).
        for (h, w, oh, ow) in [(3, 4, 6, 8), (5, 7, 4, 6), (4, 5, 7, 9)] {
            for align in [false, true] {
                let x = randomTensor([1, 2, h, w], seed: UInt64(h * 10 + w))
                let r = randomTensor([1, 2, oh, ow], seed: UInt64(oh * 10 + ow))
                let g = BilinearResize.backward(r, inputHeight: h, inputWidth: w, alignCorners: align)
                assertGradient("resize \(h)x\(w)->\(oh)x\(ow) align \(align)", at: x, analytic: g, projection: r) {
                    BilinearResize.forward($0, height: oh, width: ow, alignCorners: align)
                }
            }
        }
    }

    func testPooling() {
        let x = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map(Float.init))
        let avg = AvgPool.forward(x, options: PoolOptions(kernel: 2))
        assertClose(avg, [2.5, 4.5, 10.5, 12.5])
        let (mx, _) = MaxPool.forward(x, options: PoolOptions(kernel: 3, stride: 2, padding: 1))
        assertClose(mx, [5, 7, 13, 15])

        let y = rampTensor([2, 2, 5, 7], seed: 1)
        for opt in [PoolOptions(kernel: 2), PoolOptions(kernel: 3, stride: 2, padding: 1), PoolOptions(kernel: 3, stride: 1)] {
            let (out, arg) = MaxPool.forward(y, options: opt)
            let r = randomTensor(out.shape, seed: 2)
            assertGradient("maxpool k\(opt.kernel)", at: y, analytic: MaxPool.backward(r, argmax: arg, inputShape: y.shape),
                           projection: r) { MaxPool.forward($0, options: opt).output }
            let a = AvgPool.forward(y, options: opt)
            let ra = randomTensor(a.shape, seed: 3)
            assertGradient("avgpool k\(opt.kernel)", at: y, analytic: AvgPool.backward(ra, inputShape: y.shape, options: opt),
                           projection: ra) { AvgPool.forward($0, options: opt) }
        }
    }

    func testBatchNormInference() {
        let x = randomTensor([2, 3, 2, 3], seed: 4), g = randomTensor([3], seed: 5), b = randomTensor([3], seed: 6)
        var stats = BatchNormStatistics(channels: 3)
        stats.runningMean = Tensor(shape: [3], scalars: [0.1, -0.2, 0.3])
        stats.runningVariance = Tensor(shape: [3], scalars: [0.5, 1.5, 2.0])
        let y = BatchNorm.inference(x, gamma: g, beta: b, statistics: stats)
        XCTAssertEqual(y[1, 2, 1, 0], (x[1, 2, 1, 0] - 0.3) / (2.0 + 1e-5).squareRoot() * g[2] + b[2], accuracy: 1e-5)
        let r = randomTensor(y.shape, seed: 7)
        let grads = BatchNorm.inferenceBackward(r, input: x, gamma: g, statistics: stats)
        assertGradient("bn inference x", at: x, analytic: grads.input, projection: r) { BatchNorm.inference($0, gamma: g, beta: b, statistics: stats) }
        assertGradient("bn inference gamma", at: g, analytic: grads.gamma, projection: r) { BatchNorm.inference(x, gamma: $0, beta: b, statistics: stats) }
        assertGradient("bn inference beta", at: b, analytic: grads.beta, projection: r) { BatchNorm.inference(x, gamma: g, beta: $0, statistics: stats) }
    }

    func testBatchNormTraining() {
        let x = randomTensor([2, 3, 2, 3], seed: 8), g = randomTensor([3], seed: 9), b = randomTensor([3], seed: 10)
        var stats = BatchNormStatistics(channels: 3)
        let (y, cache) = BatchNorm.training(x, gamma: g, beta: b, statistics: &stats)
        // Running stats move 10% towards the batch mean and unbiased variance of channel 1.
        var vals: [Double] = []
        for n in 0..<2 { for i in 0..<2 { for j in 0..<3 { vals.append(Double(x[n, 1, i, j])) } } }
        let mean = vals.reduce(0, +) / 12
        let unbiased = vals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 11
        XCTAssertEqual(stats.runningMean[1], Float(0.1 * mean), accuracy: 1e-6)
        XCTAssertEqual(stats.runningVariance[1], Float(0.9 + 0.1 * unbiased), accuracy: 1e-6)
        let r = randomTensor(y.shape, seed: 11)
        let grads = BatchNorm.trainingBackward(r, gamma: g, cache: cache)
        func f(_ x: Tensor, _ g: Tensor, _ b: Tensor) -> Tensor {
            var s = BatchNormStatistics(channels: 3)
            return BatchNorm.training(x, gamma: g, beta: b, statistics: &s).output
        }
        assertGradient("bn training x", at: x, analytic: grads.input, projection: r) { f($0, g, b) }
        assertGradient("bn training gamma", at: g, analytic: grads.gamma, projection: r) { f(x, $0, b) }
        assertGradient("bn training beta", at: b, analytic: grads.beta, projection: r) { f(x, g, $0) }
    }

    func testRotationKnownValues() {
        let x = Tensor(shape: [1, 1, 3, 3], scalars: (0..<9).map(Float.init))
        // Exact pixel rotation by +90° about the centre: counter-clockwise as displayed (rows down).
        let exact = RotationSpec(degrees: 90, pivotRow: 1, pivotColumn: 1, alignCorners: true)
        assertClose(ImageRotation.forward(x, specs: [exact]), [2, 5, 8, 1, 4, 7, 0, 3, 6], tolerance: 1e-6)
        // Angle 0 is the identity in kornia 0.4.1's convention too.
        let zero = RotationSpec(degrees: 0, pivotRow: 1, pivotColumn: 1)
        assertClose(ImageRotation.forward(x, specs: [zero]), x.scalars, tolerance: 1e-5)
        // A window of the rotated image equals the crop of the whole rotated image.
        let y = randomTensor([1, 2, 7, 6], seed: 12)
        let specs = [0.0, 10, 130].map { RotationSpec(degrees: $0, pivotRow: 3, pivotColumn: 2) }
        let window = PixelWindow(top: 1, left: 0, height: 4, width: 4)
        assertClose(ImageRotation.forward(y, specs: specs, window: window),
                    Crop.forward(ImageRotation.forward(y, specs: specs), window).scalars)
    }

    func testRotationGradient() {
        let x = randomTensor([1, 2, 5, 7], seed: 13)
        let specs = [0.0, 30, 250].map { RotationSpec(degrees: $0, pivotRow: 2, pivotColumn: 3.0) }
        let window = PixelWindow(top: 0, left: 1, height: 4, width: 4)
        let y = ImageRotation.forward(x, specs: specs, window: window)
        XCTAssertEqual(y.shape, [3, 2, 4, 4])
        let r = randomTensor(y.shape, seed: 14)
        let g = ImageRotation.backward(r, inputShape: x.shape, specs: specs, window: window)
        // Bilinear weights are piecewise linear in the image: any eps gives the exact slope.
        assertGradient("rotation", at: x, analytic: g, projection: r) { ImageRotation.forward($0, specs: specs, window: window) }
    }

    func testCropAndPad() {
        let x = randomTensor([2, 2, 5, 7], seed: 15)
        let win = PixelWindow(top: 1, left: 2, height: 3, width: 4)
        let c = Crop.forward(x, win)
        XCTAssertEqual(c[1, 1, 2, 3], x[1, 1, 3, 5])
        let r = randomTensor(c.shape, seed: 16)
        assertGradient("crop", at: x, analytic: Crop.backward(r, inputShape: x.shape, win), projection: r) { Crop.forward($0, win) }
        let p = ZeroPad.forward(x, top: 1, bottom: 2, left: 3, right: 0)
        XCTAssertEqual(p.shape, [2, 2, 8, 10])
        XCTAssertEqual(p[0, 1, 0, 0], 0); XCTAssertEqual(p[0, 1, 1, 3], x[0, 1, 0, 0])
        let rp = randomTensor(p.shape, seed: 17)
        assertGradient("pad", at: x, analytic: ZeroPad.backward(rp, top: 1, left: 3, height: 5, width: 7), projection: rp) {
            ZeroPad.forward($0, top: 1, bottom: 2, left: 3, right: 0)
        }
    }

    func testCausalMultiHeadAttention() {
        let d = 4, heads = 2, l = 3
        let x = randomTensor([2, l, d], seed: 18)
        let w = AttentionWeights(inWeight: randomTensor([3 * d, d], seed: 19), inBias: randomTensor([3 * d], seed: 20),
                                 outWeight: randomTensor([d, d], seed: 21), outBias: randomTensor([d], seed: 22))
        let (y, cache) = MultiHeadAttention.forward(x, weights: w, heads: heads, causal: true)
        // Causality: changing the last token leaves earlier outputs unchanged.
        var x2 = x
        for i in 0..<d { x2[1, l - 1, i] += 0.5 }
        let y2 = MultiHeadAttention.forward(x2, weights: w, heads: heads, causal: true).output
        for t in 0..<(l - 1) { for i in 0..<d { XCTAssertEqual(y[1, t, i], y2[1, t, i]) } }
        XCTAssertNotEqual(y[1, l - 1, 0], y2[1, l - 1, 0])
        // The first token attends only to itself: its output is out_proj(v_0).
        let v0 = (0..<d).map { j in (0..<d).reduce(w.inBias[2 * d + j]) { $0 + x[0, 0, $1] * w.inWeight[2 * d + j, $1] } }
        let o0 = (0..<d).map { j in (0..<d).reduce(w.outBias[j]) { $0 + v0[$1] * w.outWeight[j, $1] } }
        for j in 0..<d { XCTAssertEqual(y[0, 0, j], o0[j], accuracy: 1e-5) }

        let r = randomTensor(y.shape, seed: 23)
        let g = MultiHeadAttention.backward(r, weights: w, heads: heads, cache: cache)
        func f(_ x: Tensor, _ w: AttentionWeights) -> Tensor { MultiHeadAttention.forward(x, weights: w, heads: heads, causal: true).output }
        assertGradient("attention x", at: x, analytic: g.input, projection: r) { f($0, w) }
        assertGradient("attention in_proj weight", at: w.inWeight, analytic: g.inWeight, projection: r) { var v = w; v.inWeight = $0; return f(x, v) }
        assertGradient("attention in_proj bias", at: w.inBias, analytic: g.inBias, projection: r) { var v = w; v.inBias = $0; return f(x, v) }
        assertGradient("attention out_proj weight", at: w.outWeight, analytic: g.outWeight, projection: r) { var v = w; v.outWeight = $0; return f(x, v) }
        assertGradient("attention out_proj bias", at: w.outBias, analytic: g.outBias, projection: r) { var v = w; v.outBias = $0; return f(x, v) }
    }
}
