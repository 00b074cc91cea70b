import Core
import ArgumentParser
import Dataset
import Foundation

/// `cliport dataset merge DIR... --out FILE`
struct DatasetMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join datasets into one HDF5 file of external links to the shards' episodes (no images are copied).",
        discussion: "The merged file opens like one shard in h5py, robomimic and cliport; keep it next to its shards (links are relative).")
    @Argument(help: "Dataset folders or .hdf5 files (shards or merged files).") var inputs: [String]
    @Option(help: "The merged file to write (outside the dataset folders).") var out: String
    @OptionGroup var json: JSONOutputOptions

    func run() throws {
        let result = try reportingErrors { try namingOut { try DatasetMerger.merge(inputs, out: out) } }
        if json.enabled { printJSON(result) } else { print("wrote \(result.out): \(counted(result.episodes, "episode")), \(counted(result.steps, "step")), linked from \(counted(result.shards, "shard"))") }
    }
}

/// `cliport dataset check DIR`
struct DatasetCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify every shard: opens, shapes and dtypes, attributes, success flags, duplicate or missing seeds, leftovers.",
        discussion: "Exits with status 1 and names each shard and problem when something is wrong.")
    @Argument(help: "A dataset folder, a shard or a merged file.") var path: String
    @Flag(help: "Also decompress every image chunk (slow; finds damaged bytes).") var deep = false
    @OptionGroup var json: JSONOutputOptions

    func run() throws {
        let report = DatasetChecker.check(path, deep: deep)
        if json.enabled { printJSON(report) } else { print(report.text) }
        if !report.ok { throw ExitCode(1) }
    }
}

/// `cliport dataset split DIR --valid-fraction 0.1 [--seed S]`
struct DatasetSplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Write robomimic's filter keys mask/train and mask/valid: a seeded random validation subset.",
        discussion: "Each file is rewritten atomically with its own masks; images are copied as stored.")
    @Argument(help: "A dataset folder, a shard or a merged file.") var path: String
    @Option(help: "Fraction of the episodes for mask/valid.") var validFraction: Double = 0.1
    @Option(help: "Seed of the random draw (the same seed gives the same split).") var seed: UInt64 = 0
    @OptionGroup var json: JSONOutputOptions

    func run() throws {
        let result = try reportingErrors { try DatasetSplitter.split(path, validFraction: validFraction, seed: seed) }
        if json.enabled { printJSON(result) } else { print("\(path): \(counted(result.train, "episode")) in mask/train, \(result.valid) in mask/valid (\(counted(result.files.count, "file")))") }
    }
}
