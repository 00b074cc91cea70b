import BLAS
import Core
import Foundation
import Model
import Trainer

/// The project's hand-written kernels against the libraries beside them, on the shapes of one training
/// step: every convolution the step runs (forward, dL/dweight alone, dL/dweight with dL/dinput; im2col,
/// row taps and Winograd against oneDNN) with the BLAS thread count it runs at, and the transport's FFT
/// correlation (Stockham against FFTW). Each pair is timed interleaved in one process (project, library,
/// project, ...) after a warm-up, so a busy machine slows both alike.
public enum KernelBenchmark {
    public struct Timing: Codable, Sendable {
        /// Median wall seconds and mean CPU-seconds (user + system, all threads) per call.
        public var projectSeconds: Double, librarySeconds: Double
        public var projectCPUSeconds: Double, libraryCPUSeconds: Double
        /// project / library wall time: above 1 the library is faster.
        public var ratio: Double
    }

    public struct ConvolutionRow: Codable, Sendable {
        public var input: [Int], weight: [Int], stride: Int, padding: Int, threads: Int
        /// How many times one step runs it.
        public var perStep: Int
        public var implementation: String
        public var forward: Timing?
        public var weightGradient: Timing?
        /// dL/dweight and dL/dinput together (the layers that need dL/dinput).
        public var bothGradients: Timing?
    }

    public struct CorrelationRow: Codable, Sendable {
        public var key: [Int], kernels: [Int], grid: [Int], threads: Int
        public var forward: Timing
        public var backward: Timing
        /// Largest |FFTW - Stockham| relative to the largest |Stockham| value (output).
        public var relativeDifference: Double
    }

    public struct Result: Codable, Sendable {
        public var model: String, width: Double, threads: Int, repetitions: Int
        public var loadAverage: Double
        public var convolutions: [ConvolutionRow]
        public var correlation: CorrelationRow
        /// Sums over the step (each row times its count per step), wall seconds.
        public var projectStepSeconds: Double, libraryStepSeconds: Double, bestStepSeconds: Double
        /// The same sum with the default choice: oneDNN where `ConvolutionLibraryUse.measuredBest` says, the
        /// project's kernels for the rest, the correlation by `ComputeSettings.fftLibrary`.
        public var adoptedStepSeconds: Double
    }

    static let project = ComputeSettings.with({ $0.convolutionLibrary = .none; $0.fftLibrary = .stockham }) { ComputeSettings.current }
    static let library = ComputeSettings.with({ $0.convolutionLibrary = .all; $0.fftLibrary = .fftw }) { ComputeSettings.current }

    /// Times `projectBody` and `libraryBody` alternately, `repetitions` times each after one warm-up each.
    static func pair(_ repetitions: Int, _ projectBody: () -> Void, _ libraryBody: () -> Void) -> Timing {
        ComputeSettings.with(project, projectBody)
        ComputeSettings.with(library, libraryBody)
        var walls: [[Double]] = [[], []], cpus: [Double] = [0, 0]
        for _ in 0..<max(1, repetitions) {
            for (i, settings) in [project, library].enumerated() {
                let t0 = ProcessClock.now(), c0 = ProcessClock.cpuSeconds()
                ComputeSettings.with(settings, i == 0 ? projectBody : libraryBody)
                walls[i].append(ProcessClock.now() - t0)
                cpus[i] += ProcessClock.cpuSeconds() - c0
            }
        }
        let median = walls.map { $0.sorted()[$0.count / 2] }
        let n = Double(max(1, repetitions))
        return Timing(projectSeconds: median[0], librarySeconds: median[1], projectCPUSeconds: cpus[0] / n,
                      libraryCPUSeconds: cpus[1] / n, ratio: median[0] / max(median[1], 1e-12))
    }

    public static func run(model: AgentModel = .transporter, width: Double = 1, threads: Int = 2, repetitions: Int = 3,
                           progress: (String) -> Void = { _ in }) throws -> Result {
        BLAS.useBestKernels()
        BLAS.threadCount = threads
        HeapReuse.enable()
        let (agent, image, text) = try ModelBenchmark.makeStepInputs(model: model, width: width)
        let pick = (row: 160, column: 53), place = (row: 106, column: 80)
        // The step's convolutions as it runs them (the project's kernels, networks side by side).
        let census = ComputeSettings.with(project) {
            ConvolutionCensus.count { _ = agent.trainStep(image: image, pick: pick, place: place, placeRotation: 5, text: text) }
        }
        var g = SplitMix64(seed: 11)
        var rows: [ConvolutionRow] = []
        var shapes: [ConvolutionCensus.Entry] = []
        for (entry, _) in census where entry.direction == .forward || entry.direction == .weightGradient {
            var key = entry; key.direction = .forward
            if !shapes.contains(key) { shapes.append(key) }
        }
        let countOf = { (e: ConvolutionCensus.Entry, d: ConvolutionCensus.Direction) -> Int in
            var k = e; k.direction = d
            return census.first { $0.entry == k }?.count ?? 0
        }
        for shape in shapes {
            BLAS.threadCount = shape.threads
            defer { BLAS.threadCount = threads }
            let options = Conv2DOptions(stride: shape.stride, padding: shape.padding)
            let x = Tensor.uniform(shape.input, low: -1, high: 1, using: &g)
            let w = Tensor.uniform(shape.weight, low: -0.1, high: 0.1, using: &g)
            let y = Conv2D.forward(x, weight: w, options: options)
            let gy = Tensor.uniform(y.shape, low: -1, high: 1, using: &g)
            let forwards = countOf(shape, .forward), dWs = countOf(shape, .weightGradient), dXs = countOf(shape, .inputGradient)
            var row = ConvolutionRow(input: shape.input, weight: shape.weight, stride: shape.stride, padding: shape.padding,
                                     threads: shape.threads, perStep: max(forwards, dWs),
                                     implementation: Conv2D.libraryImplementation(inputShape: shape.input, weightShape: shape.weight,
                                                                                  options: options) ?? "none")
            var gw = Tensor.zeros(shape.weight)
            if forwards > 0 {
                row.forward = pair(repetitions, { _ = Conv2D.forward(x, weight: w, options: options) },
                                   { _ = Conv2D.forward(x, weight: w, options: options) })
            }
            if dWs > dXs {
                row.weightGradient = pair(repetitions,
                    { _ = Conv2D.backward(gy, input: x, weight: w, options: options, weightGradient: &gw, inputGradient: false) },
                    { _ = Conv2D.backward(gy, input: x, weight: w, options: options, weightGradient: &gw, inputGradient: false) })
            }
            if dXs > 0 {
                row.bothGradients = pair(repetitions,
                    { _ = Conv2D.backward(gy, input: x, weight: w, options: options, weightGradient: &gw, inputGradient: true) },
                    { _ = Conv2D.backward(gy, input: x, weight: w, options: options, weightGradient: &gw, inputGradient: true) })
            }
            rows.append(row)
            func fmt(_ t: Timing?) -> String {
                t.map { String(format: "%.1f/%.1f ms (%.2fx)", 1000 * $0.projectSeconds, 1000 * $0.librarySeconds, $0.ratio) } ?? "-"
            }
            progress("conv \(shape.input) * \(shape.weight) s\(shape.stride) p\(shape.padding) t\(shape.threads) x\(row.perStep) [\(row.implementation)]: "
                     + "forward \(fmt(row.forward)), dW \(fmt(row.weightGradient)), dW+dX \(fmt(row.bothGradients))")
        }

        // The transport's correlation: key [1, 3, 384, 224], kernels [36, 3, 64, 64], TransportModule's window.
        let rowsRead = BilinearResize.sourceRange(input: 385, output: 384, alignCorners: false, reading: 32..<352)
        let columnsRead = BilinearResize.sourceRange(input: 225, output: 224, alignCorners: false, reading: 32..<192)
        let window = PixelWindow(top: rowsRead.lowerBound, left: columnsRead.lowerBound, height: rowsRead.count, width: columnsRead.count)
        let key = Tensor.uniform([1, 3, 384, 224], low: -1, high: 1, using: &g)
        let kernels = Tensor.uniform([36, 3, 64, 64], low: -1, high: 1, using: &g)
        let gradient = Tensor.uniform([1, 36, 385, 225], low: -1, high: 1, using: &g)
        progress("FFT correlation: timing")
        let savedProject = FFTCorrelation.Saved(), savedLibrary = FFTCorrelation.Saved()
        var outProject = Tensor.zeros([0]), outLibrary = Tensor.zeros([0])
        let forward = pair(repetitions, { outProject = FFTCorrelation.forward(key: key, kernels: kernels, window: window, saved: savedProject) },
                           { outLibrary = FFTCorrelation.forward(key: key, kernels: kernels, window: window, saved: savedLibrary) })
        let backward = pair(repetitions,
                            { _ = FFTCorrelation.backward(gradient, key: key, kernels: kernels, window: window, saved: savedProject) },
                            { _ = FFTCorrelation.backward(gradient, key: key, kernels: kernels, window: window, saved: savedLibrary) })
        let scale = Double(outProject.scalars.map(abs).max() ?? 1)
        let difference = Double(zip(outProject.scalars, outLibrary.scalars).map { abs($0 - $1) }.max() ?? 0) / scale
        let correlation = CorrelationRow(key: key.shape, kernels: kernels.shape, grid: FFTCorrelation.grid(key: key.shape, kernels: kernels.shape, window: window),
                                         threads: threads, forward: forward, backward: backward, relativeDifference: difference)
        progress(String(format: "FFT correlation %@: forward %.1f/%.1f ms (%.2fx), backward %.1f/%.1f ms (%.2fx), difference %.1e",
                        "\(correlation.grid)", 1000 * forward.projectSeconds, 1000 * forward.librarySeconds, forward.ratio,
                        1000 * backward.projectSeconds, 1000 * backward.librarySeconds, backward.ratio, difference))

        var projectSum = forward.projectSeconds + backward.projectSeconds
        var librarySum = forward.librarySeconds + backward.librarySeconds
        var best = min(forward.projectSeconds, forward.librarySeconds) + min(backward.projectSeconds, backward.librarySeconds)
        let fftAdopted = ComputeSettings().fftLibrary == .fftw
        var adopted = fftAdopted ? forward.librarySeconds + backward.librarySeconds : forward.projectSeconds + backward.projectSeconds
        for row in rows {
            let oneDNN = ComputeSettings().convolutionLibrary.covers(images: row.input[0], channels: row.input[1], kernelHeight: row.weight[2],
                                                                     kernelWidth: row.weight[3], strideH: row.stride, strideW: row.stride)
            for t in [row.forward, row.weightGradient, row.bothGradients].compactMap({ $0 }) {
                projectSum += Double(row.perStep) * t.projectSeconds
                librarySum += Double(row.perStep) * t.librarySeconds
                best += Double(row.perStep) * min(t.projectSeconds, t.librarySeconds)
                adopted += Double(row.perStep) * (oneDNN ? t.librarySeconds : t.projectSeconds)
            }
        }
        return Result(model: model.rawValue, width: width, threads: threads, repetitions: repetitions,
                      loadAverage: KernelBenchmark.loadAverage(), convolutions: rows, correlation: correlation,
                      projectStepSeconds: projectSum, libraryStepSeconds: librarySum, bestStepSeconds: best,
                      adoptedStepSeconds: adopted)
    }

    /// The 1-minute load average (0 where unavailable).
    static func loadAverage() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
              let first = text.split(separator: " ").first else { return 0 }
        return Double(first) ?? 0
    }
}
