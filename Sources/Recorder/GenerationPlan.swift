import Core
import Foundation
import Sim

/// What a generation run must produce, as a pure function of (task, split, episodes, episodes per shard,
/// first episode): the dataset is U = ceil(episodes / B) units; unit u is `shard-<u>.hdf5` and holds exactly
/// min(B, episodes - u B) successful episodes, drawn in order from episode indices F + u, F + u + U,
/// F + u + 2U, ... (seeds `Split.seed(episode:)`). Any number of workers or machines therefore makes the same
/// shards, and a retried unit rewrites the same file. Interleaving keeps the seeds of the whole dataset
/// nearly contiguous (as CLIPort's 0, 2, 4, ...), so val seeds stay far below the test seeds.
public struct GenerationPlan: Codable, Equatable, Sendable {
    public var task: String
    public var split: Split
    public var episodes: Int
    public var episodesPerShard: Int
    public var firstEpisode: Int
    /// CLIPort's asset folder the google-objects tasks load their meshes from (`--assets`); nil: built-in objects.
    public var assets: String?
    /// How the simulator draws the scenes (`--look`): every picture of a dataset has one look.
    public var look: SceneLook

    public init(task: String, split: Split, episodes: Int, episodesPerShard: Int = 100, firstEpisode: Int = 0,
                assets: String? = nil, look: SceneLook = .cliport) {
        self.task = task; self.split = split; self.episodes = episodes
        self.episodesPerShard = episodesPerShard; self.firstEpisode = firstEpisode; self.assets = assets
        self.look = look
    }

    /// The most episode indices a plan may span (first episode + episodes): about 10^12, far beyond any
    /// dataset, and small enough that no unit, attempt or seed arithmetic can overflow.
    public static let episodeLimit = 1 << 40

    /// Val episode indices below this keep their seeds below the test seeds (CLIPort's guard).
    public static let valEpisodes = (Split.test.seed(episode: 0) - Split.val.seed(episode: 0) + 1) / 2

    public var units: Int { (episodes + episodesPerShard - 1) / episodesPerShard }

    /// Successful episodes unit `u` must hold.
    public func target(unit u: Int) -> Int { max(0, min(episodesPerShard, episodes - u * episodesPerShard)) }

    /// The episode index of the `attempt`-th try (0-based) of unit `u`.
    public func episodeIndex(unit u: Int, attempt k: Int) -> Int { firstEpisode + u + k * units }

    public func seed(unit u: Int, attempt k: Int) -> Int { split.seed(episode: episodeIndex(unit: u, attempt: k)) }

    /// The attempt of unit `u` that uses `seed`, or nil when the seed is not one of the unit's.
    public func attempt(ofSeed seed: Int, unit u: Int) -> Int? {
        let offset = split.seed(episode: 0)
        guard (seed - offset) % 2 == 0 else { return nil }
        let k = (seed - offset) / 2 - firstEpisode - u
        guard k >= 0, k % units == 0 else { return nil }
        return k / units
    }

    /// The units machine `index` of `count` makes: u = index, index + count, ...
    public func units(forMachine index: Int, of count: Int) -> [Int] {
        Array(stride(from: index, to: units, by: count))
    }

    public func shardName(unit u: Int) -> String { String(format: "shard-%05d", u) }

    /// CLIPort refuses val seeds that reach the test seeds (10001); so do we.
    public func checkSeed(unit u: Int, attempt k: Int) throws {
        if split == .val, seed(unit: u, attempt: k) >= Split.test.seed(episode: 0) {
            throw RecorderError.seedRangeExhausted(split: split.rawValue, episodes: episodeIndex(unit: u, attempt: k))
        }
    }

    /// Refuses impossible requests before any work.
    public func validate() throws {
        guard episodes > 0 else { throw RecorderError.nothingToDo("--n must be at least 1") }
        guard episodesPerShard > 0 else { throw RecorderError.nothingToDo("--episodes-per-shard must be at least 1") }
        guard firstEpisode >= 0 else { throw RecorderError.nothingToDo("--first-episode must be 0 or more") }
        guard episodes <= Self.episodeLimit, episodesPerShard <= Self.episodeLimit, firstEpisode <= Self.episodeLimit - episodes else {
            throw RecorderError.nothingToDo("the first episode plus the episodes must stay within \(Self.episodeLimit)")
        }
        // Even if every seed succeeded, every unit's last seed must stay below the test seeds (the largest is
        // that of the last unit with a full share).
        let full = episodes / episodesPerShard
        if full > 0 { try checkSeed(unit: full - 1, attempt: episodesPerShard - 1) }
        try checkSeed(unit: units - 1, attempt: target(unit: units - 1) - 1)
    }

    /// The most episodes this plan's split, first episode and shard size allow (nil: no limit but
    /// `episodeLimit`); 0 when even one episode would reach the test seeds. Only val has such an end.
    public func mostEpisodes() -> Int? {
        guard split == .val else { return nil }
        func fits(_ n: Int) -> Bool {
            var plan = self
            plan.episodes = n
            return (try? plan.validate()) != nil
        }
        guard fits(1) else { return 0 }
        var (low, high) = (1, Self.valEpisodes)  // fits(low); the answer is at most valEpisodes
        while low < high {
            let middle = (low + high + 1) / 2
            if fits(middle) { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// "100 episodes, 10 per shard, first episode 0", for messages.
    public var summary: String {
        "\(episodes) episodes, \(episodesPerShard) per shard, first episode \(firstEpisode)"
            + (assets.map { ", objects from --assets \($0)" } ?? "") 
            + (look == .cliport ? "" : ", look \(look.rawValue)")
    }

    /// The options that reproduce this plan on the command line.
    public var commandLine: String {
        "--task \(task) --split \(split.rawValue) --n \(episodes) --episodes-per-shard \(episodesPerShard)"
            + (firstEpisode > 0 ? " --first-episode \(firstEpisode)" : "")
            + (assets.map { " --assets \($0)" } ?? "") 
            + (look == .cliport ? "" : " --look \(look.rawValue)")
    }
}
