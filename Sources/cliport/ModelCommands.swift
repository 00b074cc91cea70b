import ArgumentParser
import Benchmarks
import Foundation
import HDF5
import Model
import Trainer

/// `cliport weights import`: CLIP RN50 weights (OpenAI or open_clip names, safetensors) into our HDF5 file.
struct WeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights", abstract: "Manage pretrained weights.", subcommands: [Import.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import CLIP RN50 weights from a safetensors file (OpenAI or open_clip state-dict names).")
        @Argument(help: "The RN50 checkpoint as .safetensors.") var file: String
        @Option(help: "Where to write the imported weights.") var out: String = "weights/clip-rn50.hdf5"

        func run() throws {
            try reportingErrors {
                let weights = try CLIPWeights.importFile(file, to: out)
                let a = weights.visualArchitecture
                print("imported CLIP weights: visual width \(a.width), blocks \(a.blocks), "
                      + "\(weights.visual.tensors.count) visual and \(weights.text.tensors.count) text tensors -> \(out)")
            }
        }
    }
}

/// `cliport bench model`: forward and forward+backward of the attention and transport modules, and a
/// whole training step, against the sgemm peak measured in the same run.
struct BenchModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Model speed: module forward/backward, training step, GFLOP/s vs sgemm peak.")
    @Option(help: "The agent whose networks are timed.") var model: AgentModel = .transporter
    @Option(parsing: .unconditional, help: "Channel width multiplier (1 = CLIPort's full size).") var width: Double = 1
    @OptionGroup var threads: ThreadOptions
    @Option(parsing: .unconditional, help: "Timed repetitions per measurement after one warm-up (the median is reported).")
    var repetitions: Int = 1
    @OptionGroup var json: JSONOutputOptions

    func validate() throws {
        try requireWidth(width)
        try requireOption("--repetitions", repetitions, in: 1...1000)
    }

    func run() throws {
        let result = try reportingErrors {
            try ModelBenchmark.run(model: model, width: width, threads: threads.count ?? 2, repetitions: repetitions,
                                   progress: { line in if !json.enabled { print(line) } })
        }
        if json.enabled { printJSON(result) } else {
            print(String(format: "BLAS core %@, sgemm peak %.1f GFLOP/s; step %.2f s = %.1f GFLOP/s as direct convolutions (%.0f%% of peak)",
                         result.blasCore, result.sgemmPeakGFLOPS, result.trainingStepSeconds,
                         result.trainingStepGFLOP / result.trainingStepSeconds,
                         100 * result.trainingStepGFLOP / result.trainingStepSeconds / max(result.sgemmPeakGFLOPS, 1e-9)))
        }
    }
}
