/// Counts the floating-point operations (2 per multiply-add) the matrix products of the model perform,
/// for benchmarks' GFLOP/s. Convolutions, the correlation and linear layers add to it; pointwise work
/// is not counted. Not thread-safe: benchmarks run one pass at a time.
public enum FlopCounter {
    nonisolated(unsafe) public static var total: Double = 0

    @inlinable
    static func add(_ flops: Double) { total += flops }

    /// Runs `body` and returns its result with the FLOPs it performed.
    public static func measure<T>(_ body: () throws -> T) rethrows -> (result: T, flops: Double) {
        let start = total
        let r = try body()
        return (r, total - start)
    }
}
