import COpenBLAS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The project's only door to OpenBLAS: single-precision matrix multiply and thread control.
///
/// Matrices are row-major (C order), as everywhere in the project. `lda`, `ldb` and `ldc` are the
/// row strides of the matrices as stored (before any transpose), so a sub-block of a larger row-major
/// matrix is passed by pointing at its first element and giving the parent's row length.
public enum BLAS {
    /// C = alpha * op(A) * op(B) + beta * C, with op(A) of shape m x k and op(B) of shape k x n.
    ///
    /// - Parameters:
    ///   - transposeA: when true, `a` holds A stored as k x m (so op(A) = A^T is m x k).
    ///   - transposeB: when true, `b` holds B stored as n x k.
    @inlinable
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative dimension m=\(m) n=\(n) k=\(k)")
        if m == 0 || n == 0 { return }
        precondition(lda >= max(1, transposeA ? m : k), "sgemm: lda \(lda) too small")
        precondition(ldb >= max(1, transposeB ? k : n), "sgemm: ldb \(ldb) too small")
        precondition(ldc >= max(1, n), "sgemm: ldc \(ldc) too small")
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// Number of threads OpenBLAS uses for one call. Setting it changes it process-wide.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// Ends OpenBLAS's worker threads until the next BLAS call starts them again. OpenBLAS starts them
    /// when the library loads, and each spins on `sched_yield` for about a quarter of a second before it
    /// sleeps: a tenth of a CPU-second or more for every process that never multiplies a matrix (a demo
    /// worker), taken from the work running beside it. Call it at program start.
    public static func stopWorkerThreads() { blas_thread_shutdown_() }

    /// Number of processors OpenBLAS detected.
    public static var processorCount: Int { Int(openblas_get_num_procs()) }

    /// The kernel family OpenBLAS picked for this CPU, e.g. "Cooperlake" or "Haswell".
    public static var coreName: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }

    /// OpenBLAS build configuration, e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ... MAX_THREADS=64".
    public static var configuration: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p)
    }

    /// Threading model: 0 sequential, 1 pthreads, 2 OpenMP.
    public static var parallelism: Int { Int(openblas_get_parallel()) }

    /// Re-selects OpenBLAS's kernels for `coreType` (an `OPENBLAS_CORETYPE` name such as "SkylakeX" or
    /// "Haswell"). Call it before any other BLAS work and never while a BLAS call runs on another
    /// thread. Returns the core name in use afterwards.
    @discardableResult
    public static func selectCore(_ coreType: String) -> String {
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        gotoblas_dynamic_quit()
        gotoblas_dynamic_init()
        return coreName
    }

    /// The kernel family asked for with `OPENBLAS_CORETYPE`, if any. OpenBLAS silently ignores a name it
    /// does not know (and keeps the one it detected), so compare with `coreName` before trusting it.
    public static var requestedCoreType: String? {
        guard let p = getenv("OPENBLAS_CORETYPE"), p.pointee != 0 else { return nil }
        return String(cString: p)
    }

    /// The best kernel family this CPU supports, read from /proc/cpuinfo: "SkylakeX" with AVX-512
    /// (F, BW, VL), "Haswell" with AVX2 and FMA, nil otherwise (or off Linux).
    public static var preferredCoreType: String? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// OpenBLAS 0.3.21 does not know recent CPUs and falls back to its slowest kernels ("Prescott").
    /// Unless the user chose a core with OPENBLAS_CORETYPE, switch to the best family the CPU
    /// supports. Returns the core name in use. Idempotent; call once at program start.
    @discardableResult
    public static func useBestKernels() -> String {
        if requestedCoreType != nil { return coreName }
        let current = coreName
        guard ["Prescott", "Core2", "Penryn", "Nehalem", "Sandybridge", "unknown"].contains(current),
              let preferred = preferredCoreType else { return current }
        return selectCore(preferred)
    }
}
