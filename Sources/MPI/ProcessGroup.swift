import CMPI
import Foundation

/// The processes of one data-parallel job: this process's rank and the world size, and the collective
/// operations training needs. One process alone (size 1) never initialises MPI, so `cliport train`
/// without a launcher needs no MPI runtime; under `mpirun`, `srun` or `torchrun`-style variables it
/// joins MPI_COMM_WORLD.
public final class ProcessGroup: @unchecked Sendable {
    public let rank: Int
    public let size: Int
    private let usesMPI: Bool

    public enum Failure: Error, CustomStringConvertible {
        case initialization(code: Int32)
        case mismatch(launcher: LaunchEnvironment, mpiRank: Int, mpiSize: Int)
        case collective(name: String, code: Int32)

        public var description: String {
            switch self {
            case .initialization(let code):
                return "MPI_Init failed (error \(code)); start the job with `mpirun -np K cliport ...` and check that Open MPI is installed (`make setup`)"
            case .mismatch(let l, let r, let s):
                return "the launcher says rank \(l.rank) of \(l.size) (\(l.source)) but MPI says rank \(r) of \(s); launch all ranks with one mpirun/srun"
            case .collective(let name, let code):
                return "\(name) failed (MPI error \(code)): a rank probably died; restart the job, it resumes from the last checkpoint"
            }
        }
    }

    /// The single-process group.
    public static let single = ProcessGroup(rank: 0, size: 1, usesMPI: false)

    private init(rank: Int, size: Int, usesMPI: Bool) {
        self.rank = rank; self.size = size; self.usesMPI = usesMPI
    }

    /// Joins the job the environment describes: a single process when no launcher variables are set
    /// (or they say size 1), MPI_COMM_WORLD otherwise.
    public static func join(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProcessGroup {
        let launcher = LaunchEnvironment(environment)
        guard launcher.size > 1 else { return .single }
        var argc: Int32 = 0
        let code = MPI_Init(&argc, nil)
        guard code == MPI_SUCCESS else { throw Failure.initialization(code: code) }
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(swmpi_comm_world(), &r)
        MPI_Comm_size(swmpi_comm_world(), &s)
        guard Int(r) == launcher.rank, Int(s) == launcher.size else {
            throw Failure.mismatch(launcher: launcher, mpiRank: Int(r), mpiSize: Int(s))
        }
        return ProcessGroup(rank: Int(r), size: Int(s), usesMPI: true)
    }

    public var isRoot: Bool { rank == 0 }

    /// Sums `values` over all ranks, in place, on every rank.
    public func sum(_ values: inout [Float]) throws {
        guard usesMPI, !values.isEmpty else { return }
        let code = values.withUnsafeMutableBufferPointer { b in
            MPI_Allreduce(swmpi_in_place(), b.baseAddress, Int32(b.count), swmpi_float(), swmpi_sum(), swmpi_comm_world())
        }
        guard code == MPI_SUCCESS else { throw Failure.collective(name: "MPI_Allreduce", code: code) }
    }

    /// Sums `values` over all ranks (doubles, for losses and counters).
    public func sum(_ values: inout [Double]) throws {
        guard usesMPI, !values.isEmpty else { return }
        let code = values.withUnsafeMutableBufferPointer { b in
            MPI_Allreduce(swmpi_in_place(), b.baseAddress, Int32(b.count), swmpi_double(), swmpi_sum(), swmpi_comm_world())
        }
        guard code == MPI_SUCCESS else { throw Failure.collective(name: "MPI_Allreduce", code: code) }
    }

    /// True on every rank when all ranks passed the same `value` (an all-reduce of its maximum and of
    /// the maximum of its negation, over its two exact 32-bit halves).
    public func agree(on value: UInt64) throws -> Bool {
        guard usesMPI else { return true }
        let hi = Double(value >> 32), lo = Double(value & 0xffff_ffff)
        var v = [hi, lo, -hi, -lo]
        let code = v.withUnsafeMutableBufferPointer { b in
            MPI_Allreduce(swmpi_in_place(), b.baseAddress, 4, swmpi_double(), swmpi_max(), swmpi_comm_world())
        }
        guard code == MPI_SUCCESS else { throw Failure.collective(name: "MPI_Allreduce", code: code) }
        return v[0] == -v[2] && v[1] == -v[3]
    }

    /// Rank 0's `values` on every rank.
    public func broadcast(_ values: inout [Float]) throws {
        guard usesMPI, !values.isEmpty else { return }
        let code = values.withUnsafeMutableBufferPointer { b in
            MPI_Bcast(b.baseAddress, Int32(b.count), swmpi_float(), 0, swmpi_comm_world())
        }
        guard code == MPI_SUCCESS else { throw Failure.collective(name: "MPI_Bcast", code: code) }
    }

    /// Waits for every rank.
    public func barrier() throws {
        guard usesMPI else { return }
        let code = MPI_Barrier(swmpi_comm_world())
        guard code == MPI_SUCCESS else { throw Failure.collective(name: "MPI_Barrier", code: code) }
    }

    /// Ends MPI (call once, at the end of the job).
    public func finish() {
        if usesMPI { MPI_Finalize() }
    }
}
