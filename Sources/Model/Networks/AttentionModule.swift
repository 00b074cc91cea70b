/// CLIPort's pick module (`models/core/attention.py`) around one FCN with 1 output channel.
///
/// The raw observation [6, H, W] (colour 0-255, heights in metres) is zero-padded to a square
/// (320x160 → 320x320: 80 columns each side), rotated by each of `rotations` angles i·360/k about the
/// centre, normalised, passed through the FCN, rotated back, and cropped to H x W. Logits come out as
/// [k, H, W] (rotation, row, column); CLIPort flattens them (row, column, rotation) for its softmax,
/// which is the same distribution. With k = 1 (CLIPort's pick) the rotation is the identity and is
/// skipped.
public final class AttentionModule {
    public let network: DenseNetwork
    public let rotations: Int
    private var padding = (top: 0, left: 0)
    private var paddedSize = (0, 0)
    private var imageSize = (0, 0)

    public init(network: DenseNetwork, rotations: Int = 1) {
        precondition(rotations >= 1, "AttentionModule: rotations must be >= 1")
        self.network = network; self.rotations = rotations
    }

    /// A one-stream module around a Transporter FCN with Transporter normalisation.
    public convenience init(network: Layer, rotations: Int = 1) {
        self.init(network: SpatialStream(network), rotations: rotations)
    }

    public var parameters: [Parameter] { network.parameters }

    var specs: [RotationSpec] {
        (0..<rotations).map { i in
            RotationSpec(degrees: Double(i) * 360 / Double(rotations),
                         pivotRow: Double(paddedSize.0 / 2), pivotColumn: Double(paddedSize.1 / 2))
        }
    }

    /// Logits [rotations, H, W] for a raw image [6, H, W] (or [1, 6, H, W]) and, for language-
    /// conditioned networks, the instruction's sentence feature [1, E].
    public func forward(_ image: Tensor, text: Tensor? = nil) -> Tensor {
        let x = image.rank == 3 ? image.reshaped([1] + image.shape) : image
        let (_, c, h, w) = x.nchw
        imageSize = (h, w)
        let side = max(h, w)
        padding = ((side - h) / 2, (side - w) / 2)
        paddedSize = (side, side)
        var input = ZeroPad.forward(x, top: padding.top, bottom: side - h - padding.top,
                                    left: padding.left, right: side - w - padding.left)
        if rotations > 1 { input = ImageRotation.forward(input, specs: specs) }
        var logits = network.forward(input, text: text)
        precondition(logits.shape == [rotations, 1, side, side],
                     "AttentionModule: network returned \(logits.shape), expected [\(rotations), 1, \(side), \(side)]")
        if rotations > 1 { logits = ImageRotation.forward(logits, specs: reversed(specs)) }
        let out = Crop.forward(logits, PixelWindow(top: padding.top, left: padding.left, height: h, width: w))
        _ = c
        return out.reshaped([rotations, h, w])
    }

    /// Backward from dL/dlogits [rotations, H, W] into the network's parameters.
    public func backward(_ gradLogits: Tensor) {
        let side = paddedSize.0
        var g = Crop.backward(gradLogits.reshaped([rotations, 1, imageSize.0, imageSize.1]),
                              inputShape: [rotations, 1, side, side],
                              PixelWindow(top: padding.top, left: padding.left, height: imageSize.0, width: imageSize.1))
        if rotations > 1 { g = ImageRotation.backward(g, inputShape: g.shape, specs: reversed(specs)) }
        network.backward(g)
    }

    private func reversed(_ s: [RotationSpec]) -> [RotationSpec] {
        s.map { var r = $0; r.degrees = -r.degrees; return r }
    }
}
