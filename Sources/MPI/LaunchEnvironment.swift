/// Rank and world size as the launcher publishes them: Open MPI's `mpirun`, Slurm's `srun`, MPICH/PMI,
/// or torchrun (`RANK`, `WORLD_SIZE`). The first launcher found wins, in that order.
public struct LaunchEnvironment: Equatable, Sendable {
    public var rank: Int
    public var size: Int
    /// Which variables gave them ("OMPI_COMM_WORLD_*", "SLURM_*", …; "none" for a single process).
    public var source: String

    public init(_ environment: [String: String]) {
        let launchers: [(rank: String, size: String)] = [
            ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
            ("PMI_RANK", "PMI_SIZE"),
            ("SLURM_PROCID", "SLURM_NTASKS"),
            ("RANK", "WORLD_SIZE"),
        ]
        for l in launchers {
            if let r = environment[l.rank].flatMap(Int.init), let s = environment[l.size].flatMap(Int.init), s >= 1, r >= 0, r < s {
                rank = r; size = s; source = "\(l.rank)/\(l.size)"
                return
            }
        }
        rank = 0; size = 1; source = "none"
    }
}
