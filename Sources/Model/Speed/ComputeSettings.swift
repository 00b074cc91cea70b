/// How the layers compute, never what: block sizes, algorithm choices and threading, each a knob that
/// benchmarks and tests turn to compare paths or exercise the blocked ones on tiny inputs. Every
/// setting gives the same numbers up to Float32 round-off.
///
/// One value in effect per task (a task-local), set for a scope with `ComputeSettings.with`, so a test
/// or benchmark that turns a knob cannot leak it into others. The value follows the work onto the
/// threads the model starts (`ConcurrentBranches`, `parallelFor`, the FFT workers).
public struct ComputeSettings: Equatable, Sendable {
    /// Conv2D: most floats one im2col block may hold (8M = 32 MB).
    public var columnBufferLimit = 1 << 23

    /// Conv2D: the same limit for the forward products (also dL/dinput as a convolution), at most
    /// `columnBufferLimit`: blocks that stay in cache between im2col and the GEMM that reads them.
    /// (The weight-gradient products keep the larger blocks: their GEMMs sum over a block's columns.)
    public var forwardColumnLimit = 1 << 21

    /// Conv2D: multiply-adds from which a lone image is convolved in two halves
    /// (`ConvGeometry.splitsImage`); a thread start costs about what 4M multiply-adds do.
    public var imageSplitWork = 1 << 25

    /// Conv2D: whether 3x3 same-size convolutions (forward, and dL/dinput as a convolution) use
    /// Winograd's F(2x2, 3x3) (`WinogradConvolution`).
    public var usesWinograd = true

    /// Conv2D: whether stride-1 backward computes dL/dinput as a convolution of dY rather than by
    /// GEMM + col2im.
    public var inputGradientAsConvolution = true

    /// Winograd: the fewest tiles a block's products get (small deep maps), whatever the column limit.
    public var winogradMinimumTiles = 512

    /// FFTCorrelation: power-of-two grids (512 x 256 for CLIPort) instead of the smallest 2·3·5-smooth
    /// ones (384 x 225); the smooth ones measured about 1.5x faster.
    public var fftPowerOfTwoGrid = false

    /// FFTCorrelation: whose FFTs (`FFTLibrary`). The Stockham FFTs measured 1.5-1.6x faster than FFTW's
    /// estimated plans on the transport's grid (docs/benchmarks.md).
    public var fftLibrary = FFTLibrary.stockham

    /// Conv2D: which directions oneDNN computes (the rest, and any shape oneDNN cannot do, use the
    /// project's im2col, row-tap and Winograd kernels). Chosen by `cliport bench kernels` (docs/benchmarks.md).
    public var convolutionLibrary = ConvolutionLibraryUse.measuredBest

    /// Correlation: output columns per block.
    public var correlationBlockColumns = 16384

    /// ConcurrentBranches: whether `run` may use a second thread.
    public var concurrentBranches = true

    public init() {}

    /// The settings in effect.
    @TaskLocal public static var current = ComputeSettings()

    /// Runs `body` with `settings` in effect.
    public static func with<R>(_ settings: ComputeSettings, _ body: () throws -> R) rethrows -> R {
        try $current.withValue(settings) { try body() }
    }

    /// Runs `body` with the settings in effect changed by `change`.
    public static func with<R>(_ change: (inout ComputeSettings) -> Void, _ body: () throws -> R) rethrows -> R {
        var settings = current
        change(&settings)
        return try with(settings, body)
    }
}

/// Whose FFTs `FFTCorrelation` runs.
public enum FFTLibrary: String, CaseIterable, Codable, Sendable {
    /// FFTW 3 (single precision, `FFTW_ESTIMATE` plans).
    case fftw
    /// The project's Stockham FFT (`FFTPlan`, radix 4/2/3/5).
    case stockham
}

/// Which convolutions, and which of their directions, oneDNN computes. Decided by shapes alone, so a
/// step's sums never depend on timing.
public struct ConvolutionLibraryUse: Equatable, Sendable {
    public enum Scope: Equatable, Sendable {
        /// Every convolution oneDNN has an implementation for.
        case every
        /// The 3x3 convolutions where oneDNN's direct convolution measured faster than or as fast as the
        /// project's kernels on CLIPort's steps at widths 1 and 0.5 (`cliport bench kernels`,
        /// docs/benchmarks.md): every stride-2 one (the ResNets' downsampling), the 36 query crops'
        /// stride-1 ones, and a lone image's stride-1 ones with fewer than 64 input channels. Not the
        /// first layers (fewer than 8 input channels) nor lone images with 64 or more channels, where
        /// Winograd F(2x2, 3x3) was faster, nor any 1x1 convolution, where the plain products were.
        case measured
    }
    public var forward: Bool
    public var inputGradient: Bool
    public var weightGradient: Bool
    public var scope: Scope
    public init(forward: Bool, inputGradient: Bool, weightGradient: Bool, scope: Scope = .every) {
        self.forward = forward; self.inputGradient = inputGradient; self.weightGradient = weightGradient
        self.scope = scope
    }
    /// The project's kernels everywhere.
    public static let none = ConvolutionLibraryUse(forward: false, inputGradient: false, weightGradient: false)
    /// oneDNN everywhere it has an implementation.
    public static let all = ConvolutionLibraryUse(forward: true, inputGradient: true, weightGradient: true)
    /// The choice measured on CLIPort's steps (docs/benchmarks.md, "Kept libraries against hand-written kernels").
    public static let measuredBest = ConvolutionLibraryUse(forward: true, inputGradient: true, weightGradient: true,
                                                           scope: .measured)

    /// Whether oneDNN is asked for a convolution of `images` images of `channels` channels with this kernel
    /// and stride at all.
    public func covers(images: Int, channels: Int, kernelHeight: Int, kernelWidth: Int, strideH: Int, strideW: Int) -> Bool {
        switch scope {
        case .every:
            return true
        case .measured:
            guard kernelHeight == 3 && kernelWidth == 3 && channels >= 8 else { return false }
            return (strideH == 2 && strideW == 2) || (strideH == 1 && strideW == 1 && (images > 1 || channels < 64))
        }
    }
}
