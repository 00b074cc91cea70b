/// CLIPort's place module (`models/core/transport.py`) around a key FCN and a query FCN.
///
/// The raw observation [6, H, W] is padded by `cropSize/2` on every side (320x160 → 384x224). The
/// pivot is the pick pixel + pad. The padded image, rotated by i·360/k degrees (k = 36) about the
/// pivot (kornia convention, see `ImageRotation`), gives k crops of cropSize² around the pivot: the
/// query batch. Key = keyNet(padded) [1, D, 384, 224]; kernels = queryNet(crops) [k, D, 64, 64];
/// correlation at padding cropSize/2 (through FFTs: `FFTCorrelation`) → [1, k, 385, 225], bilinear resize (align_corners False) to
/// 384x224, crop the pad → logits [k, H, W] (rotation, row, column).
public final class TransportModule {
    public let keyNetwork: DenseNetwork
    public let queryNetwork: DenseNetwork
    public let rotations: Int
    public let cropSize: Int
    /// Which kornia `warp_affine` convention the crops follow (CLIPort pins kornia 0.4.1: false).
    public var alignCorners = false

    private var key = Tensor.zeros([0]), kernels = Tensor.zeros([0])
    private var correlationSize = (0, 0), paddedSize = (0, 0), imageSize = (0, 0)
    private var window: PixelWindow?
    /// The key and kernel spectra of the last forward, reused by its backward (about 38 MB at CLIPort's size).
    private let correlationSaved = FFTCorrelation.Saved()

    public init(keyNetwork: DenseNetwork, queryNetwork: DenseNetwork, rotations: Int = 36, cropSize: Int = 64) {
        precondition(cropSize % 2 == 0, "TransportModule: crop size must be even")
        self.keyNetwork = keyNetwork; self.queryNetwork = queryNetwork
        self.rotations = rotations; self.cropSize = cropSize
    }

    /// A one-stream module around two Transporter FCNs with Transporter normalisation.
    public convenience init(keyNetwork: Layer, queryNetwork: Layer, rotations: Int = 36, cropSize: Int = 64) {
        self.init(keyNetwork: SpatialStream(keyNetwork), queryNetwork: SpatialStream(queryNetwork),
                  rotations: rotations, cropSize: cropSize)
    }

    public var parameters: [Parameter] { keyNetwork.parameters + queryNetwork.parameters }

    var pad: Int { cropSize / 2 }

    /// The k rotated crops [k, 6, cropSize, cropSize] of the padded raw image around the pick pixel.
    public func crops(padded: Tensor, pickRow: Int, pickColumn: Int) -> Tensor {
        let pr = pickRow + pad, pc = pickColumn + pad
        let specs = (0..<rotations).map { i in
            RotationSpec(degrees: Double(i) * 360 / Double(rotations), pivotRow: Double(pr), pivotColumn: Double(pc),
                         alignCorners: alignCorners)
        }
        return ImageRotation.forward(padded, specs: specs,
                                     window: PixelWindow(top: pr - pad, left: pc - pad, height: cropSize, width: cropSize))
    }

    /// Logits [rotations, H, W] for a raw image [6, H, W], the pick pixel (row, column) and, for
    /// language-conditioned networks, the sentence feature [1, E].
    public func forward(_ image: Tensor, pickRow: Int, pickColumn: Int, text: Tensor? = nil) -> Tensor {
        let x = image.rank == 3 ? image.reshaped([1] + image.shape) : image
        let (_, _, h, w) = x.nchw
        precondition(pickRow >= 0 && pickRow < h && pickColumn >= 0 && pickColumn < w,
                     "TransportModule: pick pixel (\(pickRow), \(pickColumn)) outside the \(h)x\(w) image")
        imageSize = (h, w)
        let padded = ZeroPad.forward(x, top: pad, bottom: pad, left: pad, right: pad)
        paddedSize = (padded.shape[2], padded.shape[3])
        let query = crops(padded: padded, pickRow: pickRow, pickColumn: pickColumn)
        ConcurrentBranches.run({ self.key = self.keyNetwork.forward(padded, text: text) },
                               { self.kernels = self.queryNetwork.forward(query, text: text) })
        // Only the correlation pixels the resize reads for the kept (uncropped) area are computed.
        let corrH = paddedSize.0 + 2 * pad - cropSize + 1, corrW = paddedSize.1 + 2 * pad - cropSize + 1
        let rows = BilinearResize.sourceRange(input: corrH, output: paddedSize.0, alignCorners: false, reading: pad..<(pad + h))
        let cols = BilinearResize.sourceRange(input: corrW, output: paddedSize.1, alignCorners: false, reading: pad..<(pad + w))
        window = PixelWindow(top: rows.lowerBound, left: cols.lowerBound, height: rows.count, width: cols.count)
        let corr = FFTCorrelation.forward(key: key, kernels: kernels, window: window, saved: correlationSaved)
        correlationSize = (corr.shape[2], corr.shape[3])
        let resized = BilinearResize.forward(corr, height: paddedSize.0, width: paddedSize.1, alignCorners: false)
        return Crop.forward(resized, PixelWindow(top: pad, left: pad, height: h, width: w)).reshaped([rotations, h, w])
    }

    /// Backward from dL/dlogits [rotations, H, W] into both networks' parameters.
    public func backward(_ gradLogits: Tensor) {
        let k = kernels.shape[0]
        let g = Crop.backward(gradLogits.reshaped([1, k, imageSize.0, imageSize.1]),
                              inputShape: [1, k, paddedSize.0, paddedSize.1],
                              PixelWindow(top: pad, left: pad, height: imageSize.0, width: imageSize.1))
        let gc = BilinearResize.backward(g, inputHeight: correlationSize.0, inputWidth: correlationSize.1, alignCorners: false)
        let grads = FFTCorrelation.backward(gc, key: key, kernels: kernels, window: window, saved: correlationSaved)
        ConcurrentBranches.run({ self.keyNetwork.backward(grads.key!) }, { self.queryNetwork.backward(grads.kernels) })
        // The image-goal query's goal network is a twin of the key's: one set of weights, two uses.
        (queryNetwork as? GoalSumStream)?.foldTiedGradients()
    }
}
