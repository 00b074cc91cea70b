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
    /// One box per parameter: a step updates two groups of parameters on two threads, and each thread
    /// must touch only its own parameters' storage (a shared array of arrays would be one variable).
    private let moments: [Moments]
    /// The parameters (by index) each of the two threads of a step updates (`ParameterHalves`).
    private let halves: [[Int]]

    private final class Moments {
        var first: [Float]
        var second: [Float]
        init(count: Int) { first = [Float](repeating: 0, count: count); second = first }
    }

    public init(parameters: [Parameter], configuration: AdamConfiguration = AdamConfiguration()) {
        self.parameters = parameters
        self.configuration = configuration
        moments = parameters.map { Moments(count: $0.count) }
        halves = ParameterHalves.split(parameters)
    }

    /// Zeroes the parameters' gradients, the two halves side by side.
    public func zeroGradients() {
        ConcurrentBranches.run({ for k in self.halves[0] { self.parameters[k].zeroGradient() } },
                               { for k in self.halves[1] { self.parameters[k].zeroGradient() } })
    }

    /// The optimiser's state (step count and both moments, one array per parameter), for checkpoints:
    /// restoring it makes a resumed run continue exactly as an uninterrupted one.
    public var state: (stepCount: Int, firstMoment: [[Float]], secondMoment: [[Float]]) {
        (stepCount, moments.map(\.first), moments.map(\.second))
    }

    /// Restores `state`; the moments must match the parameters' sizes.
    public func restore(stepCount: Int, firstMoment: [[Float]], secondMoment: [[Float]]) throws {
        guard firstMoment.map(\.count) == parameters.map(\.count), secondMoment.map(\.count) == parameters.map(\.count) else {
            throw AdamStateError.shapeMismatch
        }
        self.stepCount = stepCount
        for (k, box) in moments.enumerated() { box.first = firstMoment[k]; box.second = secondMoment[k] }
    }

    /// One update from the parameters' current gradients. Each value's update reads only its own
    /// gradient and moments, so the two halves of the parameters go side by side (`ConcurrentBranches`)
    /// with the same results bit for bit.
    public func step() {
        stepCount += 1
        let c = configuration
        let t = Float(stepCount)
        let bias1 = 1 - powf(c.beta1, t)
        let bias2Sqrt = (1 - powf(c.beta2, t)).squareRoot()
        let stepSize = c.learningRate / bias1
        func update(_ indices: [Int]) {
            for k in indices {
                let p = parameters[k], box = moments[k]
                p.value.scalars.withUnsafeMutableBufferPointer { w in
                p.gradient.scalars.withUnsafeBufferPointer { g in
                box.first.withUnsafeMutableBufferPointer { m in
                box.second.withUnsafeMutableBufferPointer { v in
                    for i in 0..<w.count {
                        let gi = g[i] + c.weightDecay * w[i]
                        m[i] = c.beta1 * m[i] + (1 - c.beta1) * gi
                        v[i] = c.beta2 * v[i] + (1 - c.beta2) * gi * gi
                        w[i] -= stepSize * m[i] / (v[i].squareRoot() / bias2Sqrt + c.epsilon)
                    }
                }}}}
            }
        }
        ConcurrentBranches.run({ update(self.halves[0]) }, { update(self.halves[1]) })
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
