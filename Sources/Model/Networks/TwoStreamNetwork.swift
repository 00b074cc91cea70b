/// CLIPort's two-stream networks (`TwoStream…` in `models/streams/`): a spatial stream on the
/// Transporter-normalised 6-channel input and a `SemanticStream` (frozen CLIP trunk + trainable
/// decoder), fused by addition (pick, `attn_stream_fusion_type: add`) or by a 1x1 convolution of
/// ReLU(cat) (place, `trans_stream_fusion_type: conv`).
///
/// With a lateral decoder (`…_lat`) the spatial stream is `ResNet45`, whose six lateral maps feed the
/// decoder; otherwise it is `ResNet43` (CLIPort's `plain_resnet`) and the streams meet only at the end.
public final class TwoStreamNetwork: DenseNetwork {
    public enum Fusion: Sendable { case add, convolution }

    /// `ResNet45` when the decoder reads laterals, else `ResNet43`.
    public let spatial: Layer
    public let semanticStream: SemanticStream
    public let fusion: Fusion
    let fusionConv: Conv2DLayer?
    let fusionReLU = ReLULayer()
    private var streamChannels = 0

    public var trunk: VisualTrunk { semanticStream.trunk }
    public var semantic: SemanticDecoder { semanticStream.decoder }

    public init<G: RandomNumberGenerator>(spatial: Layer, semantic: SemanticStream, outputChannels: Int, fusion: Fusion,
                                          using g: inout G) {
        precondition(!semantic.decoder.usesLaterals || spatial is ResNet45, "TwoStreamNetwork: a lateral decoder needs ResNet45")
        self.spatial = spatial
        self.semanticStream = semantic
        self.fusion = fusion
        fusionConv = fusion == .convolution
            ? Conv2DLayer(name: "fusion.conv.1", inChannels: 2 * outputChannels, outChannels: outputChannels,
                          kernel: 1, bias: false, using: &g)
            : nil
    }

    /// CLIPort's own (`TwoStream…LangFusionLat` with `clip_lingunet_lat`): ResNet45 and CLIPLingUNetLat.
    public convenience init<G: RandomNumberGenerator>(clip: CLIPVisualTrunk, clipChannels: [Int], textDimension: Int,
                                                      outputChannels: Int, fusion: Fusion, width: Double = 1, using g: inout G) {
        let spatial = ResNet45(inputChannels: 6, outputChannels: outputChannels, width: width, using: &g)
        let decoder = CLIPUNetDecoder(trunkChannels: clipChannels, lateralChannels: spatial.lateralChannels, language: .product,
                                      textDimension: textDimension, outputChannels: outputChannels, width: width, using: &g)
        self.init(spatial: spatial, semantic: SemanticStream(trunk: clip, decoder: decoder), outputChannels: outputChannels,
                  fusion: fusion, using: &g)
    }

    public var parameters: [Parameter] {
        spatial.parameters + semantic.parameters + (fusionConv?.parameters ?? [])
    }

    public var parameterGroups: [(name: String, parameters: [Parameter])] {
        [("stream_one", spatial.parameters), ("stream_two", semantic.parameters), ("fusion", fusionConv?.parameters ?? [])]
    }

    public var batchNorms: [BatchNormLayer] { semanticStream.batchNorms }

    public func forward(_ image: Tensor, text: Tensor?) -> Tensor {
        let normalized = InputNormalization.transporter.apply(image)
        let out1: Tensor, lat: [Tensor]
        if semantic.usesLaterals, let resnet = spatial as? ResNet45 {
            (out1, lat) = resnet.forwardWithLaterals(normalized)
        } else {
            (out1, lat) = (spatial.forward(normalized), [])
        }
        let out2 = semanticStream.forward(image, laterals: lat, text: text)
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
        let latGrads = semanticStream.backwardToLaterals(g2)
        if let resnet = spatial as? ResNet45 {
            _ = resnet.backward(g1, lateralGradients: latGrads)
        } else {
            _ = spatial.backward(g1)
        }
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
