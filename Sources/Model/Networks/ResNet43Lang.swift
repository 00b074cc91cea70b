/// CLIPort's `transporter-lang` baseline stream (`models/resnet_lang.py`, ResNet43_8s_lang): the
/// ResNet43 encoder, then three decoder stages each preceded by the language product
/// x ⊙ tile(Linear(g)) (to 512, 256, 128 channels), then the ConvBlock+IdentityBlock head.
///
/// Deviation: CLIPort encodes the instruction with DistilBERT (mean of the last hidden states, then a
/// trainable Linear 768 → 1024); here g is the frozen CLIP sentence feature (1024-d), which the same
/// `lang_proj` layers consume, so no second language model is needed.
public final class ResNet43Lang: DenseNetwork {
    public let normalization: InputNormalization
    let encoder: Sequential
    let decoders: [Sequential]
    let head: Sequential
    let langProj: [LinearLayer]
    private var langInputs: [Tensor] = []
    private var langFactors: [Tensor] = []
    private var text = Tensor.zeros([0])

    public init<G: RandomNumberGenerator>(outputChannels: Int, textDimension: Int = 1024, width: Double = 1,
                                          normalization: InputNormalization = .transporter, using g: inout G) {
        self.normalization = normalization
        let c = { scaled($0, width) }
        let conv1 = Conv2DLayer(name: "conv1.0", inChannels: 6, outChannels: c(64), kernel: 3, padding: 1, bias: true, using: &g)
        conv1.computesInputGradient = false
        var enc: [Layer] = [conv1, ReLULayer()]
        var inC = c(64)
        // CLIPort's Sequential indices: conv 0, (bn) 1, relu 2, then blocks 3...10.
        for (k, (f, s)) in [(64, 1), (128, 2), (256, 2), (512, 2)].enumerated() {
            enc.append(BottleneckBlock(name: "conv1.\(3 + 2 * k)", inChannels: inC, filters: (c(f), c(f), c(f)), stride: s,
                                       shortcut: .convolution, using: &g))
            enc.append(BottleneckBlock(name: "conv1.\(4 + 2 * k)", inChannels: c(f), filters: (c(f), c(f), c(f)),
                                       shortcut: .identity, using: &g))
            inC = c(f)
        }
        encoder = Sequential(enc)
        var dec: [Sequential] = []
        var proj: [LinearLayer] = []
        for (k, f) in [256, 128, 64].enumerated() {
            proj.append(LinearLayer(name: "lang_proj\(k + 1)", inFeatures: textDimension, outFeatures: inC, using: &g))
            dec.append(Sequential(BottleneckBlock.pair("decoder\(k + 1)", inC, (c(f), c(f), c(f)), using: &g) + [UpsampleLayer()]))
            inC = c(f)
        }
        decoders = dec; langProj = proj
        head = Sequential(BottleneckBlock.pair("conv2", inC, (c(16), c(16), outputChannels), finalReLU: false, using: &g))
    }

    public var parameters: [Parameter] {
        encoder.parameters + decoders.flatMap { $0.parameters } + head.parameters + langProj.flatMap { $0.parameters }
    }
    public var parameterGroups: [(name: String, parameters: [Parameter])] { [("stream_one", parameters)] }
    public var batchNorms: [BatchNormLayer] { [] }

    public func forward(_ image: Tensor, text: Tensor?) -> Tensor {
        guard let text else { preconditionFailure("ResNet43Lang: a language-conditioned network needs the sentence feature") }
        self.text = text
        langInputs = []; langFactors = []
        var x = encoder.forward(normalization.apply(image))
        for k in 0..<3 {
            let n = x.shape[0]
            let f = langProj[k].forward(text)
            let factors = Tensor(shape: [n, f.count], scalars: Array([[Float]](repeating: f.scalars, count: n).joined()))
            langInputs.append(x); langFactors.append(factors)
            x = decoders[k].forward(Elementwise.multiplyChannels(x, factors))
        }
        return head.forward(x)
    }

    public func backward(_ gradOutput: Tensor) {
        var g = head.backward(gradOutput)
        for k in stride(from: 2, through: 0, by: -1) {
            g = decoders[k].backward(g)
            let (gx, gf) = Elementwise.multiplyChannelsBackward(g, langInputs[k], langFactors[k])
            let c = gf.shape[1]
            var sum = Tensor.zeros([1, c])
            for b in 0..<gf.shape[0] { for i in 0..<c { sum.scalars[i] += gf.scalars[b * c + i] } }
            _ = langProj[k].backward(sum)
            g = gx
        }
        _ = encoder.backward(g)
    }
}
