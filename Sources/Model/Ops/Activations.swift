import Foundation

/// Pointwise activations. Each backward takes what its forward saw and the upstream gradient.
public enum ReLU {
    /// max(x, 0), written in one branch-free pass (signs are random: a branch per element mispredicts).
    public static func forward(_ x: Tensor) -> Tensor {
        x.scalars.withUnsafeBufferPointer { xp in
            Tensor.filled(x.shape) { y in
                for i in 0..<y.count { y[i] = max(xp[i], 0) }
            }
        }
    }

    /// max(x, 0) in place: no copy when the caller owns the only reference.
    public static func apply(_ x: inout Tensor) {
        x.scalars.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = max(p[i], 0) }
        }
    }

    /// Uses the forward *output* (positive exactly where the input was), so callers may keep only it.
    public static func backward(_ gradOutput: Tensor, output: Tensor) -> Tensor {
        precondition(gradOutput.shape == output.shape, "ReLU backward: shape mismatch")
        return gradOutput.scalars.withUnsafeBufferPointer { gp in
            output.scalars.withUnsafeBufferPointer { yp in
                Tensor.filled(gradOutput.shape) { g in
                    for i in 0..<g.count { g[i] = yp[i] > 0 ? gp[i] : 0 }
                }
            }
        }
    }

    /// `backward` in place on a gradient the caller owns.
    public static func applyBackward(_ gradient: inout Tensor, output: Tensor) {
        precondition(gradient.shape == output.shape, "ReLU backward: shape mismatch")
        gradient.scalars.withUnsafeMutableBufferPointer { gp in
            output.scalars.withUnsafeBufferPointer { yp in
                for i in 0..<gp.count { gp[i] = yp[i] > 0 ? gp[i] : 0 }
            }
        }
    }
}

/// GELU with the exact erf form, PyTorch's default `nn.GELU()`: x * Phi(x).
public enum GELU {
    public static func forward(_ x: Tensor) -> Tensor {
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count {
                let v = p[i]
                p[i] = 0.5 * v * (1 + erff(v * 0.70710678118654752))
            }
        }
        return y
    }

    public static func backward(_ gradOutput: Tensor, input: Tensor) -> Tensor {
        precondition(gradOutput.shape == input.shape, "GELU backward: shape mismatch")
        var g = gradOutput
        g.scalars.withUnsafeMutableBufferPointer { gp in
            input.scalars.withUnsafeBufferPointer { xp in
                for i in 0..<gp.count {
                    let v = xp[i]
                    let cdf = 0.5 * (1 + erff(v * 0.70710678118654752))
                    let pdf = expf(-0.5 * v * v) * 0.39894228040143268
                    gp[i] *= cdf + v * pdf
                }
            }
        }
        return g
    }
}

/// CLIP's QuickGELU: x * sigmoid(1.702 x).
public enum QuickGELU {
    public static func forward(_ x: Tensor) -> Tensor {
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count {
                let v = p[i]
                p[i] = v / (1 + expf(-1.702 * v))
            }
        }
        return y
    }

    public static func backward(_ gradOutput: Tensor, input: Tensor) -> Tensor {
        precondition(gradOutput.shape == input.shape, "QuickGELU backward: shape mismatch")
        var g = gradOutput
        g.scalars.withUnsafeMutableBufferPointer { gp in
            input.scalars.withUnsafeBufferPointer { xp in
                for i in 0..<gp.count {
                    let v = xp[i]
                    let s = 1 / (1 + expf(-1.702 * v))
                    gp[i] *= s + 1.702 * v * s * (1 - s)
                }
            }
        }
        return g
    }
}
