/// CLIPort's U-Net decoders over the frozen RN50 trunk, in all the forms its agents use:
///
/// | CLIPort module | language | laterals |
/// | --- | --- | --- |
/// | `CLIPUNet` (`clip_unet`), `RN50BertUNet` | none | no |
/// | `CLIPLingUNet` (`clip_lingunet`), `RN50BertLingUNet` | product | no |
/// | `CLIPUNetLat` (`clip_unet_lat`) | none | yes |
/// | `CLIPLingUNetLat` (`clip_lingunet_lat`, CLIPort's own), `RN50BertLingUNetLat` | product | yes |
/// | `CLIPFilmLingUNet` (`clip_film_lingunet_lat`) | FiLM | yes |
///
///     conv1 (3x3, no bias) + ReLU → lang1
///     up1: ×2 (align corners), cat[trunk layer3, x], DoubleConv → lat1 → lang2
///     up2 (trunk layer2) → lat2 → lang3 → up3 (trunk layer1) → lat3
///     dec1 (ConvBlock+IdentityBlock, ×2) → lat4 → dec2 → lat5 → dec3 → lat6 → conv2 (1x1, bias)
///     → bilinear resize to the input size (align_corners False)
///
/// lang<k> is `LanguageFusionLayer` (absent without language), lat<k> is `FusionConvLat`: a 1x1 conv (no
/// bias) of ReLU(cat[x, lateral]) (absent without laterals). DoubleConv = (3x3 conv with bias +
/// BatchNorm + ReLU) x 2, its middle width half its input: the batch norms CLIPort "forgot to remove",
/// in training form. Parameter names follow the PyTorch modules; CLIPort's `layer1…3` are `dec1…3`
/// here (the names our checkpoints of `cliport` have always used). `width` scales the decoder's own channels.
public final class CLIPUNetDecoder: SemanticDecoder {
    public let outputChannels: Int
    public let language: LanguageFusion
    public let usesLaterals: Bool
    let conv1: Conv2DLayer
    let relu1 = ReLULayer()
    /// CLIPort's `text_fc` (Linear to 1024, trainable) between a DistilBERT feature and the sites.
    let textProjection: LinearLayer?
    let languageSites: [LanguageFusionLayer]
    let ups: [Sequential]                // up1...3 .conv.double_conv
    let upsample = [UpsampleLayer(), UpsampleLayer(), UpsampleLayer()]
    let latFusions: [Conv2DLayer]        // lat_fusion1...6 .conv.1 (empty without laterals)
    let latReLUs = (0..<6).map { _ in ReLULayer() }
    let decoders: [Sequential]           // dec1...3
    let conv2: Conv2DLayer

    private var concatSizes: [[Int]] = []
    private var latSizes: [[Int]] = []
    private var decodedSize = (0, 0)

    /// - Parameters:
    ///   - trunkChannels: channels of the trunk's layer1...layer4 (RN50: 256, 512, 1024, 2048).
    ///   - lateralChannels: the spatial stream's six lateral maps (`ResNet45.lateralChannels`); nil: no laterals.
    ///   - textDimension: the sentence feature's size (RN50 CLIP: 1024).
    ///   - textProjection: the output size of a trainable `text_fc` applied to the feature first (CLIPort's
    ///     RN50-BERT: 1024 from DistilBERT's 768); nil: none, as for CLIP's feature.
    public init<G: RandomNumberGenerator>(trunkChannels: [Int], lateralChannels: [Int]?, language: LanguageFusion,
                                          textDimension: Int = 1024, textProjection: Int? = nil, outputChannels: Int,
                                          width: Double = 1, using g: inout G) {
        precondition(trunkChannels.count == 4, "CLIPUNetDecoder: 4 trunk channel counts")
        precondition(lateralChannels.map { $0.count == 6 } ?? true, "CLIPUNetDecoder: 6 lateral channel counts")
        self.outputChannels = outputChannels; self.language = language; usesLaterals = lateralChannels != nil
        let c = { scaled($0, width) }
        conv1 = Conv2DLayer(name: "conv1.0", inChannels: trunkChannels[3], outChannels: c(1024), kernel: 3, padding: 1,
                            bias: false, using: &g)
        let projected = language == .none ? nil : textProjection
        self.textProjection = projected.map { LinearLayer(name: "text_fc", inFeatures: textDimension, outFeatures: $0, using: &g) }
        languageSites = [(1, 1024), (2, 512), (3, 256)].map {
            LanguageFusionLayer(fusion: language, site: $0.0, textDimension: projected ?? textDimension, channels: c($0.1), using: &g)
        }
        var ups: [Sequential] = []
        var latFusions: [Conv2DLayer] = []
        var x = c(1024)
        for (k, (skip, out)) in [(trunkChannels[2], c(512)), (trunkChannels[1], c(256)), (trunkChannels[0], c(128))].enumerated() {
            let inC = skip + x, mid = inC / 2
            let p = "up\(k + 1).conv.double_conv"
            ups.append(Sequential([
                Conv2DLayer(name: p + ".0", inChannels: inC, outChannels: mid, kernel: 3, padding: 1, bias: true, using: &g),
                BatchNormLayer(name: p + ".1", channels: mid), ReLULayer(),
                Conv2DLayer(name: p + ".3", inChannels: mid, outChannels: out, kernel: 3, padding: 1, bias: true, using: &g),
                BatchNormLayer(name: p + ".4", channels: out), ReLULayer()]))
            if let lateralChannels {
                latFusions.append(Conv2DLayer(name: "lat_fusion\(k + 1).conv.1", inChannels: out + lateralChannels[k],
                                              outChannels: out, kernel: 1, bias: false, using: &g))
            }
            x = out
        }
        var decoders: [Sequential] = []
        for (k, f) in [c(64), c(32), c(16)].enumerated() {
            decoders.append(Sequential(BottleneckBlock.pair("dec\(k + 1)", x, (f, f, f), using: &g) + [UpsampleLayer()]))
            if let lateralChannels {
                latFusions.append(Conv2DLayer(name: "lat_fusion\(k + 4).conv.1", inChannels: f + lateralChannels[k + 3],
                                              outChannels: f, kernel: 1, bias: false, using: &g))
            }
            x = f
        }
        self.ups = ups; self.latFusions = latFusions; self.decoders = decoders
        conv2 = Conv2DLayer(name: "conv2.0", inChannels: x, outChannels: outputChannels, kernel: 1, bias: true, using: &g)
    }

    public var usesLanguage: Bool { language != .none }

    public var parameters: [Parameter] {
        conv1.parameters + (textProjection?.parameters ?? []) + languageSites.flatMap { $0.parameters } + ups.flatMap { $0.parameters }
            + latFusions.flatMap { $0.parameters } + decoders.flatMap { $0.parameters } + conv2.parameters
    }

    public var batchNorms: [BatchNormLayer] { ups.flatMap { $0.layers.compactMap { $0 as? BatchNormLayer } } }

    public func forward(visual: Tensor, intermediates im: [Tensor], laterals: [Tensor], text: Tensor?,
                        outputSize: (Int, Int)) -> Tensor {
        precondition(im.count >= 4, "CLIPUNetDecoder: needs the trunk's intermediates")
        precondition(!usesLaterals || laterals.count == 6, "CLIPUNetDecoder: needs the spatial stream's 6 lateral maps")
        concatSizes = []; latSizes = []
        let text = text.map { t in textProjection?.forward(t) ?? t }
        let skips = [im[im.count - 2], im[im.count - 3], im[im.count - 4]]
        var x = relu1.forward(conv1.forward(visual))
        for k in 0..<3 {
            x = languageSites[k].forward(x, text: text)
            let up = upsample[k].forward(x)
            let cat = Concat.channels([skips[k], up])
            concatSizes.append([skips[k].shape[1], up.shape[1]])
            x = ups[k].forward(cat)
            if usesLaterals { x = lateral(x, laterals[k], k) }
        }
        for k in 0..<3 {
            x = decoders[k].forward(x)
            if usesLaterals { x = lateral(x, laterals[k + 3], k + 3) }
        }
        x = conv2.forward(x)
        decodedSize = (x.shape[2], x.shape[3])
        return BilinearResize.forward(x, height: outputSize.0, width: outputSize.1, alignCorners: false)
    }

    public func backward(_ gradOutput: Tensor) -> [Tensor] {
        var latGrads = [Tensor](repeating: .zeros([0]), count: usesLaterals ? 6 : 0)
        var g = BilinearResize.backward(gradOutput, inputHeight: decodedSize.0, inputWidth: decodedSize.1, alignCorners: false)
        g = conv2.backward(g)
        for k in stride(from: 2, through: 0, by: -1) {
            if usesLaterals {
                let (gx, gl) = lateralBackward(g, k + 3)
                latGrads[k + 3] = gl
                g = gx
            }
            g = decoders[k].backward(g)
        }
        for k in stride(from: 2, through: 0, by: -1) {
            if usesLaterals {
                let (gx, gl) = lateralBackward(g, k)
                latGrads[k] = gl
                g = gx
            }
            let parts = Concat.channelsBackward(ups[k].backward(g), channelCounts: concatSizes[k])   // trunk skip: frozen
            g = languageSites[k].backward(upsample[k].backward(parts[1]))
        }
        _ = conv1.backward(relu1.backward(g))
        if let textProjection {
            var gt = Tensor.zeros([1, textProjection.weight.value.shape[0]])
            for site in languageSites { if let t = site.textGradient { gt.add(t) } }
            _ = textProjection.backward(gt)
        }
        return latGrads
    }

    func lateral(_ x: Tensor, _ lat: Tensor, _ k: Int) -> Tensor {
        precondition(x.shape[2] == lat.shape[2] && x.shape[3] == lat.shape[3],
                     "CLIPUNetDecoder: lateral \(k) is \(lat.shape), decoder map is \(x.shape); input sizes must be multiples of 32")
        latSizes.append([x.shape[1], lat.shape[1]])
        return latFusions[k].forward(latReLUs[k].forward(Concat.channels([x, lat])))
    }

    func lateralBackward(_ g: Tensor, _ k: Int) -> (x: Tensor, lateral: Tensor) {
        let parts = Concat.channelsBackward(latReLUs[k].backward(latFusions[k].backward(g)), channelCounts: latSizes[k])
        return (parts[0], parts[1])
    }
}
