import XCTest
@testable import Model

/// The networks of CLIPort's other agents (ablations, CLIP-only, FiLM, image goal): shapes, the inputs
/// they read, and gradients against finite differences.
final class AgentVariantNetworkTests: XCTestCase {
    /// FiLM and the product, at one site: dL/dx and dL/d(projections) against finite differences; the
    /// product without language is the identity.
    func testLanguageFusionGradients() {
        for fusion in [LanguageFusion.product, .film] {
            var g = SplitMix64(seed: 5)
            let layer = LanguageFusionLayer(fusion: fusion, site: 2, textDimension: 6, channels: 3, using: &g)
            XCTAssertEqual(layer.parameters.map(\.name),
                           fusion == .film ? ["lang_gamma2.weight", "lang_gamma2.bias", "lang_beta2.weight", "lang_beta2.bias"]
                                           : ["lang_proj2.weight", "lang_proj2.bias"])
            let x = randomTensor([2, 3, 4, 5], seed: 6), text = randomTensor([1, 6], seed: 7)
            let r = randomTensor([2, 3, 4, 5], seed: 8)
            _ = layer.forward(x, text: text)
            layer.parameters.zeroGradients()
            let gx = layer.backward(r)
            assertGradient("\(fusion) dL/dx", at: x, analytic: gx, projection: r) { layer.forward($0, text: text) }
            _ = layer.forward(x, text: text)
            layer.parameters.zeroGradients()
            _ = layer.backward(r)
            assertParameterGradients("\(fusion) projections", layer.parameters, samplesPerParameter: 3) {
                dot(layer.forward(x, text: text), r)
            }
        }
        var g = SplitMix64(seed: 5)
        let none = LanguageFusionLayer(fusion: .none, site: 1, textDimension: 6, channels: 3, using: &g)
        let x = randomTensor([1, 3, 2, 2], seed: 9)
        XCTAssertEqual(none.forward(x, text: nil), x)
        XCTAssertTrue(none.parameters.isEmpty)
    }

    /// The decoders of the ablations on their own (FiLM with laterals, the product without, no language
    /// with laterals, no skips), batch norms in inference form so that every output depends on one
    /// example: parameter gradients and dL/dlateral against finite differences.
    func testDecoderGradients() {
        let lateralChannels = [128, 64, 32, 16, 8, 4]   // ResNet45 at width 1/8
        let cases: [(String, SemanticDecoderKind, [String])] = [
            ("film-lat", .unet(language: .film, laterals: true), ["lang_gamma1", "lang_beta3", "lat_fusion2", "conv1.0.weight"]),
            ("lingunet", .unet(language: .product, laterals: false), ["lang_proj2", "up3.conv.double_conv.3", "conv2.0"]),
            ("unet-lat", .unet(language: .none, laterals: true), ["lat_fusion6", "dec2.1.conv3", "up1.conv.double_conv.0"]),
            ("woskip", .withoutSkips, ["layers.0.weight", "layers.23.weight", "layers.13.conv2"]),
        ]
        for (name, kind, always) in cases {
            // The no-skip decoder is checked on our own convolutions: which of its units sit near a ReLU kink moves
            // with the last bits of the forward pass, and oneDNN's summation order puts too many of the probes on
            // one. (LibraryKernelTests checks oneDNN's gradients against a direct convolution on their own.)
            let kernels: (inout ComputeSettings) -> Void = { if kind == .withoutSkips { $0.convolutionLibrary = .none } }
            ComputeSettings.with(kernels) {
                var g = SplitMix64(seed: 8)
                let decoder = kind.make(trunkChannels: [16, 32, 64, 128], lateralChannels: kind.usesLaterals ? lateralChannels : nil,
                                        textDimension: 8, outputChannels: 1, width: 1.0 / 8, using: &g)
                for bn in decoder.batchNorms { bn.training = false }
                XCTAssertEqual(decoder.usesLanguage, kind.usesLanguage)
                // The no-skip decoder reads layer4 alone: at 1x1 its maps would be constant but for the borders,
                // and its 16 bias-free residual blocks shrink the signal ~1e5-fold at PyTorch's init; being
                // ReLU-homogeneous, a larger input keeps its output above Float32's resolution.
                let side = kind == .withoutSkips ? 2 : 1
                var visual = randomTensor([1, 128, side, side], seed: 1)
                if kind == .withoutSkips { visual.scale(by: 1e4) }
                let im = [randomTensor([1, 16, 8, 8], seed: 2), randomTensor([1, 32, 4, 4], seed: 3), randomTensor([1, 64, 2, 2], seed: 4),
                          visual]
                let laterals = kind.usesLaterals
                    ? zip(lateralChannels, [2, 4, 8, 16, 32, 64]).enumerated().map { randomTensor([1, $1.0, $1.1, $1.1], seed: 10 + UInt64($0)) }
                    : []
                let text = randomTensor([1, 8], seed: 5)
                func run(_ lat: [Tensor]) -> Tensor {
                    decoder.forward(visual: visual, intermediates: im, laterals: lat, text: text, outputSize: (32, 32))
                }
                let out = run(laterals)
                XCTAssertEqual(out.shape, [1, 1, 32, 32], name)
                XCTAssertGreaterThan(out.scalars.max()! - out.scalars.min()!, 1e-4, "\(name): the output is not a constant (dead units)")
                if kind.usesLanguage {
                    XCTAssertTrue(out != decoder.forward(visual: visual, intermediates: im, laterals: laterals, text: randomTensor([1, 8], seed: 6),
                                                        outputSize: (32, 32)), "\(name): reads the sentence")
                }
                let r = randomTensor(out.shape, seed: 7)
                decoder.parameters.zeroGradients()
                _ = run(laterals)
                let latGrads = decoder.backward(r)
                XCTAssertEqual(latGrads.count, laterals.count)
                // The no-skip decoder's 17 blocks leave up to ~1.5 % Float32 round-off in its one-sided slopes (different
                // under every BLAS kernel; larger steps cross ReLU kinks): it is checked to 4 % of the largest gradient.
                assertParameterGradients("\(name) decoder", parameterSample(decoder.parameters, count: 5, always: always),
                                         samplesPerParameter: 1, tolerance: kind == .withoutSkips ? 4e-2 : 2e-2) { dot(run(laterals), r) }
                if kind.usesLaterals {
                    // dL/dlateral at a few elements of the last two (central differences; the deeper laterals'
                    // effect on the output is below Float32's resolution at this size).
                    for k in [4, 5] {
                        let scale = Double(latGrads[k].maxAbs())
                        XCTAssertGreaterThan(scale, 0, "\(name): lateral \(k) gets a gradient")
                        for i in [0, 77, 130, 255, 301, 511, 1000, 4000] {
                            var up = laterals, down = laterals
                            up[k].scalars[i] += 1e-2; down[k].scalars[i] -= 1e-2
                            let numeric = (dot(run(up), r) - dot(run(down), r)) / 2e-2
                            XCTAssertEqual(Double(latGrads[k].scalars[i]), numeric, accuracy: 3e-2 * scale, "\(name) dL/dlateral\(k)[\(i)]")
                        }
                    }
                }
            }
        }
    }

    /// CLIPort's `text_fc` (DistilBERT's feature to 1024 before the language projections), in
    /// transporter-lang's stream and in the RN50-BERT decoders: trained through all three sites.
    func testTextProjectionGradients() throws {
        let agent = TransporterAgentNetworks.transporterLang(textDimension: 8, textProjection: 12, width: 1.0 / 16, rotations: 2,
                                                             cropSize: 8, seed: 3)
        let names = agent.attention.parameters.map(\.name)
        XCTAssertTrue(names.contains("text_fc.weight") && names.contains("lang_proj3.weight"))
        let image = rawImage([6, 16, 8], seed: 41), text = randomTensor([1, 8], seed: 42)
        let r = randomTensor([1, 16, 8], seed: 44)
        agent.attention.parameters.zeroGradients()
        _ = agent.attention.forward(image, text: text)
        agent.attention.backward(r)
        let projection = agent.attention.parameters.filter { $0.name.hasPrefix("text_fc") }
        XCTAssertGreaterThan(projection[0].gradient.maxAbs(), 0)
        // The loss is a cubic in text_fc (it scales three products in a row): small steps keep the
        // one-sided slopes together.
        assertParameterGradients("transporter-lang text_fc", projection, samplesPerParameter: 4, eps: 1e-4, tolerance: 3e-2) {
            dot(agent.attention.forward(image, text: text), r)
        }
        var g = SplitMix64(seed: 9)
        let decoder = CLIPUNetDecoder(trunkChannels: [16, 32, 64, 128], lateralChannels: nil, language: .film, textDimension: 8,
                                      textProjection: 12, outputChannels: 1, width: 1.0 / 8, using: &g)
        for bn in decoder.batchNorms { bn.training = false }
        let visual = randomTensor([1, 128, 1, 1], seed: 1)
        let im = [randomTensor([1, 16, 8, 8], seed: 2), randomTensor([1, 32, 4, 4], seed: 3), randomTensor([1, 64, 2, 2], seed: 4), visual]
        func run() -> Tensor { decoder.forward(visual: visual, intermediates: im, laterals: [], text: text, outputSize: (32, 32)) }
        let rd = randomTensor([1, 1, 32, 32], seed: 7)
        decoder.parameters.zeroGradients()
        _ = run()
        _ = decoder.backward(rd)
        // Central differences (the cubic's curvature cancels; one-sided slopes differ by ~10 %).
        let weight = try XCTUnwrap(decoder.parameters.first { $0.name == "text_fc.weight" })
        let scale = Double(weight.gradient.maxAbs())
        XCTAssertGreaterThan(scale, 0)
        for i in [0, 13, 24, 50, 77, 95] {
            let v = weight.value.scalars[i]
            weight.value.scalars[i] = v + 1e-3
            let up = dot(run(), rd)
            weight.value.scalars[i] = v - 1e-3
            let down = dot(run(), rd)
            weight.value.scalars[i] = v
            XCTAssertEqual(Double(weight.gradient.scalars[i]), (up - down) / 2e-3, accuracy: 3e-2 * scale, "decoder text_fc.weight[\(i)]")
        }
    }

    /// Two-stream pick networks: ResNet45 under lateral decoders, ResNet43 otherwise, and the sentence
    /// changes the output only where the decoder reads it (64x64: CLIP's layer4 is 2x2; at 1x1 the
    /// training-mode batch norm after the first upsampling erases a per-channel factor).
    func testTwoStreamVariantsReadWhatTheyShould() throws {
        var g = SplitMix64(seed: 35)
        let trunk = try CLIPVisualTrunk.random(width: 4, blocks: [1, 1, 1, 1], using: &g)
        let image = rawImage([6, 64, 64], seed: 31)
        let text = randomTensor([1, 8], seed: 32), other = randomTensor([1, 8], seed: 34)
        for kind in [SemanticDecoderKind.unet(language: .film, laterals: true), .unet(language: .product, laterals: false),
                     .unet(language: .none, laterals: false), .withoutSkips] {
            let agent = TransporterAgentNetworks.twoStream(clip: trunk, decoder: kind, textDimension: 8, width: 1.0 / 8,
                                                           rotations: 2, cropSize: 32, seed: 5)
            let network = agent.attention.network as! TwoStreamNetwork
            XCTAssertEqual(network.spatial is ResNet45, kind.usesLaterals, "\(kind)")
            let logits = agent.attention.forward(image, text: text)
            XCTAssertEqual(logits.shape, [1, 64, 64])
            XCTAssertEqual(logits != agent.attention.forward(image, text: other), kind.usesLanguage, "\(kind): reads language")
        }
    }

    /// CLIP-only agents: the semantic stream alone (no spatial stream), language-conditioned or not.
    func testCLIPOnlyAgentsHaveNoSpatialStream() throws {
        var g = SplitMix64(seed: 36)
        let trunk = try CLIPVisualTrunk.random(width: 4, blocks: [1, 1, 1, 1], using: &g)
        for language in [LanguageFusion.none, .product] {
            let agent = TransporterAgentNetworks.clipOnly(clip: trunk, language: language, textDimension: 8, width: 1.0 / 8,
                                                          rotations: 2, cropSize: 32, seed: 1)
            let stream = try XCTUnwrap(agent.transport.keyNetwork as? SemanticStream)
            XCTAssertEqual(stream.parameterGroups.map(\.name), ["stream_one"])
            XCTAssertFalse(stream.decoder.usesLaterals)
            let image = rawImage([6, 64, 32], seed: 2), text = randomTensor([1, 8], seed: 3)
            let place = agent.transport.forward(image, pickRow: 7, pickColumn: 9, text: text)
            XCTAssertEqual(place.shape, [2, 64, 32])
            XCTAssertEqual(place != agent.transport.forward(image, pickRow: 7, pickColumn: 9, text: randomTensor([1, 8], seed: 4)),
                           language != .none)
        }
    }

    /// Image goal: the pick reads observation ⊙ goal; key and query share one goal network, whose
    /// gradient (both uses folded in) matches finite differences of the place loss.
    func testImageGoalStreams() {
        let agent = TransporterAgentNetworks.imageGoal(width: 1.0 / 16, rotations: 2, cropSize: 8, seed: 3)
        let observation = rawImage([6, 16, 8], seed: 11), goal = rawImage([6, 16, 8], seed: 12), other = rawImage([6, 16, 8], seed: 13)
        func stacked(_ goal: Tensor) -> Tensor { Tensor(shape: [12, 16, 8], scalars: observation.scalars + goal.scalars) }
        let pick = agent.attention.forward(stacked(goal))
        XCTAssertEqual(pick.shape, [1, 16, 8])
        XCTAssertNotEqual(pick, agent.attention.forward(stacked(other)), "the pick must read the goal")
        // The product: a goal of ones gives the observation's own normalised input.
        let ones = Tensor(shape: [6, 16, 8], repeating: 1)
        let pickNet = (agent.attention.network as! GoalProductStream).network
        XCTAssertEqual(agent.attention.forward(stacked(ones)),
                       AttentionModule(network: pickNet, rotations: 1).forward(observation))

        let key = agent.transport.keyNetwork as! GoalSumStream, query = agent.transport.queryNetwork as! GoalSumStream
        XCTAssertTrue(query.tiedTo === key)
        XCTAssertEqual(key.parameterGroups.map(\.name), ["stream_one", "goal"])
        XCTAssertEqual(query.parameterGroups.map(\.name), ["stream_one"])
        // One set of goal weights among the transport's trainable parameters.
        XCTAssertEqual(agent.transport.parameters.count, key.network.parameters.count * 3)
        let input = stacked(goal)
        let logits = agent.transport.forward(input, pickRow: 5, pickColumn: 2)
        XCTAssertEqual(logits.shape, [2, 16, 8])
        XCTAssertNotEqual(logits, agent.transport.forward(stacked(other), pickRow: 5, pickColumn: 2))
        let r = randomTensor(logits.shape, seed: 14)
        agent.transport.parameters.zeroGradients()
        _ = agent.transport.forward(input, pickRow: 5, pickColumn: 2)
        agent.transport.backward(r)
        XCTAssertEqual(query.goalNetwork.parameters.map { $0.gradient.maxAbs() }.max(), 0, "the twin's gradient is folded in")
        assertParameterGradients("shared goal network", parameterSample(key.goalNetwork.parameters, count: 8), samplesPerParameter: 1) {
            dot(agent.transport.forward(input, pickRow: 5, pickColumn: 2), r)
        }
    }
}
