/// Transporter's spatial-stream FCNs, batchnorm off as CLIPort trains them. Parameter names follow
/// the PyTorch state dicts (`layers.3.conv1.weight`, `layer6.0.shortcut.0.weight`, ...), so weights
/// and reference fixtures map one to one.
///
/// `width` scales every internal channel count (64 → 64·width, …; at least 1); 1 is CLIPort's size.
/// Small widths make networks that train in minutes on a laptop.
func scaled(_ channels: Int, _ width: Double) -> Int { max(1, Int((Double(channels) * width).rounded())) }

/// `ResNet43_8s` (`models/resnet.py`): 3x3 conv → 4 stages (64, 128/2, 256/2, 512/2) → 3 decoder stages
/// (256, 128, 64) each followed by bilinear x2 (align corners) → a ConvBlock+IdentityBlock to
/// `outputChannels` without final ReLU. Output has the input's height and width.
public final class ResNet43: Layer {
    public let inputChannels: Int, outputChannels: Int, width: Double
    let body: Sequential
    let conv1: Conv2DLayer

    public init<G: RandomNumberGenerator>(inputChannels: Int, outputChannels: Int, width: Double = 1,
                                          prefix: String = "layers", using g: inout G) {
        self.inputChannels = inputChannels; self.outputChannels = outputChannels; self.width = width
        let c = { scaled($0, width) }
        conv1 = Conv2DLayer(name: prefix + ".0", inChannels: inputChannels, outChannels: c(64), kernel: 3,
                            padding: 1, bias: true, using: &g)
        conv1.computesInputGradient = false
        var layers: [Layer] = [conv1, ReLULayer()]
        func pair(_ index: Int, _ inC: Int, _ f: Int, stride: Int = 1, out: Int? = nil, finalReLU: Bool = true) {
            let f3 = out ?? f
            layers.append(BottleneckBlock(name: "\(prefix).\(index)", inChannels: inC, filters: (f, f, f3), stride: stride,
                                          shortcut: .convolution, finalReLU: finalReLU, using: &g))
            layers.append(BottleneckBlock(name: "\(prefix).\(index + 1)", inChannels: f3, filters: (f, f, f3),
                                          shortcut: .identity, finalReLU: finalReLU, using: &g))
        }
        pair(3, c(64), c(64))
        pair(5, c(64), c(128), stride: 2)
        pair(7, c(128), c(256), stride: 2)
        pair(9, c(256), c(512), stride: 2)
        pair(11, c(512), c(256)); layers.append(UpsampleLayer())
        pair(14, c(256), c(128)); layers.append(UpsampleLayer())
        pair(17, c(128), c(64)); layers.append(UpsampleLayer())
        pair(20, c(64), c(16), out: outputChannels, finalReLU: false)
        body = Sequential(layers)
    }

    public var parameters: [Parameter] { body.parameters }

    /// Input: a normalised [N, inputChannels, H, W] tensor with H and W divisible by 8.
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == inputChannels && x.shape[2] % 8 == 0 && x.shape[3] % 8 == 0,
                     "ResNet43: input must be [N, \(inputChannels), H, W] with H, W divisible by 8, got \(x.shape)")
        return body.forward(x)
    }

    /// Returns an empty tensor: the first convolution computes no input gradient (inputs are images).
    public func backward(_ gradOutput: Tensor) -> Tensor { body.backward(gradOutput) }

    public func setComputesInputGradient(_ on: Bool) { conv1.computesInputGradient = on }
}

/// `ResNet45_10s` (`models/resnet_lat.py`): conv1 → layer1…layer5 (64, 128/2, 256/2, 512/2, 1024/2) →
/// layer6…layer10 (512, 256, 128, 64, 32, each then bilinear x2 align corners) → conv2 (to
/// `outputChannels`, no final ReLU) → bilinear resize from 2H back to H (align_corners False).
/// Also returns the lateral maps: the inputs of layer6…layer10 and conv2, which the semantic stream
/// concatenates ([1024 @ H/16, 512 @ H/8, 256 @ H/4, 128 @ H/2, 64 @ H, 32 @ 2H] at width 1).
public final class ResNet45: Layer {
    public let inputChannels: Int, outputChannels: Int, width: Double
    let encoder: [Layer]
    let decoder: [Sequential]   // layer6 ... layer10, conv2
    let conv1: Conv2DLayer
    private var inputSize = (0, 0), decodedSize = (0, 0)

    public init<G: RandomNumberGenerator>(inputChannels: Int, outputChannels: Int, width: Double = 1, using g: inout G) {
        self.inputChannels = inputChannels; self.outputChannels = outputChannels; self.width = width
        let c = { scaled($0, width) }
        conv1 = Conv2DLayer(name: "conv1.0", inChannels: inputChannels, outChannels: c(64), kernel: 3, padding: 1,
                            bias: true, using: &g)
        conv1.computesInputGradient = false
        var enc: [Layer] = [conv1, ReLULayer()]
        let stages = [(64, 1), (128, 2), (256, 2), (512, 2), (1024, 2)]
        var inC = c(64)
        for (k, (f, s)) in stages.enumerated() {
            enc += BottleneckBlock.pair("layer\(k + 1)", inC, (c(f), c(f), c(f)), stride: s, using: &g)
            inC = c(f)
        }
        encoder = enc
        var dec: [Sequential] = []
        for (k, f) in [512, 256, 128, 64, 32].enumerated() {
            dec.append(Sequential(BottleneckBlock.pair("layer\(k + 6)", inC, (c(f), c(f), c(f)), using: &g) + [UpsampleLayer()]))
            inC = c(f)
        }
        dec.append(Sequential(BottleneckBlock.pair("conv2", inC, (c(16), c(16), outputChannels), finalReLU: false, using: &g)))
        decoder = dec
    }

    public var parameters: [Parameter] { encoder.flatMap { $0.parameters } + decoder.flatMap { $0.parameters } }

    /// Channel counts of the lateral maps, in order.
    public var lateralChannels: [Int] { [1024, 512, 256, 128, 64, 32].map { scaled($0, width) } }

    public func forward(_ x: Tensor) -> Tensor { forwardWithLaterals(x).output }

    /// Output [N, outputChannels, H, W] and the six lateral maps.
    public func forwardWithLaterals(_ x: Tensor) -> (output: Tensor, laterals: [Tensor]) {
        precondition(x.rank == 4 && x.shape[1] == inputChannels && x.shape[2] % 16 == 0 && x.shape[3] % 16 == 0,
                     "ResNet45: input must be [N, \(inputChannels), H, W] with H, W divisible by 16, got \(x.shape)")
        inputSize = (x.shape[2], x.shape[3])
        var h = encoder.reduce(x) { $1.forward($0) }
        var laterals: [Tensor] = []
        for stage in decoder {
            laterals.append(h)
            h = stage.forward(h)
        }
        decodedSize = (h.shape[2], h.shape[3])
        let out = BilinearResize.forward(h, height: inputSize.0, width: inputSize.1, alignCorners: false)
        return (out, laterals)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor { backward(gradOutput, lateralGradients: []) }

    /// Backward with gradients flowing in through the lateral maps as well (nil or absent: none).
    public func backward(_ gradOutput: Tensor, lateralGradients: [Tensor?]) -> Tensor {
        var g = BilinearResize.backward(gradOutput, inputHeight: decodedSize.0, inputWidth: decodedSize.1, alignCorners: false)
        for k in stride(from: decoder.count - 1, through: 0, by: -1) {
            g = decoder[k].backward(g)
            if k < lateralGradients.count, let lg = lateralGradients[k] { g.add(lg) }
        }
        return encoder.reversed().reduce(g) { $1.backward($0) }
    }

    public func setComputesInputGradient(_ on: Bool) { conv1.computesInputGradient = on }
}
