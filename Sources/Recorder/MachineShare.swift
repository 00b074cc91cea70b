/// This machine's share of the work: units u with u mod count == index. ("Shard" names files only; the flags
/// keep the names users know from other tools.) Given by `--shard-index I --num-shards N`, or taken from the
/// scheduler: a Slurm job array
/// (`SLURM_ARRAY_TASK_ID` - `SLURM_ARRAY_TASK_MIN`, divided by `SLURM_ARRAY_TASK_STEP`, of
/// `SLURM_ARRAY_TASK_COUNT`) or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, with `--num-shards`).
public struct MachineShare: Equatable, Sendable, CustomStringConvertible {
    public var index: Int
    public var count: Int
    /// Where the numbers came from ("--shard-index", "Slurm array", "Kubernetes indexed job", "one machine").
    public var source: String

    public init(index: Int, count: Int, source: String = "--shard-index") {
        self.index = index; self.count = count; self.source = source
    }

    public static let whole = MachineShare(index: 0, count: 1, source: "one machine")

    public var description: String { "machine \(index) of \(count) (\(source))" }

    public static func resolve(index: Int?, count: Int?, environment: [String: String]) throws -> MachineShare {
        func int(_ key: String) throws -> Int? {
            guard let text = environment[key], !text.isEmpty else { return nil }
            guard let value = Int(text) else { throw RecorderError.badMachineShare("\(key)=\(text) is not a number; unset it or pass --shard-index") }
            return value
        }
        var shard: MachineShare
        if let index {
            shard = MachineShare(index: index, count: count ?? 0, source: "--shard-index")
            if count == nil { throw RecorderError.badMachineShare("--shard-index needs --num-shards (how many machines share the dataset)") }
        } else if let id = try int("SLURM_ARRAY_TASK_ID") {
            let min = try int("SLURM_ARRAY_TASK_MIN") ?? 0
            let step = try int("SLURM_ARRAY_TASK_STEP") ?? 1
            guard let total = try count ?? int("SLURM_ARRAY_TASK_COUNT") else {
                throw RecorderError.badMachineShare("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (old Slurm?); pass --num-shards")
            }
            shard = MachineShare(index: (id - min) / max(step, 1), count: total, source: "Slurm array task \(id)")
        } else if let completion = try int("JOB_COMPLETION_INDEX") {
            guard let count else {
                throw RecorderError.badMachineShare("JOB_COMPLETION_INDEX is set (Kubernetes indexed job) but --num-shards is not; "
                                             + "pass --num-shards equal to the job's completions")
            }
            shard = MachineShare(index: completion, count: count, source: "Kubernetes indexed job")
        } else if let count {
            guard count == 1 else { throw RecorderError.badMachineShare("--num-shards \(count) needs --shard-index (0..<\(count)) on each machine") }
            shard = .whole
        } else {
            shard = .whole
        }
        guard shard.count >= 1, (0..<shard.count).contains(shard.index) else {
            throw RecorderError.badMachineShare("shard index \(shard.index) is outside 0..<\(shard.count) (\(shard.source)); "
                                         + "give --shard-index between 0 and --num-shards - 1")
        }
        return shard
    }
}
