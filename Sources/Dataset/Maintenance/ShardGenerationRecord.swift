import HDF5

/// How a generated shard came to be (root attributes `generation_*`): which unit of which plan it is and
/// every seed its unit tried, so `cliport dataset check` can prove that no seed is missing or doubled
/// (docs/generation.md).
public struct ShardGenerationRecord: Equatable, Codable, Sendable {
    /// The unit this shard is (`shard-<unit>.hdf5`), of `units`.
    public var unit: Int
    public var units: Int
    /// The plan: successful episodes in the whole dataset, per shard, and the first episode index.
    public var episodes: Int
    public var episodesPerShard: Int
    public var firstEpisode: Int
    /// Every seed the unit tried, in order; the failed ones and why they failed.
    public var seedsTried: [Int]
    public var seedsFailed: [Int]
    public var failureKinds: [String]

    public init(unit: Int, units: Int, episodes: Int, episodesPerShard: Int, firstEpisode: Int,
                seedsTried: [Int], seedsFailed: [Int], failureKinds: [String]) {
        self.unit = unit; self.units = units; self.episodes = episodes; self.episodesPerShard = episodesPerShard
        self.firstEpisode = firstEpisode; self.seedsTried = seedsTried; self.seedsFailed = seedsFailed
        self.failureKinds = failureKinds
    }

    /// Successful episodes this unit must hold.
    public var expectedEpisodes: Int { max(0, min(episodesPerShard, episodes - unit * episodesPerShard)) }

    private typealias A = DatasetLayout.GenerationAttribute

    func write(to attributes: HDF5Attributes) throws {
        try attributes.set(A.unit, unit)
        try attributes.set(A.units, units)
        try attributes.set(A.episodes, episodes)
        try attributes.set(A.episodesPerShard, episodesPerShard)
        try attributes.set(A.firstEpisode, firstEpisode)
        try attributes.set(A.seedsTried, seedsTried)
        try attributes.set(A.seedsFailed, seedsFailed)
        try attributes.set(A.failureKinds, failureKinds)
    }

    /// The record of a shard's root attributes, or nil when the shard has none (not made by `cliport demos`).
    static func read(from attributes: HDF5Attributes) throws -> ShardGenerationRecord? {
        guard attributes.contains(A.unit) else { return nil }
        return ShardGenerationRecord(
            unit: try attributes.int(A.unit), units: try attributes.int(A.units),
            episodes: try attributes.int(A.episodes),
            episodesPerShard: try attributes.int(A.episodesPerShard),
            firstEpisode: try attributes.int(A.firstEpisode),
            seedsTried: try attributes.ints(A.seedsTried), seedsFailed: try attributes.ints(A.seedsFailed),
            failureKinds: try attributes.strings(A.failureKinds))
    }

    /// The `cliport demos` command that (re)generates this record's plan into `folder` (a rerun makes exactly
    /// the shards that are missing, each from its unit's own seeds). Task, split and object assets come from
    /// the shard's header.
    public func demosCommand(header: DatasetHeader, folder: String) -> String {
        var words = ["cliport", "demos", "--task", header.task, "--split", header.split, "--n", "\(episodes)",
                     "--episodes-per-shard", "\(episodesPerShard)"]
        if firstEpisode > 0 { words += ["--first-episode", "\(firstEpisode)"] }
        if let assets = header.objectAssets { words += ["--assets", assets] }
        words += ["--out", folder]
        return words.map(Self.shellQuoted).joined(separator: " ")
    }

    /// `word` as a POSIX shell reads it back (quoted only when it needs to be).
    static func shellQuoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The shard file name of `unit` ("shard-00003.hdf5", as `cliport demos` names them).
    public static func shardFileName(unit: Int) -> String { "shard-\(String(format: "%05d", unit)).hdf5" }

    /// Reads the record of one shard file.
    public static func read(shard: String) throws -> ShardGenerationRecord? {
        let file = try DatasetReader.openShard(shard)
        return try read(from: try file.root().attributes)
    }
}
