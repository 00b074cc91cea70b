/// Which part of the units this machine makes: units u with u mod count == index. Given by
/// `--shard-index I --num-shards N`, or taken from the scheduler: a Slurm job array
/// (`SLURM_ARRAY_TASK_ID` - `SLURM_ARRAY_TASK_MIN`, divided by `SLURM_ARRAY_TASK_STEP`, of
/// `SLURM_ARRAY_TASK_COUNT`) or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, with `--num-shards`).
public struct MachineShard: Equatable, Sendable, CustomStringConvertible {
    public var index: Int
    public var count: Int
    /// Where the numbers came from ("--shard-index", "Slurm array", "Kubernetes indexed job", "one machine").
    public var source: String

    public init(index: Int, count: Int, source: String = "--shard-index") {
        self.index = index; self.count = count; self.source = source
    }

    public static let whole = MachineShard(index: 0, count: 1, source: "one machine")

    public var description: String { "machine \(index) of \(count) (\(source))" }

    public static func resolve(index: Int?, count: Int?, environment: [String: String]) throws -> MachineShard {
        func int(_ key: String) throws -> Int? {
            guard let text = environment[key], !text.isEmpty else { return nil }
            guard let value = Int(text) else { throw RecorderError.badShard("\(key)=\(text) is not a number; unset it or pass --shard-index") }
            return value
        }
        var shard: MachineShard
        if let index {
            shard = MachineShard(index: index, count: count ?? 0, source: "--shard-index")
            if count == nil { throw RecorderError.badShard("--shard-index needs --num-shards (how many machines share the dataset)") }
        } else if let id = try int("SLURM_ARRAY_TASK_ID") {
            let min = try int("SLURM_ARRAY_TASK_MIN") ?? 0
            let step = try int("SLURM_ARRAY_TASK_STEP") ?? 1
            guard let total = try count ?? int("SLURM_ARRAY_TASK_COUNT") else {
                throw RecorderError.badShard("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not (old Slurm?); pass --num-shards")
            }
            shard = MachineShard(index: (id - min) / max(step, 1), count: total, source: "Slurm array task \(id)")
        } else if let completion = try int("JOB_COMPLETION_INDEX") {
            guard let count else {
                throw RecorderError.badShard("JOB_COMPLETION_INDEX is set (Kubernetes indexed job) but --num-shards is not; "
                                             + "pass --num-shards equal to the job's completions")
            }
            shard = MachineShard(index: completion, count: count, source: "Kubernetes indexed job")
        } else if let count {
            guard count == 1 else { throw RecorderError.badShard("--num-shards \(count) needs --shard-index (0..<\(count)) on each machine") }
            shard = .whole
        } else {
            shard = .whole
        }
        guard shard.count >= 1, (0..<shard.count).contains(shard.index) else {
            throw RecorderError.badShard("shard index \(shard.index) is outside 0..<\(shard.count) (\(shard.source)); "
                                         + "give --shard-index between 0 and --num-shards - 1")
        }
        return shard
    }
}
