/// CLIPort's two-stream network (`TwoStream…LangFusionLat`): the spatial stream ResNet45 on the
/// Transporter-normalised 6-channel input, the semantic stream (frozen CLIP trunk on the
/// CLIP-normalised RGB channels + the trainable CLIPLingUNetLat decoder, fed the spatial laterals and
/// the sentence feature), fused by addition (pick) or by a 1x1 convolution of ReLU(cat) (place).
public final class TwoStreamNetwork: DenseNetwork {
    public enum Fusion: Sendable { case add, convolution }

    public let spatial: ResNet45
    public let semantic: CLIPLingUNetLat
    /// Frozen; this network's own copy (CLIPort's agent holds three), whose batch-norm running
    /// statistics move while training in train mode and are checkpointed with the semantic stream.
    public let clip: CLIPVisualTrunk
    public let fusion: Fusion
    let fusionConv: Conv2DLayer?
    let fusionReLU = ReLULayer()
    private var streamChannels = 0

    public init<G: RandomNumberGenerator>(clip: CLIPVisualTrunk, clipChannels: [Int], textDimension: Int,
                                          outputChannels: Int, fusion: Fusion, width: Double = 1, using g: inout G) {
        self.clip = clip.copy()
        self.fusion = fusion
        spatial = ResNet45(inputChannels: 6, outputChannels: outputChannels, width: width, using: &g)
        semantic = CLIPLingUNetLat(clipChannels: clipChannels, lateralChannels: spatial.lateralChannels,
                                   textDimension: textDimension, outputChannels: outputChannels, width: width, using: &g)
        fusionConv = fusion == .convolution
            ? Conv2DLayer(name: "fusion.conv.1", inChannels: 2 * outputChannels, outChannels: outputChannels,
                          kernel: 1, bias: false, using: &g)
            : nil
    }

    public var parameters: [Parameter] {
        spatial.parameters + semantic.parameters + (fusionConv?.parameters ?? [])
    }

    public var parameterGroups: [(name: String, parameters: [Parameter])] {
        [("stream_one", spatial.parameters), ("stream_two", semantic.parameters), ("fusion", fusionConv?.parameters ?? [])]
    }

    public var batchNorms: [BatchNormLayer] { semantic.batchNorms + clip.batchNorms }

    public func forward(_ image: Tensor, text: Tensor?) -> Tensor {
        guard let text else { preconditionFailure("TwoStreamNetwork: a language-conditioned network needs the sentence feature") }
        let (_, _, h, w) = image.nchw
        let (out1, lat) = spatial.forwardWithLaterals(InputNormalization.transporter.apply(image))
        let rgb = InputNormalization.clip.apply(image).channels(0..<3)
        let visual: (output: Tensor, intermediates: [Tensor])
        do { visual = try clip.forward(rgb) } catch { preconditionFailure("TwoStreamNetwork: CLIP trunk: \(error)") }
        let out2 = semantic.forward(clip: visual.output, clipIntermediates: visual.intermediates, laterals: lat,
                                    text: text, outputSize: (h, w))
        streamChannels = out1.shape[1]
        switch fusion {
        case .add: return Elementwise.add(out1, out2)
        case .convolution: return fusionConv!.forward(fusionReLU.forward(Concat.channels([out1, out2])))
        }
    }

    public func backward(_ gradOutput: Tensor) {
        let g1: Tensor, g2: Tensor
        switch fusion {
        case .add: g1 = gradOutput; g2 = gradOutput
        case .convolution:
            let parts = Concat.channelsBackward(fusionReLU.backward(fusionConv!.backward(gradOutput)),
                                                channelCounts: [streamChannels, streamChannels])
            g1 = parts[0]; g2 = parts[1]
        }
        let latGrads = semantic.backward(g2)
        _ = spatial.backward(g1, lateralGradients: latGrads)
    }
}

extension Tensor {
    /// Channels `range` of an NCHW tensor (a copy).
    public func channels(_ range: Range<Int>) -> Tensor {
        let (n, c, h, w) = nchw
        precondition(range.lowerBound >= 0 && range.upperBound <= c, "channels \(range) of a \(c)-channel tensor")
        let plane = h * w, k = range.count
        var out = Tensor.zeros([n, k, h, w])
        for b in 0..<n {
            out.scalars.withUnsafeMutableBufferPointer { o in
                scalars.withUnsafeBufferPointer { s in
                    (o.baseAddress! + b * k * plane).update(from: s.baseAddress! + (b * c + range.lowerBound) * plane, count: k * plane)
                }
            }
        }
        return out
    }
}
