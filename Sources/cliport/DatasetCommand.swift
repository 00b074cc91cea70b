import Core
import ArgumentParser
import Dataset
import Foundation

struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset", abstract: "Inspect datasets.",
        subcommands: [Info.self, View.self, DatasetStatsCommand.self, DatasetMergeCommand.self, DatasetCheckCommand.self, DatasetSplitCommand.self,
                      DatasetSampleCommand.self])

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarise a dataset: episodes, steps, tasks, instructions, sizes.")
        @Argument(help: "A dataset folder or one .hdf5 shard.") var path: String
        @OptionGroup var json: JSONOutputOptions

        func run() throws {
            let summary = try reportingErrors { try DatasetSummary(reader: try DatasetReader(path: path)) }
            print(json.enabled ? summary.json() : summary.text)
        }
    }

    struct View: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write PNGs (or, with --video, an MP4) of one episode: cameras, heightmap, pick and place marked.")
        @Argument(help: "A dataset folder or one .hdf5 shard.") var path: String
        @Option(parsing: .unconditional, help: "Episode index in the dataset (see `cliport dataset info`).") var episode: Int = 0
        @Option(help: "Folder for the PNGs (or the video).") var out: String
        @Flag(help: "Write episodeNNNN.mp4 instead of PNGs: one frame per step, cameras and heightmap with the action marked.")
        var video = false

        func validate() throws { try requireOption("--episode", episode, in: 0...Int.max) }

        func run() throws {
            let message = try reportingErrors { () -> String in
                let reader = try DatasetReader(path: path)
                guard episode >= 0, episode < reader.episodes.count else {
                    // A DatasetError, not a ValidationError: one line, without the usage text.
                    throw DatasetError.outOfRange("episode \(episode) is out of range: \(path) holds \(counted(reader.episodes.count, "episode")) "
                        + "(0...\(reader.episodes.count - 1)); choose one with --episode (see `cliport dataset info \(path)`)")
                }
                if video {
                    let written = try namingOut { try EpisodeVideo.write(reader: reader, episode: episode, to: out) }
                    return "wrote \(written.path) (\(written.frames) frames, one per step; \(written.encoder))"
                }
                let written = try namingOut { try DatasetViewer.view(reader: reader, episode: episode, to: out) }
                return "wrote \(written.count) PNGs to \(out)"
            }
            print(message)
        }
    }
}

/// The dataset library calls the folder it writes "the output folder"; users of `dataset view` and `dataset merge`
/// know it as `--out` (as `cliport demos`' users do, see `DemoGenerator.namingOut`).
func namingOut<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as DatasetError { throw error.namingOutput("folder with --out") }
}
