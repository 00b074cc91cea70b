import Core
import Foundation

/// Times `Correlation` (GEMMs) against `FFTCorrelation` at CLIPort's transport size: key [1, 3, 384, 224],
/// kernels [36, 3, 64, 64], the output window `TransportModule.forward` computes (what its resize
/// reads for the kept 320 x 160 area). A figure to run by hand, not a test.
extension FFTCorrelation {
    public struct BenchmarkResult: Codable, Sendable {
        public var window: [Int]
        public var grid: [Int]
        /// Median seconds per call.
        public var gemmForward: Double, gemmBackward: Double
        public var fftForward: Double, fftBackward: Double
        /// Backward without the spectra saved by forward (recomputes them).
        public var fftBackwardRecomputing: Double
        /// Largest |FFT - GEMM| relative to the largest |GEMM| value, output and both gradients.
        public var relativeDifference: [Double]
    }

    public static func benchmark(channels: Int = 3, rotations: Int = 36, cropSize: Int = 64,
                                 imageHeight: Int = 320, imageWidth: Int = 160, repetitions: Int = 3,
                                 progress: (String) -> Void = { _ in }) -> BenchmarkResult {
        let pad = cropSize / 2
        let ph = imageHeight + 2 * pad, pw = imageWidth + 2 * pad
        // As TransportModule.forward: the correlation pixels the resize reads for the kept area.
        let corrH = ph + 2 * pad - cropSize + 1, corrW = pw + 2 * pad - cropSize + 1
        let rows = BilinearResize.sourceRange(input: corrH, output: ph, alignCorners: false, reading: pad..<(pad + imageHeight))
        let cols = BilinearResize.sourceRange(input: corrW, output: pw, alignCorners: false, reading: pad..<(pad + imageWidth))
        let window = PixelWindow(top: rows.lowerBound, left: cols.lowerBound, height: rows.count, width: cols.count)
        var g = SplitMix64(seed: 3)
        let key = Tensor.uniform([1, channels, ph, pw], low: -1, high: 1, using: &g)
        let kernels = Tensor.uniform([rotations, channels, cropSize, cropSize], low: -1, high: 1, using: &g)
        let grad = Tensor.uniform([1, rotations, corrH, corrW], low: -1, high: 1, using: &g)

        func median(_ body: () -> Void) -> Double {
            body() // warm-up (page faults, plans)
            var times = [Double]()
            for _ in 0..<repetitions {
                let t0 = ProcessClock.now()
                body()
                times.append(ProcessClock.now() - t0)
            }
            return times.sorted()[times.count / 2]
        }
        func relative(_ a: Tensor, _ b: Tensor) -> Double {
            let scale = Double(b.scalars.map(abs).max() ?? 1)
            return Double(zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0) / scale
        }

        var gemmOut = Tensor.zeros([0]), fftOut = Tensor.zeros([0])
        var gemmGrad: (key: Tensor?, kernels: Tensor) = (nil, Tensor.zeros([0])), fftGrad = gemmGrad
        let saved = Saved()
        let gemmForward = median { gemmOut = Correlation.forward(key: key, kernels: kernels, window: window) }
        progress(String(format: "GEMM forward %.3f s", gemmForward))
        let gemmBackward = median { gemmGrad = Correlation.backward(grad, key: key, kernels: kernels, window: window) }
        progress(String(format: "GEMM backward %.3f s", gemmBackward))
        let fftForward = median { fftOut = forward(key: key, kernels: kernels, window: window, saved: saved) }
        progress(String(format: "FFT forward %.3f s", fftForward))
        let fftBackward = median { fftGrad = backward(grad, key: key, kernels: kernels, window: window, saved: saved) }
        progress(String(format: "FFT backward %.3f s", fftBackward))
        let fftBackwardRecomputing = median { _ = backward(grad, key: key, kernels: kernels, window: window) }
        progress(String(format: "FFT backward recomputing spectra %.3f s", fftBackwardRecomputing))
        let layout = Layout(key: key.shape, kernels: kernels.shape, window: window)
        return BenchmarkResult(window: [window.top, window.left, window.height, window.width],
                               grid: [layout.fft.rows, layout.fft.columns],
                               gemmForward: gemmForward, gemmBackward: gemmBackward,
                               fftForward: fftForward, fftBackward: fftBackward, fftBackwardRecomputing: fftBackwardRecomputing,
                               relativeDifference: [relative(fftOut, gemmOut), relative(fftGrad.key!, gemmGrad.key!),
                                                    relative(fftGrad.kernels, gemmGrad.kernels)])
    }
}
