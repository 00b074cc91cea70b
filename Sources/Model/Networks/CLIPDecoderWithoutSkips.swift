/// CLIPort's `CLIPWithoutSkipConnections` (`clip_woskip`): a plain decoder over the frozen trunk's
/// layer4 alone, no skips, no language, no laterals (the `two_stream_clip_woskip_transporter` ablation).
///
///     layers.0: 3x3 conv (no bias) to 1024 + ReLU, ×2
///     (ConvBlock+IdentityBlock) to 512 twice, ×2; to 128 twice, ×2; to 64 twice, ×2; to 32 twice, ×2
///     layers.23: 1x1 conv (bias) to the output → bilinear resize to the input size
///
/// The ×2 are `nn.UpsamplingBilinear2d` (align corners). Names follow CLIPort's `nn.Sequential` indices.
public final class CLIPDecoderWithoutSkips: SemanticDecoder {
    public let outputChannels: Int
    let body: Sequential
    private var decodedSize = (0, 0)

    public init<G: RandomNumberGenerator>(trunkChannels: [Int], outputChannels: Int, width: Double = 1, using g: inout G) {
        precondition(trunkChannels.count == 4, "CLIPDecoderWithoutSkips: 4 trunk channel counts")
        self.outputChannels = outputChannels
        let c = { scaled($0, width) }
        var layers: [Layer] = [Conv2DLayer(name: "layers.0", inChannels: trunkChannels[3], outChannels: c(1024), kernel: 3,
                                           padding: 1, bias: false, using: &g),
                               ReLULayer(), UpsampleLayer()]
        var index = 3, x = c(1024)
        for f in [512, 128, 64, 32] {
            for _ in 0..<2 {
                layers += BottleneckBlock.pairNamed(["layers.\(index)", "layers.\(index + 1)"], x, (c(f), c(f), c(f)), using: &g)
                index += 2; x = c(f)
            }
            layers.append(UpsampleLayer()); index += 1
        }
        layers.append(Conv2DLayer(name: "layers.\(index)", inChannels: x, outChannels: outputChannels, kernel: 1, bias: true, using: &g))
        body = Sequential(layers)
    }

    public var parameters: [Parameter] { body.parameters }
    public var batchNorms: [BatchNormLayer] { [] }
    public var usesLaterals: Bool { false }
    public var usesLanguage: Bool { false }

    public func forward(visual: Tensor, intermediates: [Tensor], laterals: [Tensor], text: Tensor?, outputSize: (Int, Int)) -> Tensor {
        let x = body.forward(visual)
        decodedSize = (x.shape[2], x.shape[3])
        return BilinearResize.forward(x, height: outputSize.0, width: outputSize.1, alignCorners: false)
    }

    public func backward(_ gradOutput: Tensor) -> [Tensor] {
        _ = body.backward(BilinearResize.backward(gradOutput, inputHeight: decodedSize.0, inputWidth: decodedSize.1, alignCorners: false))
        return []
    }
}

extension BottleneckBlock {
    /// A ConvBlock and an IdentityBlock with the given full names (for `nn.Sequential` indices).
    static func pairNamed<G: RandomNumberGenerator>(_ names: [String], _ inChannels: Int, _ f: (Int, Int, Int),
                                                    using g: inout G) -> [Layer] {
        [BottleneckBlock(name: names[0], inChannels: inChannels, filters: f, shortcut: .convolution, using: &g),
         BottleneckBlock(name: names[1], inChannels: f.2, filters: f, shortcut: .identity, using: &g)]
    }
}
