/// Transporter's residual blocks (`models/resnet.py`, batchnorm off as in CLIPort):
/// 1x1 conv → ReLU → 3x3 conv (stride s, padding 1) → ReLU → 1x1 conv, plus a shortcut, then ReLU
/// unless `finalReLU` is false. `ConvBlock` has a 1x1 strided conv on the shortcut; `IdentityBlock`
/// adds the input itself. All convolutions are bias-free.
public final class BottleneckBlock: Layer {
    public enum Shortcut { case identity, convolution }

    let conv1: Conv2DLayer, conv2: Conv2DLayer, conv3: Conv2DLayer
    let shortcut: Conv2DLayer?
    let relu1 = ReLULayer(), relu2 = ReLULayer()
    let finalReLU: ReLULayer?

    /// - Parameters: filters: (f1, f2, f3) as in the Python `filters` list.
    public init<G: RandomNumberGenerator>(name: String, inChannels: Int, filters: (Int, Int, Int), stride: Int = 1,
                                          shortcut: Shortcut, finalReLU: Bool = true, using g: inout G) {
        conv1 = Conv2DLayer(name: name + ".conv1", inChannels: inChannels, outChannels: filters.0, kernel: 1, bias: false, using: &g)
        conv2 = Conv2DLayer(name: name + ".conv2", inChannels: filters.0, outChannels: filters.1, kernel: 3,
                            stride: stride, padding: 1, bias: false, using: &g)
        conv3 = Conv2DLayer(name: name + ".conv3", inChannels: filters.1, outChannels: filters.2, kernel: 1, bias: false, using: &g)
        switch shortcut {
        case .convolution:
            self.shortcut = Conv2DLayer(name: name + ".shortcut.0", inChannels: inChannels, outChannels: filters.2,
                                        kernel: 1, stride: stride, bias: false, using: &g)
        case .identity:
            precondition(inChannels == filters.2 && stride == 1,
                         "IdentityBlock \(name): input channels \(inChannels) must equal output \(filters.2) at stride 1")
            self.shortcut = nil
        }
        self.finalReLU = finalReLU ? ReLULayer() : nil
    }

    public var parameters: [Parameter] {
        conv1.parameters + conv2.parameters + conv3.parameters + (shortcut?.parameters ?? [])
    }

    // The ReLUs work in place on the freshly made convolution outputs and gradients: these maps are
    // tens of MB, and a copy each was a tenth of the block's time.
    public func forward(_ x: Tensor) -> Tensor {
        var h1 = conv1.forward(x)
        relu1.forward(inPlace: &h1)
        var h2 = conv2.forward(h1)
        relu2.forward(inPlace: &h2)
        var out = conv3.forward(h2)
        out.add(shortcut?.forward(x) ?? x)
        finalReLU?.forward(inPlace: &out)
        return out
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        let g = finalReLU?.backward(gradOutput) ?? gradOutput
        var g2 = conv3.backward(g)
        relu2.backward(inPlace: &g2)
        var g1 = conv2.backward(g2)
        relu1.backward(inPlace: &g1)
        var gx = conv1.backward(g1)
        gx.add(shortcut?.backward(g) ?? g)
        return gx
    }

    /// Convenience: Transporter's `ConvBlock` followed by `IdentityBlock` with the same filters.
    static func pair<G: RandomNumberGenerator>(_ name: String, _ inChannels: Int, _ f: (Int, Int, Int), stride: Int = 1,
                                               finalReLU: Bool = true, using g: inout G) -> [Layer] {
        [BottleneckBlock(name: name + ".0", inChannels: inChannels, filters: f, stride: stride, shortcut: .convolution,
                         finalReLU: finalReLU, using: &g),
         BottleneckBlock(name: name + ".1", inChannels: f.2, filters: f, stride: 1, shortcut: .identity,
                         finalReLU: finalReLU, using: &g)]
    }
}
