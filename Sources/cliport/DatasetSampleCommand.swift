import ArgumentParser
import Dataset
import Foundation

/// `cliport dataset sample`: the loader's training samples of one stored step, written to an HDF5 file for
/// comparison with other implementations (the Python package's CLIPort dataset, docs/interop.md).
struct DatasetSampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample", abstract: "Write the loader's samples of one step (input image, labels, perturbation) to an HDF5 file.")
    @Argument(help: "A dataset folder or one .hdf5 shard.") var path: String
    @Option(parsing: .unconditional, help: "Episode index in the dataset.") var episode: Int = 0
    @Option(parsing: .unconditional, help: "Step within the episode.") var step: Int = 0
    @Flag(help: "Augment as in training (CLIPort's perturb, theta sigma 60 degrees).") var augment = false
    @Flag(help: "Also write the goal image (image-goal agents).") var goal = false
    @Option(parsing: .unconditional, help: "Samples to draw; sample i uses the random stream of seed + i.") var count: Int = 1
    @Option(parsing: .unconditional, help: "Write the images of at most this many samples (the labels and perturbations of all).") var images: Int = 4
    @Option(parsing: .unconditional, help: "Seed of the first sample's random stream.") var seed: Int = 0
    @Option(help: "The HDF5 file to write.") var out: String
    @OptionGroup var json: JSONOutputOptions

    func validate() throws {
        try requireOption("--episode", episode, in: 0...Int.max)
        try requireOption("--step", step, in: 0...Int.max)
        try requireOption("--count", count, in: 1...1_000_000)
        try requireOption("--images", images, in: 0...Int.max)
    }

    func run() throws {
        let r = try reportingErrors {
            try SampleDump.write(path: path, episode: episode, step: step, augmentation: augment ? .cliport : nil, goal: goal,
                                 count: count, imageCount: images, seed: seed, out: out)
        }
        if json.enabled { printJSON(r); return }
        print("wrote \(r.samples) samples (\(r.images) with images) to \(r.out)")
    }
}
