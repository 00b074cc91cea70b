import XCTest
import HDF5
@testable import Model

/// Matches PyTorch (and kornia 0.4.1) outputs saved by scripts/reference/make_fixtures.py.
final class ReferenceFixtureTests: XCTestCase {
    var file: HDF5File!

    override func setUpWithError() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/reference.h5").path
        file = try HDF5File.open(path)
    }

    func tensor(_ path: String) throws -> Tensor {
        let parts = path.split(separator: "/").map(String.init)
        let group = try file.group(parts.dropLast().joined(separator: "/"))
        return try ParameterStore.tensor(parts.last!, in: group)
    }

    /// Worst absolute error relative to the reference's largest magnitude.
    func assertMatches(_ actual: Tensor, _ expected: Tensor, _ name: String, tolerance: Float = 1e-4,
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "\(name): element count", file: file, line: line)
        guard actual.count == expected.count else { return }
        let scale = max(expected.maxAbs(), 1e-6)
        var worst: Float = 0
        for i in 0..<actual.count { worst = max(worst, abs(actual.scalars[i] - expected.scalars[i])) }
        XCTAssertLessThan(worst / scale, tolerance, "\(name): relative error \(worst / scale)", file: file, line: line)
    }

    func testBilinearResize() throws {
        let x = try tensor("resize/input")
        assertMatches(BilinearResize.forward(x, height: 10, width: 14, alignCorners: true), try tensor("resize/up_align_corners"), "align corners")
        assertMatches(BilinearResize.forward(x, height: 10, width: 14, alignCorners: false), try tensor("resize/up"), "upsample")
        assertMatches(BilinearResize.forward(x, height: 4, width: 6, alignCorners: false), try tensor("resize/shrink"), "shrink")
    }

    func testRotationMatchesKornia041() throws {
        let x = try tensor("rotation/input")
        let angles = try tensor("rotation/angles").scalars
        let pivot = try tensor("rotation/pivot").scalars
        let specs = angles.map { RotationSpec(degrees: Double($0), pivotRow: Double(pivot[0]), pivotColumn: Double(pivot[1])) }
        let expected = try tensor("rotation/output")
        assertMatches(ImageRotation.forward(x, specs: specs), expected, "kornia 0.4.1 warp_affine")
        // The exact pixel rotation (kornia >= 0.5) is measurably different: the quirk is real.
        let exact = ImageRotation.forward(x, specs: specs.map { var s = $0; s.alignCorners = true; return s })
        let diff = zip(exact.scalars, expected.scalars).map { abs($0 - $1) }.max()!
        XCTAssertGreaterThan(diff, 0.05)
    }

    func testMultiHeadAttention() throws {
        let g = try file.group("multihead_attention/weights")
        let w = AttentionWeights(inWeight: try ParameterStore.tensor("in_proj_weight", in: g),
                                 inBias: try ParameterStore.tensor("in_proj_bias", in: g),
                                 outWeight: try ParameterStore.tensor("out_proj.weight", in: g),
                                 outBias: try ParameterStore.tensor("out_proj.bias", in: g))
        let y = MultiHeadAttention.forward(try tensor("multihead_attention/input"), weights: w, heads: 2, causal: true).output
        assertMatches(y, try tensor("multihead_attention/output"), "causal multi-head attention")
    }

    func testLayerNormGELUAndBatchNorm() throws {
        let x = try tensor("layer_norm_gelu/input")
        let y = LayerNorm.forward(x, gamma: try tensor("layer_norm_gelu/weights/weight"), beta: try tensor("layer_norm_gelu/weights/bias")).output
        assertMatches(y, try tensor("layer_norm_gelu/layer_norm"), "layer norm")
        assertMatches(GELU.forward(x), try tensor("layer_norm_gelu/gelu"), "gelu")

        var stats = BatchNormStatistics(channels: 3)
        let bn = BatchNorm.training(try tensor("batch_norm_train/input"), gamma: try tensor("batch_norm_train/weights/weight"),
                                    beta: try tensor("batch_norm_train/weights/bias"), statistics: &stats)
        assertMatches(bn.output, try tensor("batch_norm_train/output"), "batch norm (training)")
        assertMatches(stats.runningMean, try tensor("batch_norm_train/weights/running_mean"), "running mean")
        assertMatches(stats.runningVariance, try tensor("batch_norm_train/weights/running_var"), "running var")
    }

    func testCorrelation() throws {
        let y = Correlation.forward(key: try tensor("correlation/key"), kernels: try tensor("correlation/kernels"))
        assertMatches(y, try tensor("correlation/conv"), "correlation")
    }

    func testResNet43() throws {
        var g = SplitMix64(seed: 0)
        let net = ResNet43(inputChannels: 6, outputChannels: 3, width: 1.0 / 16, using: &g)
        try ParameterStore.load(net.parameters, from: try file.group("resnet43/weights"))
        assertMatches(net.forward(try tensor("resnet43/input")), try tensor("resnet43/output"), "ResNet43_8s")
    }

    func testResNet45WithLaterals() throws {
        var g = SplitMix64(seed: 0)
        let net = ResNet45(inputChannels: 6, outputChannels: 1, width: 1.0 / 16, using: &g)
        try ParameterStore.load(net.parameters, from: try file.group("resnet45/weights"))
        let (y, lat) = net.forwardWithLaterals(try tensor("resnet45/input"))
        assertMatches(y, try tensor("resnet45/output"), "ResNet45_10s")
        for (k, l) in lat.enumerated() { assertMatches(l, try tensor("resnet45/lateral\(k)"), "lateral \(k)") }
    }

    func testAttentionModule() throws {
        var g = SplitMix64(seed: 0)
        let net = ResNet43(inputChannels: 6, outputChannels: 1, width: 1.0 / 16, using: &g)
        try ParameterStore.load(net.parameters, from: try file.group("attention_module/weights"))
        let logits = AttentionModule(network: net).forward(try tensor("attention_module/image"))
        assertMatches(logits, try tensor("attention_module/logits"), "attention (pick) logits")
    }

    func testTransportModule() throws {
        var g = SplitMix64(seed: 0)
        let key = ResNet43(inputChannels: 6, outputChannels: 3, width: 1.0 / 16, using: &g)
        let query = ResNet43(inputChannels: 6, outputChannels: 3, width: 1.0 / 16, using: &g)
        try ParameterStore.load(key.parameters, from: try file.group("transport_module/key/weights"))
        try ParameterStore.load(query.parameters, from: try file.group("transport_module/query/weights"))
        let module = TransportModule(keyNetwork: key, queryNetwork: query, rotations: 4, cropSize: 8)
        let image = try tensor("transport_module/image")
        let pick = try tensor("transport_module/pick").scalars.map { Int($0) }
        let padded = ZeroPad.forward(image.reshaped([1] + image.shape), top: 4, bottom: 4, left: 4, right: 4)
        assertMatches(module.crops(padded: padded, pickRow: pick[0], pickColumn: pick[1]),
                      try tensor("transport_module/crops"), "rotated crops (kornia 0.4.1)")
        let logits = module.forward(image, pickRow: pick[0], pickColumn: pick[1])
        assertMatches(logits, try tensor("transport_module/logits"), "transport (place) logits")
    }

    func testCLIPVisualTrunk() throws {
        let weights = try TensorDictionary.load(from: try file.group("clip_visual/weights"))
        let trunk = try CLIPVisualTrunk(weights: weights, width: 4)
        let (out, im) = try trunk.forward(try tensor("clip_visual/input"))
        assertMatches(out, try tensor("clip_visual/output"), "layer4")
        XCTAssertEqual(im.count, 8)
        for (k, t) in im.enumerated() { assertMatches(t, try tensor("clip_visual/intermediate\(k)"), "intermediate \(k)") }
        XCTAssertEqual(out.shape, [1, 128, 2, 2])
    }

    func testCLIPTextTransformer() throws {
        let weights = try TensorDictionary.load(from: try file.group("clip_text/weights"))
        let text = try CLIPTextTransformer(weights: weights, heads: 4)
        XCTAssertEqual(text.layers, 2)
        XCTAssertEqual(text.contextLength, 77)
        let ids = try tensor("clip_text/tokens")
        let tokens = (0..<2).map { b in (0..<77).map { Int(ids.scalars[b * 77 + $0]) } }
        let (sentence, embeddings) = try text.forward(tokens: tokens)
        assertMatches(sentence, try tensor("clip_text/sentence"), "sentence feature")
        assertMatches(embeddings, try tensor("clip_text/embeddings"), "token embeddings")
    }

    /// The cliport model's pick module: ResNet45 + (CLIP trunk → CLIPLingUNetLat), added, with the
    /// decoder's batch norms in training mode as CLIPort runs them.
    func testTwoStreamAttentionModule() throws {
        let clipWeights = try TensorDictionary.load(from: try file.group("clip_visual/weights"))
        let trunk = try CLIPVisualTrunk(weights: clipWeights, width: 4)
        var g = SplitMix64(seed: 0)
        let network = TwoStreamNetwork(clip: trunk, clipChannels: [16, 32, 64, 128], textDimension: 16,
                                       outputChannels: 1, fusion: .add, width: 1.0 / 16, using: &g)
        try ParameterStore.load(network.spatial.parameters, from: try file.group("resnet45/weights"))
        try ParameterStore.load(network.semantic.parameters, from: try file.group("two_stream_attention/semantic/weights"))
        let module = AttentionModule(network: network)
        let logits = module.forward(try tensor("two_stream_attention/image"), text: try tensor("two_stream_attention/text"))
        assertMatches(logits, try tensor("two_stream_attention/logits"), "two-stream pick logits")
    }

    /// transporter-lang's stream, ResNet43_8s_lang: the language product before each decoder stage.
    func testResNet43Lang() throws {
        var g = SplitMix64(seed: 0)
        let net = ResNet43Lang(outputChannels: 3, textDimension: 16, width: 1.0 / 16, using: &g)
        try ParameterStore.load(net.parameters, from: try file.group("resnet43_lang/weights"))
        let image = try tensor("resnet43_lang/image")
        let out = net.forward(image.reshaped([1] + image.shape), text: try tensor("resnet43_lang/text"))
        assertMatches(out, try tensor("resnet43_lang/output").reshaped([1, 3, 16, 8]), "ResNet43_8s_lang output")
    }

    /// The cliport model's place module: key and query each ResNet45 + (CLIP trunk → CLIPLingUNetLat)
    /// fused by a 1x1 convolution, correlated over 4 rotations (the fixture's key and query share weights).
    func testTwoStreamTransportModule() throws {
        let trunk = try CLIPVisualTrunk(weights: try TensorDictionary.load(from: try file.group("clip_visual/weights")), width: 4)
        var g = SplitMix64(seed: 0)
        func side() throws -> TwoStreamNetwork {
            let network = TwoStreamNetwork(clip: trunk, clipChannels: [16, 32, 64, 128], textDimension: 16,
                                           outputChannels: 3, fusion: .convolution, width: 1.0 / 32, using: &g)
            try ParameterStore.load(network.spatial.parameters, from: try file.group("two_stream_transport/spatial/weights"))
            try ParameterStore.load(network.semantic.parameters, from: try file.group("two_stream_transport/semantic/weights"))
            try ParameterStore.load(network.parameterGroups[2].parameters, from: try file.group("two_stream_transport/fusion/weights"))
            return network
        }
        let module = TransportModule(keyNetwork: try side(), queryNetwork: try side(), rotations: 4, cropSize: 32)
        let pick = try tensor("two_stream_transport/pick").scalars.map { Int($0) }
        let logits = module.forward(try tensor("two_stream_transport/image"), pickRow: pick[0], pickColumn: pick[1],
                                    text: try tensor("two_stream_transport/text"))
        XCTAssertEqual(logits.shape, [4, 32, 32])
        assertMatches(logits, try tensor("two_stream_transport/logits"), "two-stream place logits")
    }

    /// RN50-BERT's visual stream: torchvision's ResNet-50 (7x7 stem, max-pool, v1.5 strides), inference batch norm.
    func testImageNetResNetTrunk() throws {
        let weights = try TensorDictionary.load(from: try file.group("imagenet_resnet/weights"))
        let trunk = try ImageNetResNetTrunk(weights: weights, width: 4, blocks: [2, 1, 1, 1])
        XCTAssertEqual(trunk.layerChannels, [16, 32, 64, 128])
        let (out, im) = try trunk.forward(try tensor("imagenet_resnet/input"))
        XCTAssertEqual(out.shape, [1, 128, 2, 2])
        XCTAssertEqual(im.count, 5)
        assertMatches(out, try tensor("imagenet_resnet/output"), "layer4")
        for (k, t) in im.enumerated() { assertMatches(t, try tensor("imagenet_resnet/intermediate\(k)"), "intermediate \(k)") }
    }

    /// A checkpoint under OpenAI's names imports into a working trunk and text encoder.
    func testCLIPWeightImport() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/clip_small.safetensors").path
        let weights = try CLIPWeights.importSafetensors(path)
        XCTAssertEqual(weights.visualArchitecture.width, 4)
        XCTAssertEqual(weights.visualArchitecture.blocks, [3, 4, 6, 3])
        let (out, _) = try weights.visualTrunk().forward(try tensor("clip_visual/input"))
        assertMatches(out, try tensor("clip_visual/output"), "imported trunk")
        let ids = try tensor("clip_text/tokens")
        let tokens = (0..<2).map { b in (0..<77).map { Int(ids.scalars[b * 77 + $0]) } }
        let text = try CLIPTextTransformer(weights: weights.text, heads: 4)
        assertMatches(try text.forward(tokens: tokens).sentence, try tensor("clip_text/sentence"), "imported text encoder")

        // Saved in our HDF5 format and loaded back, the weights are the same.
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("clip-\(ProcessInfo.processInfo.processIdentifier).h5").path
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let savedFile = try HDF5File.create(saved)
        try weights.save(to: try savedFile.root())
        try savedFile.close()
        let loaded = try CLIPWeights.load(path: saved)
        XCTAssertEqual(loaded.visual.tensors, weights.visual.tensors)
        XCTAssertEqual(loaded.text.tensors, weights.text.tensors)
        // Missing weights say how to import them.
        XCTAssertThrowsError(try CLIPWeights.load(path: "/nonexistent/clip.h5")) { error in
            XCTAssertTrue("\(error)".contains("cliport weights import"), "\(error)")
        }
    }
}
