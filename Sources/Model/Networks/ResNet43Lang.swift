/// CLIPort's `transporter-lang` baseline stream (`models/resnet_lang.py`, ResNet43_8s_lang): the
/// ResNet43 encoder, then three decoder stages each preceded by the language product
/// x ⊙ tile(Linear(g)) (to 512, 256, 128 channels), then the ConvBlock+IdentityBlock head.
///
/// CLIPort encodes the instruction with DistilBERT (mean of the last hidden states) and a trainable
/// Linear 768 → 1024 (`text_fc`): pass `textProjection: 1024` with a DistilBERT feature. With a
/// 1024-d feature (CLIP's, or the hashed one) the `lang_proj` layers read it directly.
public final class ResNet43Lang: DenseNetwork {
    public let normalization: InputNormalization
    let encoder: Sequential
    let decoders: [Sequential]
    let head: Sequential
    let textProjection: LinearLayer?
    let languageSites: [LanguageFusionLayer]

    public init<G: RandomNumberGenerator>(outputChannels: Int, textDimension: Int = 1024, textProjection: Int? = nil, width: Double = 1,
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
        self.textProjection = textProjection.map { LinearLayer(name: "text_fc", inFeatures: textDimension, outFeatures: $0, using: &g) }
        var dec: [Sequential] = []
        var sites: [LanguageFusionLayer] = []
        for (k, f) in [256, 128, 64].enumerated() {
            sites.append(LanguageFusionLayer(fusion: .product, site: k + 1, textDimension: textProjection ?? textDimension,
                                             channels: inC, using: &g))
            dec.append(Sequential(BottleneckBlock.pair("decoder\(k + 1)", inC, (c(f), c(f), c(f)), using: &g) + [UpsampleLayer()]))
            inC = c(f)
        }
        decoders = dec; languageSites = sites
        head = Sequential(BottleneckBlock.pair("conv2", inC, (c(16), c(16), outputChannels), finalReLU: false, using: &g))
    }

    public var parameters: [Parameter] {
        encoder.parameters + decoders.flatMap { $0.parameters } + head.parameters + (textProjection?.parameters ?? [])
            + languageSites.flatMap { $0.parameters }
    }
    public var parameterGroups: [(name: String, parameters: [Parameter])] { [("stream_one", parameters)] }
    public var batchNorms: [BatchNormLayer] { [] }

    public func forward(_ image: Tensor, text: Tensor?) -> Tensor {
        guard let text else { preconditionFailure("ResNet43Lang: a language-conditioned network needs the sentence feature") }
        let g = textProjection?.forward(text) ?? text
        var x = encoder.forward(normalization.apply(image))
        for k in 0..<3 { x = decoders[k].forward(languageSites[k].forward(x, text: g)) }
        return head.forward(x)
    }

    public func backward(_ gradOutput: Tensor) {
        var g = head.backward(gradOutput)
        for k in stride(from: 2, through: 0, by: -1) { g = languageSites[k].backward(decoders[k].backward(g)) }
        _ = encoder.backward(g)
        if let textProjection {
            var gt = Tensor.zeros([1, textProjection.weight.value.shape[0]])
            for site in languageSites { if let t = site.textGradient { gt.add(t) } }
            _ = textProjection.backward(gt)
        }
    }
}
