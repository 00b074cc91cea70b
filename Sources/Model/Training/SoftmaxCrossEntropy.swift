import Foundation

/// CLIPort's loss (`cross_entropy_with_logits`): mean(-Y * log_softmax(logits)) over the flattened
/// vector of all rotations x rows x columns. It is the cross-entropy divided by the number of elements.
public enum SoftmaxCrossEntropy {
    /// Loss and its gradient with respect to the logits: (softmax * sum(Y) - Y) / count.
    /// `target` has the logits' shape (a one-hot label map, or any distribution).
    public static func lossAndGradient(logits: Tensor, target: Tensor) -> (loss: Float, gradient: Tensor) {
        precondition(logits.shape == target.shape, "cross entropy: logits \(logits.shape) vs target \(target.shape)")
        let n = logits.count
        precondition(n > 0, "cross entropy: empty logits")
        var grad = Tensor.zeros(logits.shape)
        var loss: Double = 0
        logits.scalars.withUnsafeBufferPointer { lp in
        target.scalars.withUnsafeBufferPointer { tp in
        grad.scalars.withUnsafeMutableBufferPointer { gp in
            var mx = -Float.infinity
            for v in lp { mx = max(mx, v) }
            var z: Double = 0
            for v in lp { z += exp(Double(v - mx)) }
            let logZ = Double(mx) + log(z)
            var ysum: Double = 0
            for i in 0..<n {
                let y = Double(tp[i])
                ysum += y
                if y != 0 { loss -= y * (Double(lp[i]) - logZ) }
            }
            let inv = 1 / Double(n)
            for i in 0..<n {
                let p = exp(Double(lp[i]) - logZ)
                gp[i] = Float((p * ysum - Double(tp[i])) * inv)
            }
        }}}
        return (Float(loss / Double(n)), grad)
    }

    /// A one-hot target of `shape` with a 1 at `index` (a full index into the shape).
    public static func oneHot(shape: [Int], at index: [Int]) -> Tensor {
        var t = Tensor.zeros(shape)
        t[index.map { $0 }] = 1
        return t
    }

    /// Softmax over every element of `logits` (for inference: the affordance map).
    public static func softmax(_ logits: Tensor) -> Tensor {
        var out = logits
        let mx = logits.scalars.max() ?? 0
        var z: Double = 0
        for v in logits.scalars { z += exp(Double(v - mx)) }
        let inv = 1 / z
        out.scalars.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = Float(exp(Double(p[i] - mx)) * inv) }
        }
        return out
    }
}

extension Tensor {
    /// Element access by an index array (helper for `oneHot`).
    subscript(index: [Int]) -> Float {
        get {
            var o = 0
            for (i, d) in zip(index, shape) { o = o * d + i }
            return scalars[o]
        }
        set {
            precondition(index.count == shape.count && zip(index, shape).allSatisfy { $0 >= 0 && $0 < $1 },
                         "Tensor: index \(index) out of bounds for shape \(shape)")
            var o = 0
            for (i, d) in zip(index, shape) { o = o * d + i }
            scalars[o] = newValue
        }
    }
}
