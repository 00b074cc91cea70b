/// CLIPort's semantic stream decoder (`models/clip_lingunet_lat.py`), trainable, fed by the frozen
/// CLIP trunk's maps, the sentence feature and the spatial stream's lateral maps.
///
///     conv1 (3x3, no bias) + ReLU              → lang1: x ⊙ tile(Linear(g))
///     up1: ×2 (align corners), cat[CLIP layer3, x], DoubleConv → lat1: 1x1(ReLU(cat[x, lat[-6]]))
///     lang2 → up2 (CLIP layer2) → lat2 → lang3 → up3 (CLIP layer1) → lat3
///     dec1 (ConvBlock+IdentityBlock, ×2) → lat4 → dec2 → lat5 → dec3 → lat6 → conv2 (1x1, bias)
///     → bilinear resize to the input size (align_corners False)
///
/// DoubleConv = (3x3 conv with bias + BatchNorm + ReLU) x 2, its middle width half its input (the
/// batch norms CLIPort "forgot to remove"; training form). Parameter names follow the PyTorch module.
/// `width` scales the decoder's own channels; the CLIP channels come from the trunk.
public final class CLIPLingUNetLat {
    public let outputChannels: Int
    let conv1: Conv2DLayer
    let relu1 = ReLULayer()
    let langProj: [LinearLayer]          // lang_proj1...3
    let ups: [Sequential]                // up1...3 .conv.double_conv
    let upsample = [UpsampleLayer(), UpsampleLayer(), UpsampleLayer()]
    let latFusions: [Conv2DLayer]        // lat_fusion1...6 .conv.1
    let latReLUs = (0..<6).map { _ in ReLULayer() }
    let decoders: [Sequential]           // dec1...3
    let conv2: Conv2DLayer

    // Forward state for backward.
    private var langFactors: [Tensor] = []
    private var langInputs: [Tensor] = []
    private var text: Tensor = .zeros([0])
    private var concatSizes: [[Int]] = []
    private var latSizes: [[Int]] = []
    private var decodedSize = (0, 0)

    /// - Parameters:
    ///   - clipChannels: channels of CLIP layer1...layer4 (RN50: 256, 512, 1024, 2048).
    ///   - lateralChannels: channels of the spatial stream's six lateral maps (ResNet45.lateralChannels).
    ///   - textDimension: the sentence feature's size (RN50: 1024).
    public init<G: RandomNumberGenerator>(clipChannels: [Int], lateralChannels: [Int], textDimension: Int = 1024,
                                          outputChannels: Int, width: Double = 1, using g: inout G) {
        precondition(clipChannels.count == 4 && lateralChannels.count == 6, "CLIPLingUNetLat: 4 CLIP and 6 lateral channel counts")
        self.outputChannels = outputChannels
        let c = { scaled($0, width) }
        conv1 = Conv2DLayer(name: "conv1.0", inChannels: clipChannels[3], outChannels: c(1024), kernel: 3, padding: 1, bias: false, using: &g)
        langProj = [(1, 1024), (2, 512), (3, 256)].map {
            LinearLayer(name: "lang_proj\($0.0)", inFeatures: textDimension, outFeatures: c($0.1), using: &g)
        }
        var ups: [Sequential] = []
        var latFusions: [Conv2DLayer] = []
        var x = c(1024)
        for (k, (skip, out)) in [(clipChannels[2], c(512)), (clipChannels[1], c(256)), (clipChannels[0], c(128))].enumerated() {
            let inC = skip + x, mid = inC / 2
            let p = "up\(k + 1).conv.double_conv"
            ups.append(Sequential([
                Conv2DLayer(name: p + ".0", inChannels: inC, outChannels: mid, kernel: 3, padding: 1, bias: true, using: &g),
                BatchNormLayer(name: p + ".1", channels: mid), ReLULayer(),
                Conv2DLayer(name: p + ".3", inChannels: mid, outChannels: out, kernel: 3, padding: 1, bias: true, using: &g),
                BatchNormLayer(name: p + ".4", channels: out), ReLULayer()]))
            latFusions.append(Conv2DLayer(name: "lat_fusion\(k + 1).conv.1", inChannels: out + lateralChannels[k],
                                          outChannels: out, kernel: 1, bias: false, using: &g))
            x = out
        }
        var decoders: [Sequential] = []
        for (k, f) in [c(64), c(32), c(16)].enumerated() {
            decoders.append(Sequential(BottleneckBlock.pair("dec\(k + 1)", x, (f, f, f), using: &g) + [UpsampleLayer()]))
            latFusions.append(Conv2DLayer(name: "lat_fusion\(k + 4).conv.1", inChannels: f + lateralChannels[k + 3],
                                          outChannels: f, kernel: 1, bias: false, using: &g))
            x = f
        }
        self.ups = ups; self.latFusions = latFusions; self.decoders = decoders
        conv2 = Conv2DLayer(name: "conv2.0", inChannels: x, outChannels: outputChannels, kernel: 1, bias: true, using: &g)
    }

    public var parameters: [Parameter] {
        conv1.parameters + langProj.flatMap { $0.parameters } + ups.flatMap { $0.parameters }
            + latFusions.flatMap { $0.parameters } + decoders.flatMap { $0.parameters } + conv2.parameters
    }

    /// The batch-norm layers (their running statistics belong in checkpoints).
    public var batchNorms: [BatchNormLayer] { ups.flatMap { $0.layers.compactMap { $0 as? BatchNormLayer } } }

    /// - Parameters:
    ///   - clip: CLIP layer4 output [N, C4, h, w] and intermediates as `CLIPVisualTrunk` returns them.
    ///   - laterals: the spatial stream's six lateral maps.
    ///   - text: the sentence feature [1, E], shared by the whole batch.
    ///   - outputSize: the input image's (H, W).
    public func forward(clip: Tensor, clipIntermediates im: [Tensor], laterals: [Tensor], text: Tensor,
                        outputSize: (Int, Int)) -> Tensor {
        precondition(laterals.count == 6 && im.count >= 4, "CLIPLingUNetLat: needs 6 laterals and CLIP's intermediates")
        self.text = text
        langFactors = []; langInputs = []; concatSizes = []; latSizes = []
        let skips = [im[im.count - 2], im[im.count - 3], im[im.count - 4]]
        var x = relu1.forward(conv1.forward(clip))
        for k in 0..<3 {
            x = languageProduct(x, k)
            let up = upsample[k].forward(x)
            let cat = Concat.channels([skips[k], up])
            concatSizes.append([skips[k].shape[1], up.shape[1]])
            x = ups[k].forward(cat)
            x = lateral(x, laterals[k], k)
        }
        for k in 0..<3 {
            x = decoders[k].forward(x)
            x = lateral(x, laterals[k + 3], k + 3)
        }
        x = conv2.forward(x)
        decodedSize = (x.shape[2], x.shape[3])
        return BilinearResize.forward(x, height: outputSize.0, width: outputSize.1, alignCorners: false)
    }

    /// Accumulates parameter gradients and returns dL/dlaterals (for the spatial stream's backward).
    public func backward(_ gradOutput: Tensor) -> [Tensor] {
        var latGrads = [Tensor](repeating: .zeros([0]), count: 6)
        var g = BilinearResize.backward(gradOutput, inputHeight: decodedSize.0, inputWidth: decodedSize.1, alignCorners: false)
        g = conv2.backward(g)
        for k in stride(from: 2, through: 0, by: -1) {
            let (gx, gl) = lateralBackward(g, k + 3)
            latGrads[k + 3] = gl
            g = decoders[k].backward(gx)
        }
        for k in stride(from: 2, through: 0, by: -1) {
            let (gx, gl) = lateralBackward(g, k)
            latGrads[k] = gl
            let gcat = ups[k].backward(gx)
            let parts = Concat.channelsBackward(gcat, channelCounts: concatSizes[k])   // CLIP skip: frozen
            g = upsample[k].backward(parts[1])
            g = languageProductBackward(g, k)
        }
        g = conv1.backward(relu1.backward(g))
        return latGrads
    }

    /// x ⊙ tile(Linear_k(text)) over batch and space (CLIPort's `FusionMult`).
    func languageProduct(_ x: Tensor, _ k: Int) -> Tensor {
        let n = x.shape[0]
        let f = langProj[k].forward(text)   // [1, C]
        let factors = Tensor(shape: [n, f.count], scalars: Array([[Float]](repeating: f.scalars, count: n).joined()))
        langFactors.append(factors); langInputs.append(x)
        return Elementwise.multiplyChannels(x, factors)
    }

    func languageProductBackward(_ g: Tensor, _ k: Int) -> Tensor {
        let (gx, gf) = Elementwise.multiplyChannelsBackward(g, langInputs[k], langFactors[k])
        // The projection was tiled over the batch: its gradient is the batch sum.
        let c = gf.shape[1]
        var sum = Tensor.zeros([1, c])
        for b in 0..<gf.shape[0] { for i in 0..<c { sum.scalars[i] += gf.scalars[b * c + i] } }
        _ = langProj[k].backward(sum)
        return gx
    }

    /// `FusionConvLat`: 1x1 conv (no bias) of ReLU(cat[x, lateral]).
    func lateral(_ x: Tensor, _ lat: Tensor, _ k: Int) -> Tensor {
        precondition(x.shape[2] == lat.shape[2] && x.shape[3] == lat.shape[3],
                     "CLIPLingUNetLat: lateral \(k) is \(lat.shape), decoder map is \(x.shape); input sizes must be multiples of 32")
        latSizes.append([x.shape[1], lat.shape[1]])
        return latFusions[k].forward(latReLUs[k].forward(Concat.channels([x, lat])))
    }

    func lateralBackward(_ g: Tensor, _ k: Int) -> (x: Tensor, lateral: Tensor) {
        let parts = Concat.channelsBackward(latReLUs[k].backward(latFusions[k].backward(g)), channelCounts: latSizes[k])
        return (parts[0], parts[1])
    }
}
