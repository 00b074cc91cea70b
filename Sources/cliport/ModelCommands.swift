import ArgumentParser
import Benchmarks
import Foundation
import HDF5
import Model
import Trainer

/// `cliport weights import`: a CLIP RN50 checkpoint as shipped (OpenAI's TorchScript RN50.pt, a
/// torch.save state dict, open_clip's open_clip_model.safetensors) into the HDF5 file `train --clip-weights` reads.
struct WeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights", abstract: "Manage pretrained weights.", subcommands: [Import.self, Compare.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import CLIP RN50 weights: OpenAI's RN50.pt, a torch.save state dict or open_clip's open_clip_model.safetensors.",
            discussion: "The format is read from the file, the architecture from the tensors' shapes; no Python is needed. See docs/weights.md.")
        @Argument(help: "The checkpoint: RN50.pt (OpenAI's TorchScript archive), a torch.save .pt state dict, or .safetensors.") var file: String
        @Option(help: "Where to write the imported weights (what `train --clip-weights` reads).") var out: String = "weights/clip-rn50.hdf5"
        @OptionGroup var json: JSONOutputOptions

        /// What `--json` prints.
        struct Summary: Encodable {
            var source: String
            var output: String
            var format: CheckpointFormat
            var architecture: CLIPArchitecture
            var visualTensors: Int
            var attentionPoolTensors: Int
            var textTensors: Int
            /// The integer facts the checkpoint stated (OpenAI's archive: context_length, vocab_size, input_resolution).
            var statedIntegers: [String: Int64]
            var seconds: Double
        }

        func run() throws {
            let clock = ContinuousClock(), start = clock.now
            let imported = try reportingErrors { try CLIPWeights.importFile(file, to: out) }
            let elapsed = start.duration(to: clock.now)
            let w = imported.weights, a = imported.architecture
            let summary = Summary(source: file, output: out, format: imported.format, architecture: a,
                                  visualTensors: w.visual.tensors.count, attentionPoolTensors: w.attentionPool.tensors.count,
                                  textTensors: w.text.tensors.count, statedIntegers: imported.integers,
                                  seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            if json.enabled { printJSON(summary); return }
            let resolution = a.imageResolution.map { "\($0) px" } ?? "no attention pool"
            print("imported \(imported.format.rawValue) \(file): visual width \(a.visionWidth), blocks \(a.visionLayers), \(resolution); "
                  + "text width \(a.textWidth), \(a.textLayers) layers, \(a.textHeads) heads, context \(a.contextLength), "
                  + "vocabulary \(a.vocabularySize); embedding \(a.embedDimension) -> \(out)")
        }
    }
}

extension WeightsCommand {
    /// `cliport weights compare`: the imported weights' features against reference features PyTorch
    /// computed (scripts/reference/make_clip_archive.py writes them beside each checkpoint).
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare imported CLIP weights' image and text features with PyTorch's.",
            discussion: "REFERENCE is a safetensors file with `image`, `tokens` and PyTorch's `image_features`, `prepool` and `text_features`, as make_clip_archive.py writes it.")
        @Argument(help: "Weights written by `cliport weights import`.") var weights: String
        @Option(help: "PyTorch's inputs and features (.features.safetensors).") var reference: String
        @OptionGroup var threads: ThreadOptions
        @OptionGroup var json: JSONOutputOptions

        /// Largest absolute difference, and that divided by the largest reference magnitude, per feature.
        struct Difference: Encodable { var feature: String; var maxAbsError: Float; var maxRelError: Float; var elements: Int }

        func run() throws {
            let rows = try reportingErrors { () throws -> [Difference] in
                ComputeThreads.configure(threads: threads.count)
                let w = try CLIPWeights.load(path: weights)
                let r = try Safetensors.read(reference)
                let image = try r.tensor("image"), ids = try r.tensor("tokens")
                let tokens = (0..<ids.shape[0]).map { b in (0..<ids.shape[1]).map { Int(ids.scalars[b * ids.shape[1] + $0]) } }
                func difference(_ name: String, _ ours: Tensor) throws -> Difference {
                    let theirs = try r.tensor(name, shape: ours.shape)
                    let abs = zip(ours.scalars, theirs.scalars).map { Swift.abs($0 - $1) }.max() ?? 0
                    let scale = theirs.scalars.map { Swift.abs($0) }.max() ?? 1
                    return Difference(feature: name, maxAbsError: abs, maxRelError: abs / max(scale, 1e-12), elements: ours.scalars.count)
                }
                return [try difference("prepool", try w.visualTrunk().forward(image).output),
                        try difference("image_features", try w.encodeImage(image)),
                        try difference("text_features", try w.textTransformer().forward(tokens: tokens).sentence)]
            }
            if json.enabled { printJSON(rows); return }
            for d in rows {
                print(String(format: "%@: max abs error %.3g, relative to the largest value %.3g (%d values)",
                             d.feature, d.maxAbsError, d.maxRelError, d.elements))
            }
        }
    }
}

/// What `bench model` and `bench kernels` time: one training step of an agent at a width, on some threads.
struct TrainingStepOptions: ParsableArguments {
    @Option(help: "The agent whose training step is timed.") var model: AgentModel = .transporter
    @Option(parsing: .unconditional, help: "Channel width multiplier (1 = CLIPort's full size).") var width: Double = 1
    @OptionGroup var threads: ThreadOptions

    func validate() throws { try requireWidth(width) }
}

/// `cliport bench model`: forward and forward+backward of the attention and transport modules, and a
/// whole training step, against the sgemm peak measured in the same run.
struct BenchModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Model speed: module forward/backward, training step, GFLOP/s vs sgemm peak.")
    @OptionGroup var step: TrainingStepOptions
    @Option(parsing: .unconditional, help: "Timed repetitions per measurement after one warm-up (the median is reported).")
    var repetitions: Int = 1
    @Flag(help: "Also time the step with the project's own kernels and with the libraries (oneDNN, FFTW), alternating.")
    var compareKernels = false
    @OptionGroup var json: JSONOutputOptions

    func validate() throws { try requireOption("--repetitions", repetitions, in: 1...1000) }

    func run() throws {
        let result = try reportingErrors {
            try ModelBenchmark.run(model: step.model, width: step.width, threads: step.threads.count ?? 2, repetitions: repetitions,
                                   compareKernels: compareKernels,
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

/// `cliport bench kernels`: the project's convolution and FFT kernels against oneDNN and FFTW on the
/// shapes of one training step, interleaved in one process.
struct BenchKernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels", abstract: "Hand-written kernels vs oneDNN and FFTW on a training step's shapes.")
    @OptionGroup var step: TrainingStepOptions
    @Option(parsing: .unconditional, help: "Timed repetitions of each kernel after one warm-up (the median is reported).")
    var repetitions: Int = 3
    @OptionGroup var json: JSONOutputOptions

    func validate() throws { try requireOption("--repetitions", repetitions, in: 1...1000) }

    func run() throws {
        let result = try reportingErrors {
            try KernelBenchmark.run(model: step.model, width: step.width, threads: step.threads.count ?? 2, repetitions: repetitions,
                                    progress: { line in if !json.enabled { print(line) } })
        }
        if json.enabled { printJSON(result) } else {
            print(String(format: "per step (wall, summed over the rows): project %.2f s, libraries %.2f s, best of each %.2f s, default choice %.2f s; load %.2f",
                         result.projectStepSeconds, result.libraryStepSeconds, result.bestStepSeconds, result.adoptedStepSeconds,
                         result.loadAverage))
        }
    }
}
