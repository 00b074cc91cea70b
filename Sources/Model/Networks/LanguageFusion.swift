/// How a semantic decoder conditions its maps on the sentence feature g [1, E] (CLIPort's
/// `lang_fusion_type`, at the three places after the bottleneck).
public enum LanguageFusion: String, Sendable, CaseIterable {
    /// No language: CLIPort's `…unet…` decoders.
    case none
    /// `mult`: x ⊙ tile(Linear(g)) (LingUNet; CLIPort's default).
    case product
    /// `film`: x ⊙ tile(Linear_γ(g)) + tile(Linear_β(g)) (`CLIPFilmLingUNet`).
    case film
}

/// One language-conditioning site of a decoder: the projection(s) of g to the map's C channels, tiled
/// over the batch and the image, multiplied in (and for FiLM added). Parameter names follow CLIPort:
/// `lang_proj<k>` for the product, `lang_gamma<k>` and `lang_beta<k>` for FiLM.
public final class LanguageFusionLayer {
    public let fusion: LanguageFusion
    let scale: LinearLayer?
    let shift: LinearLayer?
    private var input = Tensor.zeros([0]), factors = Tensor.zeros([0])
    /// dL/dtext of the last backward ([1, E]; nil without language): what a trainable text projection
    /// before the sites (`text_fc`) is trained with.
    public private(set) var textGradient: Tensor?

    public init<G: RandomNumberGenerator>(fusion: LanguageFusion, site: Int, textDimension: Int, channels: Int, using g: inout G) {
        self.fusion = fusion
        switch fusion {
        case .none:
            scale = nil; shift = nil
        case .product:
            scale = LinearLayer(name: "lang_proj\(site)", inFeatures: textDimension, outFeatures: channels, using: &g)
            shift = nil
        case .film:
            scale = LinearLayer(name: "lang_gamma\(site)", inFeatures: textDimension, outFeatures: channels, using: &g)
            shift = LinearLayer(name: "lang_beta\(site)", inFeatures: textDimension, outFeatures: channels, using: &g)
        }
    }

    public var parameters: [Parameter] { (scale?.parameters ?? []) + (shift?.parameters ?? []) }

    /// x [N, C, H, W] conditioned on `text` [1, E] (x itself without language).
    public func forward(_ x: Tensor, text: Tensor?) -> Tensor {
        guard let scale else { return x }
        guard let text else { preconditionFailure("LanguageFusionLayer: a language-conditioned decoder needs the sentence feature") }
        let n = x.shape[0]
        factors = Self.tiled(scale.forward(text), batch: n)
        input = x
        var y = Elementwise.multiplyChannels(x, factors)
        if let shift {
            let offsets = Self.tiled(shift.forward(text), batch: n)
            let (_, c, h, w) = y.nchw
            let plane = h * w
            y.scalars.withUnsafeMutableBufferPointer { yp in
                for i in 0..<(n * c) {
                    let b = offsets.scalars[i]
                    for j in 0..<plane { yp[i * plane + j] += b }
                }
            }
        }
        return y
    }

    /// dL/dx; the projections' gradients (summed over the batch the feature was tiled over) are accumulated.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let scale else { return gradOutput }
        let (gx, gf) = Elementwise.multiplyChannelsBackward(gradOutput, input, factors)
        var gt = scale.backward(Self.batchSum(gf))
        if let shift {
            let (n, c, h, w) = gradOutput.nchw
            var gb = Tensor.zeros([1, c])
            let plane = h * w
            gradOutput.scalars.withUnsafeBufferPointer { gp in
                for b in 0..<n {
                    for ch in 0..<c {
                        var s: Double = 0
                        let base = (b * c + ch) * plane
                        for j in 0..<plane { s += Double(gp[base + j]) }
                        gb.scalars[ch] += Float(s)
                    }
                }
            }
            gt.add(shift.backward(gb))
        }
        textGradient = gt
        return gx
    }

    static func tiled(_ f: Tensor, batch n: Int) -> Tensor {
        Tensor(shape: [n, f.count], scalars: Array([[Float]](repeating: f.scalars, count: n).joined()))
    }

    static func batchSum(_ g: Tensor) -> Tensor {
        let c = g.shape[1]
        var sum = Tensor.zeros([1, c])
        for b in 0..<g.shape[0] { for i in 0..<c { sum.scalars[i] += g.scalars[b * c + i] } }
        return sum
    }
}
