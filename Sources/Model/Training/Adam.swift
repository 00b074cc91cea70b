/// Adam (Kingma & Ba) exactly as PyTorch's `torch.optim.Adam` (no AMSGrad, L2 weight decay added to
/// the gradient when nonzero): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g²;
/// p -= lr / (1-b1^t) * m / (sqrt(v) / sqrt(1-b2^t) + eps). CLIPort: lr 1e-4, no decay, no schedule.
public struct AdamConfiguration: Codable, Equatable, Sendable {
    public var learningRate: Float = 1e-4
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float = 0
    public init(learningRate: Float = 1e-4) { self.learningRate = learningRate }
}

public final class Adam {
    public let parameters: [Parameter]
    public var configuration: AdamConfiguration
    public private(set) var stepCount = 0
    private var firstMoment: [[Float]]
    private var secondMoment: [[Float]]

    public init(parameters: [Parameter], configuration: AdamConfiguration = AdamConfiguration()) {
        self.parameters = parameters
        self.configuration = configuration
        firstMoment = parameters.map { [Float](repeating: 0, count: $0.count) }
        secondMoment = firstMoment
    }

    public func zeroGradients() { parameters.zeroGradients() }

    /// The optimiser's state (step count and both moments, one array per parameter), for checkpoints:
    /// restoring it makes a resumed run continue exactly as an uninterrupted one.
    public var state: (stepCount: Int, firstMoment: [[Float]], secondMoment: [[Float]]) {
        (stepCount, firstMoment, secondMoment)
    }

    /// Restores `state`; the moments must match the parameters' sizes.
    public func restore(stepCount: Int, firstMoment: [[Float]], secondMoment: [[Float]]) throws {
        guard firstMoment.map(\.count) == parameters.map(\.count), secondMoment.map(\.count) == parameters.map(\.count) else {
            throw AdamStateError.shapeMismatch
        }
        self.stepCount = stepCount
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }

    /// One update from the parameters' current gradients.
    public func step() {
        stepCount += 1
        let c = configuration
        let t = Float(stepCount)
        let bias1 = 1 - powf(c.beta1, t)
        let bias2Sqrt = (1 - powf(c.beta2, t)).squareRoot()
        let stepSize = c.learningRate / bias1
        for (k, p) in parameters.enumerated() {
            p.value.scalars.withUnsafeMutableBufferPointer { w in
            p.gradient.scalars.withUnsafeBufferPointer { g in
            firstMoment[k].withUnsafeMutableBufferPointer { m in
            secondMoment[k].withUnsafeMutableBufferPointer { v in
                for i in 0..<w.count {
                    let gi = g[i] + c.weightDecay * w[i]
                    m[i] = c.beta1 * m[i] + (1 - c.beta1) * gi
                    v[i] = c.beta2 * v[i] + (1 - c.beta2) * gi * gi
                    w[i] -= stepSize * m[i] / (v[i].squareRoot() / bias2Sqrt + c.epsilon)
                }
            }}}}
        }
    }
}

public enum AdamStateError: Error, CustomStringConvertible {
    case shapeMismatch
    public var description: String {
        "the checkpoint's optimiser state does not fit this model (other --model or --width?); resume with the run's own settings"
    }
}

#if canImport(Glibc)
import Glibc
#endif
