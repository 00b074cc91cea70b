import Core
import Foundation

/// What `cliport dataset info PATH [--json]` prints: counts, tasks, splits, instructions, seeds and sizes.
public struct DatasetSummary: Codable, Equatable, Sendable {
    public struct SeedRange: Codable, Equatable, Sendable {
        public var min: Int
        public var max: Int
    }

    public var path: String
    public var schemaVersion: Int
    public var generator: String
    public var shards: Int
    public var episodes: Int
    public var steps: Int
    /// Observations stored: one per step plus the final observation of each episode.
    public var observations: Int
    public var cameras: [String]
    public var depthEncoding: String
    /// Episodes per task, split and source.
    public var tasks: [String: Int]
    public var splits: [String: Int]
    public var sources: [String: Int]
    /// Steps per instruction (the instruction valid when each action was taken).
    public var instructions: [String: Int]
    public var seeds: SeedRange?
    public var successfulEpisodes: Int
    public var bytesOnDisk: Int
    /// On-disk bytes of the image datasets (obs and final_obs) per observation.
    public var bytesPerObservation: Double
    /// CLIPort's 6.45 MB per observation divided by ours.
    public var ratioToCLIPort: Double
    /// The object set of a google-objects dataset ("procedural", or "google-scanned-objects from DIR"); nil otherwise.
    public var objectSet: String?
    /// How the simulator drew the pictures ("cliport", "plain"; several joined by ", "); nil when no shard
    /// records a look (real captures, and data generated before looks were recorded, which is plain).
    public var look: String?

    /// snake_case, as every `--json` (CLIPort's name whole: `ratio_to_cliport`).
    enum CodingKeys: String, CodingKey {
        case path, generator, shards, episodes, steps, observations, cameras, tasks, splits, sources, instructions, seeds, look
        case schemaVersion = "schema_version", depthEncoding = "depth_encoding", successfulEpisodes = "successful_episodes"
        case bytesOnDisk = "bytes_on_disk", bytesPerObservation = "bytes_per_observation", ratioToCLIPort = "ratio_to_cliport"
        case objectSet = "object_set"
    }

    public init(reader: DatasetReader) throws {
        path = reader.path
        schemaVersion = reader.headers.first?.schemaVersion ?? DatasetLayout.schemaVersion
        generator = reader.headers.first?.generator ?? ""
        shards = reader.shards.count
        episodes = reader.episodes.count
        steps = reader.episodes.map(\.numSteps).reduce(0, +)
        cameras = reader.headers.first?.cameraNames ?? []
        let enc = reader.headers.first?.depthEncoding ?? .standard
        depthEncoding = enc.dtype + (enc == .float32 ? " metres" : " x \(enc.scale) m")
        tasks = Dictionary(reader.episodes.map { ($0.task, 1) }, uniquingKeysWith: +)
        splits = Dictionary(reader.episodes.map { ($0.split, 1) }, uniquingKeysWith: +)
        sources = Dictionary(reader.episodes.map { ($0.source, 1) }, uniquingKeysWith: +)
        successfulEpisodes = reader.episodes.filter(\.success).count
        let seedList = reader.episodes.map(\.seed)
        seeds = seedList.isEmpty ? nil : SeedRange(min: seedList.min()!, max: seedList.max()!)
        var instructionCounts: [String: Int] = [:]
        var imageBytes = 0, observationCount = 0
        for e in reader.episodes {
            for s in try reader.instructions(e.index) { instructionCounts[s, default: 0] += 1 }
            let (bytes, n) = try reader.observationStorage(e.index)
            imageBytes += bytes; observationCount += n
        }
        instructions = instructionCounts
        observations = observationCount
        bytesOnDisk = reader.shards.compactMap { (try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? Int }.reduce(0, +)
        bytesPerObservation = observationCount > 0 ? Double(imageBytes) / Double(observationCount) : 0
        ratioToCLIPort = bytesPerObservation > 0 ? CLIPortReferenceFigures.bytesPerObservation / bytesPerObservation : 0
        let looks = Set(reader.headers.compactMap(\.look))
        look = looks.isEmpty ? nil : looks.sorted().joined(separator: ", ")
        objectSet = reader.headers.first?.objectSet.map { set in set + (reader.headers.first?.objectAssets.map { " from \($0)" } ?? "") }
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)  // numbers, strings, dictionaries: cannot fail
    }

    /// A readable multi-line report.
    public var text: String {
        func counts(_ d: [String: Int]) -> String {
            d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) (\($0.value))" }
                .joined(separator: ", ")
        }
        func size(_ b: Double) -> String {
            if b >= 1e9 { return String(format: "%.2f GB", b / 1e9) }
            if b >= 1e6 { return String(format: "%.2f MB", b / 1e6) }
            return String(format: "%.1f KB", b / 1e3)
        }
        var lines = [
            "dataset      \(path)",
            "format       schema \(schemaVersion), \(generator), \(shards) shard\(shards == 1 ? "" : "s")",
            "episodes     \(episodes) (\(successfulEpisodes) successful)",
            "steps        \(steps) (\(counted(observations, "observation")) incl. final)",
            "tasks        \(counts(tasks))",
            "splits       \(counts(splits))",
            "sources      \(counts(sources))",
            "seeds        " + (seeds.map { "\($0.min) ... \($0.max)" } ?? "none"),
            "cameras      \(cameras.joined(separator: ", ")); depth \(depthEncoding)",
            "size         \(size(Double(bytesOnDisk))) on disk; \(size(bytesPerObservation)) per observation "
                + "(\(String(format: "%.1f", ratioToCLIPort))x smaller than CLIPort's 6.45 MB)",
        ]
        if let objectSet { lines.append("objects      \(objectSet)") }
        if let look { lines.append("look         \(look)") }
        lines += [
            "instructions \(instructions.count) distinct (steps):",
        ]
        let sorted = instructions.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        for (text, n) in sorted.prefix(20) { lines.append("  \(String(format: "%5d", n))  \(text)") }
        if sorted.count > 20 { lines.append("  ... and \(sorted.count - 20) more (use --json for all)") }
        return lines.joined(separator: "\n")
    }
}
