import CFFTW
import Foundation

/// The project's only door to FFTW: 2-D real-to-complex and complex-to-real transforms of one grid size,
/// with the spectra handed over split (real parts and imaginary parts apart), as `RealFFT2D` keeps them.
/// (FFTW's own split-array guru r2c gave wrong sums and crashed here; the interleaved plans plus one
/// copy do not.)
///
/// Plans are made once per grid and kept for the life of the process (FFTW's planner is not thread-safe,
/// so making them is serialised; executing them is). `FFTW_ESTIMATE` picks the algorithm from the sizes
/// alone, never from timings, so every run uses the same plan and gets the same sums.
public final class FFTWRealPlan2D: @unchecked Sendable {
    public let rows: Int, columns: Int
    /// Complex values of a half spectrum: rows x (columns / 2 + 1).
    public let halfCount: Int
    private let forwardPlan: fftwf_plan, inversePlan: fftwf_plan

    private static let lock = NSLock()
    nonisolated(unsafe) private static var plans: [[Int]: FFTWRealPlan2D] = [:]

    /// The plan for a rows x columns grid (made on first use).
    public static func shared(rows: Int, columns: Int) -> FFTWRealPlan2D {
        lock.lock(); defer { lock.unlock() }
        if let plan = plans[[rows, columns]] { return plan }
        let plan = FFTWRealPlan2D(rows: rows, columns: columns)
        plans[[rows, columns]] = plan
        return plan
    }

    /// Called with `lock` held.
    private init(rows: Int, columns: Int) {
        precondition(rows >= 1 && columns >= 1, "FFTWRealPlan2D: empty grid \(rows)x\(columns)")
        self.rows = rows; self.columns = columns
        halfCount = rows * (columns / 2 + 1)
        // Planned on buffers of the same alignment as every Buffers (fftwf_malloc), then freed.
        let b = Buffers(rows: rows, columns: columns)
        let flags = UInt32(FFTW_ESTIMATE)
        forwardPlan = fftwf_plan_dft_r2c_2d(Int32(rows), Int32(columns), b.grid, b.spectrum, flags)!
        inversePlan = fftwf_plan_dft_c2r_2d(Int32(rows), Int32(columns), b.spectrum, b.grid, flags | UInt32(FFTW_DESTROY_INPUT))!
    }

    /// Scratch for one thread: the real grid and an interleaved half spectrum, aligned as FFTW's SIMD
    /// code wants (the alignment the plans were made for).
    public final class Buffers: @unchecked Sendable {
        /// rows x columns real values, row-major.
        public let grid: UnsafeMutablePointer<Float>
        let spectrum: UnsafeMutablePointer<fftwf_complex>
        let halfCount: Int
        public init(rows: Int, columns: Int) {
            halfCount = rows * (columns / 2 + 1)
            grid = fftwf_alloc_real(rows * columns)!
            spectrum = fftwf_alloc_complex(halfCount)!
        }
        deinit { fftwf_free(grid); fftwf_free(spectrum) }
    }

    public func makeBuffers() -> Buffers { Buffers(rows: rows, columns: columns) }

    /// The half spectrum of buffers.grid (unnormalised), split into `real` and `imaginary` (halfCount each).
    public func forward(_ buffers: Buffers, real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>) {
        fftwf_execute_dft_r2c(forwardPlan, buffers.grid, buffers.spectrum)
        let s = UnsafeRawPointer(buffers.spectrum).assumingMemoryBound(to: Float.self)
        for i in 0..<halfCount { real[i] = s[2 * i]; imaginary[i] = s[2 * i + 1] }
    }

    /// buffers.grid = the real image of the split half spectrum `real`, `imaginary`, times rows·columns.
    public func inverse(_ buffers: Buffers, real: UnsafePointer<Float>, imaginary: UnsafePointer<Float>) {
        let s = UnsafeMutableRawPointer(buffers.spectrum).assumingMemoryBound(to: Float.self)
        for i in 0..<halfCount { s[2 * i] = real[i]; s[2 * i + 1] = imaginary[i] }
        fftwf_execute_dft_c2r(inversePlan, buffers.spectrum, buffers.grid)
    }
}
