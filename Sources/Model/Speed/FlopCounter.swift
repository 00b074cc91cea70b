import Synchronization

/// Counts the floating-point operations (2 per multiply-add) the matrix products of the model perform,
/// for benchmarks' GFLOP/s. Convolutions, the correlation and linear layers add to it; pointwise work
/// is not counted. A convolution counts what the direct (im2col) product does, also when it runs as
/// Winograd's transforms with 2.25x fewer multiply-adds: the rates are direct-convolution equivalents.
/// Safe to add from concurrent branches (`ConcurrentBranches`).
public enum FlopCounter {
    private static let count = Mutex<Double>(0)

    public static var total: Double { count.withLock { $0 } }

    static func add(_ flops: Double) { count.withLock { $0 += flops } }

    /// Runs `body` and returns its result with the FLOPs it performed.
    public static func measure<T>(_ body: () throws -> T) rethrows -> (result: T, flops: Double) {
        let start = total
        let r = try body()
        return (r, total - start)
    }
}
