import XCTest
@testable import Model

final class PointwiseOpsTests: XCTestCase {
    func testActivationsKnownValues() {
        let x = Tensor(shape: [4], scalars: [-2, -0.5, 0.5, 2])
        assertClose(ReLU.forward(x), [0, 0, 0.5, 2])
        // torch.nn.functional.gelu([-2, -0.5, 0.5, 2])
        assertClose(GELU.forward(x), [-0.04550027, -0.15426877, 0.34573123, 1.95449972], tolerance: 1e-6)
        // x * sigmoid(1.702 x)
        assertClose(QuickGELU.forward(x), [-0.06434138, -0.14961156, 0.35038844, 1.93565862], tolerance: 1e-6)
    }

    func testActivationGradients() {
        let x = randomTensor([2, 3, 5], seed: 1), r = randomTensor([2, 3, 5], seed: 2)
        assertGradient("relu", at: x, analytic: ReLU.backward(r, output: ReLU.forward(x)), projection: r) { ReLU.forward($0) }
        assertGradient("gelu", at: x, analytic: GELU.backward(r, input: x), projection: r) { GELU.forward($0) }
        assertGradient("quickgelu", at: x, analytic: QuickGELU.backward(r, input: x), projection: r) { QuickGELU.forward($0) }
    }

    func testAddMultiplyConcatGradients() {
        let a = randomTensor([1, 2, 3, 4], seed: 3), b = randomTensor([1, 2, 3, 4], seed: 4)
        let r = randomTensor([1, 2, 3, 4], seed: 5)
        assertGradient("add a", at: a, analytic: r, projection: r) { Elementwise.add($0, b) }
        assertGradient("add b", at: b, analytic: r, projection: r) { Elementwise.add(a, $0) }
        let gm = Elementwise.multiplyBackward(r, a, b)
        assertGradient("multiply a", at: a, analytic: gm.a, projection: r) { Elementwise.multiply($0, b) }
        assertGradient("multiply b", at: b, analytic: gm.b, projection: r) { Elementwise.multiply(a, $0) }

        let f = randomTensor([1, 2], seed: 6)
        let gc = Elementwise.multiplyChannelsBackward(r, a, f)
        assertGradient("multiplyChannels x", at: a, analytic: gc.x, projection: r) { Elementwise.multiplyChannels($0, f) }
        assertGradient("multiplyChannels factors", at: f, analytic: gc.factors, projection: r) { Elementwise.multiplyChannels(a, $0) }

        let c = randomTensor([1, 3, 3, 4], seed: 7)
        let y = Concat.channels([a, c])
        XCTAssertEqual(y.shape, [1, 5, 3, 4])
        XCTAssertEqual(y[0, 1, 2, 3], a[0, 1, 2, 3]); XCTAssertEqual(y[0, 4, 0, 1], c[0, 2, 0, 1])
        let rc = randomTensor(y.shape, seed: 8)
        let parts = Concat.channelsBackward(rc, channelCounts: [2, 3])
        assertGradient("concat a", at: a, analytic: parts[0], projection: rc) { Concat.channels([$0, c]) }
        assertGradient("concat c", at: c, analytic: parts[1], projection: rc) { Concat.channels([a, $0]) }
    }

    func testLinearGradients() {
        let x = randomTensor([2, 3, 4], seed: 9), w = randomTensor([5, 4], seed: 10), b = randomTensor([5], seed: 11)
        let y = Linear.forward(x, weight: w, bias: b)
        XCTAssertEqual(y.shape, [2, 3, 5])
        XCTAssertEqual(y[1, 2, 3], (0..<4).reduce(b[3]) { $0 + x[1, 2, $1] * w[3, $1] }, accuracy: 1e-5)
        let r = randomTensor(y.shape, seed: 12)
        var gw = Tensor.zeros(w.shape)
        let gx = Linear.backward(r, input: x, weight: w, weightGradient: &gw)
        assertGradient("linear x", at: x, analytic: gx, projection: r) { Linear.forward($0, weight: w, bias: b) }
        assertGradient("linear w", at: w, analytic: gw, projection: r) { Linear.forward(x, weight: $0, bias: b) }
        assertGradient("linear b", at: b, analytic: Linear.biasGradient(r), projection: r) { Linear.forward(x, weight: w, bias: $0) }
    }

    func testLayerNorm() {
        let x = randomTensor([2, 3, 6], seed: 13), g = randomTensor([6], seed: 14), b = randomTensor([6], seed: 15)
        let (y, cache) = LayerNorm.forward(x, gamma: g, beta: b)
        // Row 0 normalised by hand.
        let row = (0..<6).map { Double(x.scalars[$0]) }
        let mean = row.reduce(0, +) / 6
        let v = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
        XCTAssertEqual(y.scalars[2], Float((row[2] - mean) / (v + 1e-5).squareRoot()) * g.scalars[2] + b.scalars[2], accuracy: 1e-5)
        let r = randomTensor(y.shape, seed: 16)
        let grads = LayerNorm.backward(r, gamma: g, cache: cache)
        assertGradient("layernorm x", at: x, analytic: grads.input, projection: r) { LayerNorm.forward($0, gamma: g, beta: b).output }
        assertGradient("layernorm gamma", at: g, analytic: grads.gamma, projection: r) { LayerNorm.forward(x, gamma: $0, beta: b).output }
        assertGradient("layernorm beta", at: b, analytic: grads.beta, projection: r) { LayerNorm.forward(x, gamma: g, beta: $0).output }
    }

    func testSoftmaxCrossEntropy() {
        // logits [1, 2, 3] with target one-hot at index 2: CE = log(e^1+e^2+e^3) - 3 = 0.40760596; mean over 3.
        let logits = Tensor(shape: [1, 3], scalars: [1, 2, 3])
        let target = SoftmaxCrossEntropy.oneHot(shape: [1, 3], at: [0, 2])
        let (loss, grad) = SoftmaxCrossEntropy.lossAndGradient(logits: logits, target: target)
        XCTAssertEqual(loss, 0.40760596 / 3, accuracy: 1e-6)
        assertClose(grad, [0.09003057 / 3, 0.24472847 / 3, (0.66524096 - 1) / 3], tolerance: 1e-5)

        // Gradient check over a (rotations, rows, cols) map with a one-hot target.
        let x = randomTensor([3, 4, 5], seed: 17)
        let t = SoftmaxCrossEntropy.oneHot(shape: [3, 4, 5], at: [1, 2, 3])
        let g = SoftmaxCrossEntropy.lossAndGradient(logits: x, target: t).gradient
        let one = Tensor(shape: [1], scalars: [1])
        assertGradient("cross entropy", at: x, analytic: g, projection: one, eps: 1e-2) {
            Tensor(shape: [1], scalars: [SoftmaxCrossEntropy.lossAndGradient(logits: $0, target: t).loss])
        }
        let p = SoftmaxCrossEntropy.softmax(x)
        XCTAssertEqual(p.sum(), 1, accuracy: 1e-5)
    }
}
