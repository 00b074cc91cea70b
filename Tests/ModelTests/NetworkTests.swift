import XCTest
@testable import Model
import HDF5

final class NetworkTests: XCTestCase {
    func testAdamMatchesPyTorchFormula() {
        let p = Parameter(name: "w", value: Tensor(shape: [2], scalars: [1, -2]))
        let adam = Adam(parameters: [p])
        p.gradient = Tensor(shape: [2], scalars: [0.5, -0.25])
        adam.step()
        // Step 1: m^ = g, v^ = g², so the step is lr * g / (|g| + eps).
        XCTAssertEqual(p.value[0], 1 - 1e-4 * 0.5 / (0.5 + 1e-8), accuracy: 1e-7)
        XCTAssertEqual(p.value[1], -2 + 1e-4, accuracy: 1e-7)
        p.gradient = Tensor(shape: [2], scalars: [0.1, 0.3])
        adam.step()
        let m = 0.9 * (0.1 * 0.5) + 0.1 * 0.1, v = 0.999 * (0.001 * 0.25) + 0.001 * 0.01
        let expected = Double(1 - 1e-4 * 0.5 / (0.5 + 1e-8)) - 1e-4 / (1 - 0.81) * m / ((v / (1 - 0.998001)).squareRoot() + 1e-8)
        XCTAssertEqual(Double(p.value[0]), expected, accuracy: 1e-7)
        XCTAssertEqual(adam.stepCount, 2)
    }

    func testResNet43ShapesAndGradients() {
        var g = SplitMix64(seed: 1)
        let net = ResNet43(inputChannels: 3, outputChannels: 2, width: 1.0 / 16, using: &g)
        XCTAssertEqual(net.parameters.first?.name, "layers.0.weight")
        XCTAssertTrue(net.parameters.contains { $0.name == "layers.20.shortcut.0.weight" })
        XCTAssertTrue(net.parameters.contains { $0.name == "layers.21.conv3.weight" })
        let x = randomTensor([1, 3, 8, 8], seed: 2)
        let r = randomTensor([1, 2, 8, 8], seed: 3)
        XCTAssertEqual(net.forward(x).shape, [1, 2, 8, 8])
        net.parameters.zeroGradients()
        _ = net.forward(x)
        _ = net.backward(r)
        assertParameterGradients("ResNet43", net.parameters) {
            dot(net.forward(x), r)
        }
    }

    func testResNet45LateralsAndGradients() {
        var g = SplitMix64(seed: 4)
        let net = ResNet45(inputChannels: 3, outputChannels: 1, width: 1.0 / 16, using: &g)
        let x = randomTensor([1, 3, 16, 16], seed: 5)
        let (y, lat) = net.forwardWithLaterals(x)
        XCTAssertEqual(y.shape, [1, 1, 16, 16])
        XCTAssertEqual(lat.map { $0.shape }, [[1, 64, 1, 1], [1, 32, 2, 2], [1, 16, 4, 4], [1, 8, 8, 8], [1, 4, 16, 16], [1, 2, 32, 32]])
        XCTAssertEqual(net.lateralChannels, [64, 32, 16, 8, 4, 2])
        // Loss = <r, out> + sum_k <s_k, lat_k>: gradients flow in through the laterals too.
        let r = randomTensor(y.shape, seed: 6)
        let s = lat.enumerated().map { randomTensor($0.element.shape, seed: 7 + UInt64($0.offset)) }
        net.parameters.zeroGradients()
        _ = net.forwardWithLaterals(x)
        _ = net.backward(r, lateralGradients: s)
        assertParameterGradients("ResNet45", net.parameters, samplesPerParameter: 2) {
            let (y, lat) = net.forwardWithLaterals(x)
            return dot(y, r) + zip(lat, s).reduce(0.0) { $0 + dot($1.0, $1.1) }
        }
    }

    func testAttentionModuleGradientsAndLearning() {
        for rotations in [1, 2] {
            var g = SplitMix64(seed: 10)
            let module = AttentionModule(network: ResNet43(inputChannels: 6, outputChannels: 1, width: 1.0 / 16, using: &g),
                                         rotations: rotations)
            let image = rawImage([6, 16, 8], seed: 11)
            let target = SoftmaxCrossEntropy.oneHot(shape: [rotations, 16, 8], at: [0, 5, 3])
            let logits = module.forward(image)
            XCTAssertEqual(logits.shape, [rotations, 16, 8])
            // A projection loss <r, logits> keeps the signal far above Float32 round-off (the
            // cross-entropy's own gradient is checked on its own).
            let r = randomTensor(logits.shape, seed: 14)
            module.parameters.zeroGradients()
            module.backward(r)
            _ = target
            assertParameterGradients("attention module (\(rotations) rotations)", module.parameters, samplesPerParameter: 1) {
                dot(module.forward(image), r)
            }
        }
        // A few Adam steps on one example lower its loss.
        var g = SplitMix64(seed: 12)
        let module = AttentionModule(network: ResNet43(inputChannels: 6, outputChannels: 1, width: 1.0 / 16, using: &g))
        let image = rawImage([6, 16, 8], seed: 13)
        let target = SoftmaxCrossEntropy.oneHot(shape: [1, 16, 8], at: [0, 9, 2])
        let adam = Adam(parameters: module.parameters, configuration: AdamConfiguration(learningRate: 1e-2))
        var losses: [Float] = []
        for _ in 0..<10 {
            adam.zeroGradients()
            let (loss, grad) = SoftmaxCrossEntropy.lossAndGradient(logits: module.forward(image), target: target)
            module.backward(grad)
            adam.step()
            losses.append(loss)
        }
        XCTAssertLessThan(losses.last!, losses.first! * 0.98, "losses \(losses)")
    }

    func testTransportModuleGradients() {
        var g = SplitMix64(seed: 20)
        let key = ResNet43(inputChannels: 6, outputChannels: 3, width: 1.0 / 16, using: &g)
        let query = ResNet43(inputChannels: 6, outputChannels: 3, width: 1.0 / 16, using: &g)
        let module = TransportModule(keyNetwork: key, queryNetwork: query, rotations: 4, cropSize: 8)
        let image = rawImage([6, 16, 8], seed: 21)
        let logits = module.forward(image, pickRow: 5, pickColumn: 2)
        XCTAssertEqual(logits.shape, [4, 16, 8])
        // Crops: rotation 0 is the plain 8x8 window of the padded image around the pivot.
        let padded = ZeroPad.forward(image.reshaped([1, 6, 16, 8]), top: 4, bottom: 4, left: 4, right: 4)
        let crops = module.crops(padded: padded, pickRow: 5, pickColumn: 2)
        XCTAssertEqual(crops.shape, [4, 6, 8, 8])
        let plain = Crop.forward(padded, PixelWindow(top: 5, left: 2, height: 8, width: 8))
        for i in 0..<plain.count { XCTAssertEqual(crops.scalars[i], plain.scalars[i], accuracy: 1e-3) }

        let r = randomTensor(logits.shape, seed: 22)
        module.parameters.zeroGradients()
        module.backward(r)
        assertParameterGradients("transport module", module.parameters, samplesPerParameter: 1) {
            dot(module.forward(image, pickRow: 5, pickColumn: 2), r)
        }
    }

    func testTwoStreamTransportGradients() throws {
        // Tiny cliport place module: both key and query are ResNet45 + CLIP trunk + CLIPLingUNetLat,
        // fused by a 1x1 convolution; the gradient reaches every trainable parameter, including the
        // spatial stream through the laterals. CLIP (random, width 4) stays frozen. Seed 35: with seed 30
        // every unit before the fusion was dead, the output was zero and every gradient checked was 0;
        // at this width many seeds leave most sampled gradients below Float32's resolution of the loss.
        var g = SplitMix64(seed: 35)
        let trunk = try CLIPVisualTrunk.random(width: 4, blocks: [1, 1, 1, 1], using: &g)
        func stream() -> TwoStreamNetwork {
            TwoStreamNetwork(clip: trunk, clipChannels: [16, 32, 64, 128], textDimension: 8, outputChannels: 3,
                             fusion: .convolution, width: 1.0 / 32, using: &g)
        }
        let module = TransportModule(keyNetwork: stream(), queryNetwork: stream(), rotations: 2, cropSize: 32)
        let image = rawImage([6, 32, 32], seed: 31)
        let text = randomTensor([1, 8], seed: 32)
        let logits = module.forward(image, pickRow: 10, pickColumn: 20, text: text)
        XCTAssertEqual(logits.shape, [2, 32, 32])
        let r = randomTensor(logits.shape, seed: 33)
        module.parameters.zeroGradients()
        module.backward(r)
        // Batch norm running statistics move on every forward, but in training mode only the batch's
        // statistics shape the output.
        let sample = parameterSample(module.parameters, count: 12,
                                     always: ["lang_proj2", "fusion.conv", "lat_fusion1", "up1.conv.double_conv.1", "conv1.0.weight"])
        assertParameterGradients("two-stream transport", sample, samplesPerParameter: 1, tolerance: 3e-2) {
            dot(module.forward(image, pickRow: 10, pickColumn: 20, text: text), r)
        }
    }

    func testTransporterLangGradientsAndLanguageDependence() {
        let agent = TransporterAgentNetworks.transporterLang(textDimension: 8, width: 1.0 / 16, rotations: 2, cropSize: 8, seed: 3)
        let image = rawImage([6, 16, 8], seed: 41)
        let text = randomTensor([1, 8], seed: 42), other = randomTensor([1, 8], seed: 43)
        let logits = agent.attention.forward(image, text: text)
        XCTAssertEqual(logits.shape, [1, 16, 8])
        XCTAssertNotEqual(logits, agent.attention.forward(image, text: other), "the instruction must change the output")
        let r = randomTensor(logits.shape, seed: 44)
        agent.attention.parameters.zeroGradients()
        _ = agent.attention.forward(image, text: text)
        agent.attention.backward(r)
        assertParameterGradients("transporter-lang attention", agent.attention.parameters, samplesPerParameter: 1) {
            dot(agent.attention.forward(image, text: text), r)
        }
        let place = agent.transport.forward(image, pickRow: 3, pickColumn: 4, text: text)
        XCTAssertEqual(place.shape, [2, 16, 8])
    }
}

final class CheckpointTests: XCTestCase {
    func testAgentCheckpointRoundTrip() throws {
        var g = SplitMix64(seed: 40)
        let trunk = try CLIPVisualTrunk.random(width: 4, blocks: [1, 1, 1, 1], using: &g)
        let a = TransporterAgentNetworks.cliport(clip: trunk, textDimension: 8, width: 1.0 / 32, rotations: 2, cropSize: 32, seed: 1)
        let b = TransporterAgentNetworks.cliport(clip: trunk, textDimension: 8, width: 1.0 / 32, rotations: 2, cropSize: 32, seed: 2)
        // Move a's batch-norm statistics away from their initial values.
        let image = Tensor.uniform([6, 32, 32], low: 0, high: 0.05, using: &g)
        let text = Tensor.uniform([1, 8], low: -1, high: 1, using: &g)
        _ = a.attention.forward(image, text: text)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(ProcessInfo.processInfo.processIdentifier).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try HDF5File.create(path)
        try a.save(to: try file.root())
        try file.close()
        let reopened = try HDF5File.open(path)
        try b.load(from: try reopened.root())
        XCTAssertEqual(a.attention.parameters.map(\.value), b.attention.parameters.map(\.value))
        XCTAssertEqual(a.transport.parameters.map(\.value), b.transport.parameters.map(\.value))
        let bnA = (a.attention.network as! TwoStreamNetwork).batchNorms, bnB = (b.attention.network as! TwoStreamNetwork).batchNorms
        XCTAssertEqual(bnA.map(\.statistics), bnB.map(\.statistics))
        XCTAssertNotEqual(bnA[0].statistics.runningMean, Tensor.zeros(bnA[0].statistics.runningMean.shape))
        // The same input gives the same logits.
        XCTAssertEqual(a.transport.forward(image, pickRow: 3, pickColumn: 4, text: text),
                       b.transport.forward(image, pickRow: 3, pickColumn: 4, text: text))
    }
}
