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

    func write(to attributes: HDF5Attributes) throws {
        try attributes.set("generation_unit", unit)
        try attributes.set("generation_units", units)
        try attributes.set("generation_episodes", episodes)
        try attributes.set("generation_episodes_per_shard", episodesPerShard)
        try attributes.set("generation_first_episode", firstEpisode)
        try attributes.set("generation_seeds_tried", seedsTried)
        try attributes.set("generation_seeds_failed", seedsFailed)
        try attributes.set("generation_failure_kinds", failureKinds)
    }

    /// The record of a shard's root attributes, or nil when the shard has none (not made by `cliport demos`).
    static func read(from attributes: HDF5Attributes) throws -> ShardGenerationRecord? {
        guard attributes.contains("generation_unit") else { return nil }
        return ShardGenerationRecord(
            unit: try attributes.int("generation_unit"), units: try attributes.int("generation_units"),
            episodes: try attributes.int("generation_episodes"),
            episodesPerShard: try attributes.int("generation_episodes_per_shard"),
            firstEpisode: try attributes.int("generation_first_episode"),
            seedsTried: try attributes.ints("generation_seeds_tried"), seedsFailed: try attributes.ints("generation_seeds_failed"),
            failureKinds: try attributes.strings("generation_failure_kinds"))
    }

    /// Reads the record of one shard file.
    public static func read(shard: String) throws -> ShardGenerationRecord? {
        let file = try DatasetReader.openShard(shard)
        return try read(from: try file.root().attributes)
    }
}
