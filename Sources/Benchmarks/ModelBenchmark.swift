import Core
import BLAS
import Foundation
import Model
import Trainer

/// `cliport bench model`: times the attention and transport modules (forward, forward + backward) and
/// the whole training step, and reports GFLOP/s against the sgemm peak measured in the same run.
public struct ModelBenchmarkResult: Codable, Sendable {
    public struct SgemmMeasurement: Codable, Sendable {
        public var m: Int, n: Int, k: Int
        public var gflops: Double
    }

    public struct ModuleTiming: Codable, Sendable {
        public var forwardSeconds: Double
        public var forwardBackwardSeconds: Double
        /// Matrix-product GFLOP of one forward and of one forward + backward.
        public var forwardGFLOP: Double
        public var forwardBackwardGFLOP: Double
        public var forwardGFLOPS: Double
        public var forwardBackwardGFLOPS: Double
    }

    public var model: String
    public var width: Double
    public var imageHeight: Int, imageWidth: Int
    public var threads: Int
    public var blasCore: String
    public var blasConfiguration: String
    public var sgemm: [SgemmMeasurement]
    /// Best sgemm rate measured above: the machine's practical peak.
    public var sgemmPeakGFLOPS: Double
    public var attention: ModuleTiming
    public var transport: ModuleTiming
    /// Both modules forward + backward + Adam, seconds per step (median of the repetitions).
    public var trainingStepSeconds: Double
    /// The same step with the modules and the transport's two networks run one after the other, each
    /// using every core (`ConcurrentBranches` off), measured in the same run.
    public var sequentialStepSeconds: Double
    /// Process CPU seconds (user + system) per side-by-side step over its wall seconds: how many of the
    /// cores the step kept busy.
    public var trainingStepCoresBusy: Double
    public var trainingStepGFLOP: Double
    /// CLIPort's PyTorch time per step on this 2-core machine kind (26.1 s transporter, 54.2 s cliport),
    /// and our speedup.
    public var referenceStepSeconds: Double?
    public var speedupOverReference: Double?
    /// CPU-seconds (user + system, all threads) per side-by-side step.
    public var trainingStepCPUSeconds: Double
    /// With `compareKernels`: the side-by-side step with the project's own kernels everywhere and with the
    /// default choice (oneDNN where `ConvolutionLibraryUse.measuredBest` says), interleaved in the same run.
    public struct KernelComparison: Codable, Sendable {
        public var projectSeconds: Double, projectCPUSeconds: Double
        public var librarySeconds: Double, libraryCPUSeconds: Double
    }
    public var kernelComparison: KernelComparison?
}

public enum ModelBenchmark {
    /// - Parameters:
    ///   - width: channel multiplier (1 = CLIPort's full size).
    ///   - repetitions: timed repetitions per measurement (the median is reported) after one warm-up.
    ///   - progress: receives one line per finished measurement.
    public static func run(model: AgentModel = .transporter, width: Double = 1, threads: Int = 2,
                           imageHeight: Int = 320, imageWidth: Int = 160, repetitions: Int = 1, compareKernels: Bool = false,
                           progress: (String) -> Void = { _ in }) throws -> ModelBenchmarkResult {
        // OpenBLAS 0.3.21 mistakes this machine's CPU for a "Prescott"; use the AVX-512 kernels.
        BLAS.useBestKernels()
        BLAS.threadCount = threads
        // Reuse freed tensor memory instead of fresh page-faulting mmaps per layer (see HeapReuse).
        HeapReuse.enable()
        let shapes = [(2048, 2048, 2048), (64, 102_400, 576), (36, 450, 12_288)]
        var sgemm: [ModelBenchmarkResult.SgemmMeasurement] = []
        for (m, n, k) in shapes {
            let rate = measureSgemm(m: m, n: n, k: k)
            sgemm.append(.init(m: m, n: n, k: k, gflops: rate))
            progress(String(format: "sgemm %dx%dx%d: %.1f GFLOP/s", m, n, k, rate))
        }
        let peak = sgemm.map(\.gflops).max() ?? 0

        let (agent, image, text) = try makeStepInputs(model: model, width: width, imageHeight: imageHeight, imageWidth: imageWidth)
        let pick = (row: imageHeight / 2, column: imageWidth / 3)
        let place = (row: imageHeight / 3, column: imageWidth / 2)

        func timeMedian(_ body: () -> Void) -> (seconds: Double, flops: Double, coresBusy: Double) {
            body()   // warm-up (allocations, page faults)
            var times: [Double] = [], flops = 0.0, cpu = 0.0
            for _ in 0..<max(1, repetitions) {
                let t0 = ProcessClock.now(), c0 = ProcessClock.cpuSeconds()
                flops = FlopCounter.measure(body).flops
                times.append(ProcessClock.now() - t0)
                cpu += ProcessClock.cpuSeconds() - c0
            }
            return (times.sorted()[times.count / 2], flops, cpu / times.reduce(0, +))
        }
        func timing(_ name: String, forward: () -> Tensor, backward: (Tensor) -> Void) -> ModelBenchmarkResult.ModuleTiming {
            let f = timeMedian { _ = forward() }
            let fb = timeMedian { let y = forward(); backward(y) }
            let t = ModelBenchmarkResult.ModuleTiming(
                forwardSeconds: f.seconds, forwardBackwardSeconds: fb.seconds,
                forwardGFLOP: f.flops / 1e9, forwardBackwardGFLOP: fb.flops / 1e9,
                forwardGFLOPS: f.flops / 1e9 / f.seconds, forwardBackwardGFLOPS: fb.flops / 1e9 / fb.seconds)
            progress(String(format: "%@: forward %.2f s (%.0f GFLOP, %.1f GFLOP/s), forward+backward %.2f s (%.0f GFLOP, %.1f GFLOP/s)",
                            name, t.forwardSeconds, t.forwardGFLOP, t.forwardGFLOPS,
                            t.forwardBackwardSeconds, t.forwardBackwardGFLOP, t.forwardBackwardGFLOPS))
            return t
        }
        // Backward is fed the logits themselves as the upstream gradient: same cost as the real loss.
        let attention = timing("attention", forward: { agent.attention.forward(image, text: text) },
                               backward: { agent.attention.backward($0) })
        let transport = timing("transport", forward: { agent.transport.forward(image, pickRow: pick.row, pickColumn: pick.column, text: text) },
                               backward: { agent.transport.backward($0) })
        let sequential = ComputeSettings.with({ $0.concurrentBranches = false }) {
            timeMedian { agent.trainStep(image: image, pick: pick, place: place, placeRotation: 5, text: text) }
        }
        progress(String(format: "training step, networks one after the other: %.2f s", sequential.seconds))
        let step = timeMedian { agent.trainStep(image: image, pick: pick, place: place, placeRotation: 5, text: text) }
        progress(String(format: "training step: %.2f CPU-s", step.seconds * step.coresBusy))
        var comparison: ModelBenchmarkResult.KernelComparison? = nil
        if compareKernels {
            // Alternating, so a change in the machine's load falls on both alike.
            var runs: [[(seconds: Double, cpu: Double)]] = [[], []]
            for _ in 0..<max(1, repetitions) {
                for (i, settings) in [KernelBenchmark.project, ComputeSettings()].enumerated() {
                    let t = ComputeSettings.with(settings) {
                        timeMedian { agent.trainStep(image: image, pick: pick, place: place, placeRotation: 5, text: text) }
                    }
                    runs[i].append((t.seconds, t.seconds * t.coresBusy))
                }
            }
            func median(_ r: [(seconds: Double, cpu: Double)]) -> (seconds: Double, cpu: Double) { r.sorted { $0.seconds < $1.seconds }[r.count / 2] }
            let p = median(runs[0]), l = median(runs[1])
            comparison = .init(projectSeconds: p.seconds, projectCPUSeconds: p.cpu, librarySeconds: l.seconds, libraryCPUSeconds: l.cpu)
            progress(String(format: "training step, project kernels %.2f s (%.2f CPU-s), default choice %.2f s (%.2f CPU-s): %.2fx wall, %.2fx CPU",
                            p.seconds, p.cpu, l.seconds, l.cpu, p.seconds / l.seconds, p.cpu / l.cpu))
        }
        let fullSize = width == 1 && imageHeight == 320 && imageWidth == 160
        let reference: Double? = fullSize ? [AgentModel.transporter: 26.1, .cliport: 54.2][model] : nil
        progress(String(format: "training step, networks side by side: %.2f s (%.0f GFLOP, %.2fx one after the other, %.2f cores busy)%@",
                        step.seconds, step.flops / 1e9, sequential.seconds / step.seconds, step.coresBusy,
                        reference.map { String(format: ", %.1fx CLIPort's PyTorch %.1f s", $0 / step.seconds, $0) } ?? ""))
        return ModelBenchmarkResult(
            model: model.rawValue, width: width, imageHeight: imageHeight, imageWidth: imageWidth, threads: threads,
            blasCore: BLAS.coreName, blasConfiguration: BLAS.configuration, sgemm: sgemm, sgemmPeakGFLOPS: peak,
            attention: attention, transport: transport,
            trainingStepSeconds: step.seconds, sequentialStepSeconds: sequential.seconds,
            trainingStepCoresBusy: step.coresBusy, trainingStepGFLOP: step.flops / 1e9,
            referenceStepSeconds: reference, speedupOverReference: reference.map { $0 / step.seconds },
            trainingStepCPUSeconds: step.seconds * step.coresBusy, kernelComparison: comparison)
    }

    /// The networks of `model` at `width` (random weights: timing does not depend on their values; cliport
    /// runs on a random RN50 trunk and sentence) and an observation (and text) for one step.
    public static func makeStepInputs(model: AgentModel, width: Double, imageHeight: Int = 320, imageWidth: Int = 160) throws
        -> (agent: TransporterAgentNetworks, image: Tensor, text: Tensor?) {
        var g = SplitMix64(seed: 7)
        // Timing does not depend on weight values: cliport runs on a random RN50 trunk and sentence.
        let agent: TransporterAgentNetworks
        var text: Tensor? = nil
        switch model {
        case .cliport:
            let trunk = try CLIPVisualTrunk.random(using: &g)
            agent = .cliport(clip: trunk, width: width)
            text = Tensor.uniform([1, 1024], low: -1, high: 1, using: &g)
        case .transporterLang:
            agent = .transporterLang(width: width)
            text = Tensor.uniform([1, 1024], low: -1, high: 1, using: &g)
        case .transporter:
            agent = .transporter(width: width)
        default:
            let trunk = model.needsCLIPVisualTrunk ? try CLIPVisualTrunk.random(using: &g) : nil
            let imageNet = model.isRN50BERT ? try ImageNetResNetTrunk.untrained(using: &g) : nil
            agent = try model.makeNetworks(width: width, seed: 0, textDimension: 1024, learningRate: 1e-4, clip: trunk, imageNet: imageNet)
            if model.isLanguageConditioned { text = Tensor.uniform([1, 1024], low: -1, high: 1, using: &g) }
        }
        // Image-goal agents read the observation and the goal stacked as 12 channels.
        var image = Tensor.zeros([model.needsGoalImage ? 12 : 6, imageHeight, imageWidth])
        let plane = imageHeight * imageWidth
        for i in 0..<image.count {
            image.scalars[i] = i < 3 * plane ? Float.random(in: 0..<255, using: &g) : Float.random(in: 0..<0.05, using: &g)
        }

        return (agent, image, text)
    }

    /// GFLOP/s of C[m,n] = A[m,k] B[k,n], best of a few calls.
    public static func measureSgemm(m: Int, n: Int, k: Int) -> Double {
        let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: k * n)
        var c = [Float](repeating: 0, count: m * n)
        var best = Double.infinity
        for _ in 0..<3 {
            let t0 = ProcessClock.now()
            BLAS.sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n)
            best = min(best, ProcessClock.now() - t0)
        }
        return 2 * Double(m) * Double(n) * Double(k) / best / 1e9
    }
}
