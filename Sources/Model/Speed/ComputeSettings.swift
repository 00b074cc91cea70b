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
