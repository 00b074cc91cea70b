import Core
import Foundation

/// A run folder: what `cliport train --out RUN` writes and `cliport eval --run RUN` reads.
///
///     RUN/config.json                       the TrainingConfiguration (and the process count)
///     RUN/metrics.jsonl                     one JSON object per logged step (loss, steps/s, validation loss)
///     RUN/checkpoints/steps=01000.hdf5      at CLIPort's save steps
///     RUN/checkpoints/last.hdf5             the latest state; training resumes from it
///     RUN/eval/<task>-<split>.json          rollout results per checkpoint
///     RUN/eval/pictures/…png                pick and place affordances over the heightmap
public struct TrainingRun: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var configurationFile: String { path + "/config.json" }
    public var metricsFile: String { path + "/metrics.jsonl" }
    public var checkpointsFolder: String { path + "/checkpoints" }
    public var lastCheckpoint: String { checkpointsFolder + "/last.hdf5" }
    public var evalFolder: String { path + "/eval" }

    public func checkpoint(step: Int) -> String { checkpointsFolder + "/" + Self.checkpointName(step: step) }

    public static func checkpointName(step: Int) -> String { String(format: "steps=%05d.hdf5", step) }

    /// The step a checkpoint file name stands for (`steps=01000.hdf5` → 1000), nil for `last.hdf5`.
    public static func step(ofCheckpoint name: String) -> Int? {
        guard name.hasPrefix("steps="), name.hasSuffix(".hdf5") else { return nil }
        return Int(name.dropFirst(6).dropLast(5))
    }

    /// The save-step checkpoints present, by step.
    public func savedCheckpoints() -> [(step: Int, path: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointsFolder)) ?? []
        return names.compactMap { n in Self.step(ofCheckpoint: n).map { ($0, checkpointsFolder + "/" + n) } }.sorted { $0.step < $1.step }
    }

    public func loadConfiguration() throws -> TrainingConfiguration {
        guard let data = FileManager.default.contents(atPath: configurationFile) else { throw TrainerError.notARun(path: path) }
        return try JSONDecoder().decode(TrainingConfiguration.self, from: data)
    }

    func saveConfiguration(_ configuration: TrainingConfiguration) throws {
        try FileManager.default.createDirectory(atPath: checkpointsFolder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.write(try encoder.encode(configuration), to: configurationFile)
    }
}
