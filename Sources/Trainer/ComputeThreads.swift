import BLAS
import Foundation
import Model

/// BLAS threads for training and evaluation: the cores shared by the processes on this machine
/// (`OMPI_COMM_WORLD_LOCAL_SIZE` or `SLURM_NTASKS_PER_NODE` data-parallel ranks), at least one.
public enum ComputeThreads {
    /// The thread counts one may ask for.
    public static let range = 1...1024

    /// Selects OpenBLAS's best kernels for this CPU, keeps freed tensor memory for reuse (`HeapReuse`)
    /// and sets the BLAS thread count; returns the count.
    @discardableResult
    public static func configure(threads: Int? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        BLAS.useBestKernels()
        HeapReuse.enable()
        let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init)
            ?? environment["SLURM_NTASKS_PER_NODE"].flatMap(Int.init) ?? 1
        let count = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / max(local, 1))
        BLAS.threadCount = count
        return count
    }
}
