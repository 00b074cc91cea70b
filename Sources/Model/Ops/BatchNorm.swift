import Foundation

/// Batch normalisation over the channels of an NCHW tensor (PyTorch's `BatchNorm2d`, eps 1e-5,
/// momentum 0.1).
///
/// Two forms: `inference` uses running statistics (PyTorch's eval mode: CLIP's frozen trunk in validation
/// and evaluation, or throughout with `--clip-batchnorm running-statistics`), and `training` uses the
/// batch's statistics and updates the running ones (train mode: CLIPort's UNet DoubleConv, which its
/// eval.py also leaves in it, and the frozen CLIP trunk while CLIPort trains).
public struct BatchNormStatistics: Equatable, Sendable {
    public var runningMean: Tensor
    public var runningVariance: Tensor
    public var epsilon: Float
    public var momentum: Float

    public init(channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        runningMean = Tensor.zeros([channels])
        runningVariance = Tensor(shape: [channels], repeating: 1)
        self.epsilon = epsilon; self.momentum = momentum
    }
}

/// What the training-form backward needs from its forward.
public struct BatchNormCache: Sendable {
    /// The normalised input (x - mean) / sqrt(var + eps), shape of the input.
    public var normalized: Tensor
    /// 1 / sqrt(var + eps) per channel.
    public var inverseStd: [Float]
}

public enum BatchNorm {
    /// y = (x - running mean) / sqrt(running var + eps) * gamma + beta.
    public static func inference(_ x: Tensor, gamma: Tensor, beta: Tensor, statistics: BatchNormStatistics) -> Tensor {
        let (_, c, _, _) = x.nchw
        var scale = [Float](repeating: 0, count: c), shift = scale
        for ci in 0..<c {
            let inv = 1 / (statistics.runningVariance.scalars[ci] + statistics.epsilon).squareRoot()
            scale[ci] = gamma.scalars[ci] * inv
            shift[ci] = beta.scalars[ci] - statistics.runningMean.scalars[ci] * scale[ci]
        }
        return affineChannels(x, scale: scale, shift: shift)
    }

    /// Gradients of the inference form: (input, gamma, beta).
    public static func inferenceBackward(_ gradOutput: Tensor, input: Tensor, gamma: Tensor,
                                         statistics: BatchNormStatistics) -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        let (n, c, h, w) = input.nchw
        let plane = h * w
        var scale = [Float](repeating: 0, count: c)
        var gGamma = Tensor.zeros([c]), gBeta = Tensor.zeros([c])
        for ci in 0..<c {
            let inv = 1 / (statistics.runningVariance.scalars[ci] + statistics.epsilon).squareRoot()
            scale[ci] = gamma.scalars[ci] * inv
            var sg: Double = 0, sgx: Double = 0
            let mean = statistics.runningMean.scalars[ci]
            for ni in 0..<n {
                let base = (ni * c + ci) * plane
                for i in 0..<plane {
                    let g = gradOutput.scalars[base + i]
                    sg += Double(g); sgx += Double(g * (input.scalars[base + i] - mean) * inv)
                }
            }
            gGamma.scalars[ci] = Float(sgx); gBeta.scalars[ci] = Float(sg)
        }
        let gx = affineChannels(gradOutput, scale: scale, shift: [Float](repeating: 0, count: c))
        return (gx, gGamma, gBeta)
    }

    /// Normalises with the batch's mean and biased variance over (N, H, W), and moves the running
    /// statistics by `momentum` towards the batch mean and *unbiased* variance, as PyTorch does.
    public static func training(_ x: Tensor, gamma: Tensor, beta: Tensor,
                                statistics: inout BatchNormStatistics) -> (output: Tensor, cache: BatchNormCache) {
        var normalized = Tensor.zeros(x.shape)
        let (y, inverseStd) = normalizeWithBatchStatistics(x, gamma: gamma, beta: beta, statistics: &statistics,
                                                           normalized: &normalized.scalars)
        return (y, BatchNormCache(normalized: normalized, inverseStd: inverseStd))
    }

    /// The training form's output without what its backward needs: a module in train mode that no
    /// gradient reaches (CLIPort's frozen CLIP trunk, run under `no_grad` in train mode) still normalises
    /// with the batch's statistics and moves its running ones.
    public static func trainingForward(_ x: Tensor, gamma: Tensor, beta: Tensor,
                                       statistics: inout BatchNormStatistics) -> Tensor {
        var none: [Float] = []
        return normalizeWithBatchStatistics(x, gamma: gamma, beta: beta, statistics: &statistics, normalized: &none).output
    }

    /// The training form; also fills `normalized` (the input's shape) with x-hat unless it is empty.
    private static func normalizeWithBatchStatistics(_ x: Tensor, gamma: Tensor, beta: Tensor, statistics: inout BatchNormStatistics,
                                                     normalized: inout [Float]) -> (output: Tensor, inverseStd: [Float]) {
        let (n, c, h, w) = x.nchw
        let plane = h * w, count = n * plane
        precondition(count > 1, "batch norm (training): needs more than one value per channel, got shape \(x.shape)")
        let keepNormalized = !normalized.isEmpty
        var inverseStd = [Float](repeating: 0, count: c)
        var y = Tensor.zeros(x.shape)
        for ci in 0..<c {
            var s: Double = 0
            for ni in 0..<n {
                let base = (ni * c + ci) * plane
                for i in 0..<plane { s += Double(x.scalars[base + i]) }
            }
            let mean = s / Double(count)
            var v: Double = 0
            for ni in 0..<n {
                let base = (ni * c + ci) * plane
                for i in 0..<plane { let d = Double(x.scalars[base + i]) - mean; v += d * d }
            }
            let variance = v / Double(count)
            let inv = Float(1 / (variance + Double(statistics.epsilon)).squareRoot())
            inverseStd[ci] = inv
            let g = gamma.scalars[ci], b = beta.scalars[ci], m = Float(mean)
            for ni in 0..<n {
                let base = (ni * c + ci) * plane
                for i in 0..<plane {
                    let xh = (x.scalars[base + i] - m) * inv
                    if keepNormalized { normalized[base + i] = xh }
                    y.scalars[base + i] = xh * g + b
                }
            }
            let mom = statistics.momentum
            statistics.runningMean.scalars[ci] = (1 - mom) * statistics.runningMean.scalars[ci] + mom * m
            let unbiased = Float(v / Double(count - 1))
            statistics.runningVariance.scalars[ci] = (1 - mom) * statistics.runningVariance.scalars[ci] + mom * unbiased
        }
        return (y, inverseStd)
    }

    /// Gradients of the training form: dx = gamma * invstd / M * (M g - sum g - xhat * sum(g xhat)).
    public static func trainingBackward(_ gradOutput: Tensor, gamma: Tensor, cache: BatchNormCache)
        -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        let (n, c, h, w) = gradOutput.nchw
        let plane = h * w, count = Float(n * plane)
        var gx = Tensor.zeros(gradOutput.shape)
        var gGamma = Tensor.zeros([c]), gBeta = Tensor.zeros([c])
        for ci in 0..<c {
            var sg: Double = 0, sgx: Double = 0
            for ni in 0..<n {
                let base = (ni * c + ci) * plane
                for i in 0..<plane {
                    let g = gradOutput.scalars[base + i]
                    sg += Double(g); sgx += Double(g * cache.normalized.scalars[base + i])
                }
            }
            gGamma.scalars[ci] = Float(sgx); gBeta.scalars[ci] = Float(sg)
            let k = gamma.scalars[ci] * cache.inverseStd[ci] / count
            let mg = Float(sg), mgx = Float(sgx)
            for ni in 0..<n {
                let base = (ni * c + ci) * plane
                for i in 0..<plane {
                    gx.scalars[base + i] = k * (count * gradOutput.scalars[base + i] - mg
                                                - cache.normalized.scalars[base + i] * mgx)
                }
            }
        }
        return (gx, gGamma, gBeta)
    }

    /// y[n, c] = x[n, c] * scale[c] + shift[c].
    static func affineChannels(_ x: Tensor, scale: [Float], shift: [Float]) -> Tensor {
        let (n, c, h, w) = x.nchw
        let plane = h * w
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { yp in
            for ni in 0..<n {
                for ci in 0..<c {
                    let base = (ni * c + ci) * plane, a = scale[ci], b = shift[ci]
                    for i in 0..<plane { yp[base + i] = yp[base + i] * a + b }
                }
            }
        }
        return y
    }
}
