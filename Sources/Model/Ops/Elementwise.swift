/// Elementwise arithmetic and channel concatenation on tensors of equal shape.
public enum Elementwise {
    /// a + b. Backward: the upstream gradient goes unchanged to both inputs.
    public static func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        var y = a
        y.add(b)
        return y
    }

    /// a * b (Hadamard).
    public static func multiply(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "multiply: shapes \(a.shape) and \(b.shape) differ")
        var y = a
        y.scalars.withUnsafeMutableBufferPointer { yp in
            b.scalars.withUnsafeBufferPointer { bp in
                for i in 0..<yp.count { yp[i] *= bp[i] }
            }
        }
        return y
    }

    /// Gradients of a * b: (g * b, g * a).
    public static func multiplyBackward(_ gradOutput: Tensor, _ a: Tensor, _ b: Tensor) -> (a: Tensor, b: Tensor) {
        (multiply(gradOutput, b), multiply(gradOutput, a))
    }

    /// x [N, C, H, W] times a per-channel factor g [N, C], broadcast over H and W: CLIPort's language
    /// product `x * tile(Linear(text))`.
    public static func multiplyChannels(_ x: Tensor, _ factors: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        precondition(factors.shape == [n, c], "multiplyChannels: factors shape \(factors.shape), expected [\(n), \(c)]")
        var y = x
        let plane = h * w
        y.scalars.withUnsafeMutableBufferPointer { yp in
            for i in 0..<(n * c) {
                let f = factors.scalars[i]
                let base = i * plane
                for j in 0..<plane { yp[base + j] *= f }
            }
        }
        return y
    }

    /// Gradients of `multiplyChannels`: (g * tile(f), sum over H, W of g * x).
    public static func multiplyChannelsBackward(_ gradOutput: Tensor, _ x: Tensor, _ factors: Tensor)
        -> (x: Tensor, factors: Tensor) {
        let (n, c, h, w) = x.nchw
        let gx = multiplyChannels(gradOutput, factors)
        var gf = Tensor.zeros([n, c])
        let plane = h * w
        gradOutput.scalars.withUnsafeBufferPointer { gp in
            x.scalars.withUnsafeBufferPointer { xp in
                for i in 0..<(n * c) {
                    var s: Double = 0
                    let base = i * plane
                    for j in 0..<plane { s += Double(gp[base + j] * xp[base + j]) }
                    gf.scalars[i] = Float(s)
                }
            }
        }
        return (gx, gf)
    }
}

/// Concatenation of NCHW tensors along channels (`torch.cat(dim=1)`).
public enum Concat {
    public static func channels(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "concat: no tensors")
        let (n, _, h, w) = parts[0].nchw
        for p in parts {
            precondition(p.rank == 4 && p.shape[0] == n && p.shape[2] == h && p.shape[3] == w,
                         "concat: shape \(p.shape) does not match [\(n), _, \(h), \(w)]")
        }
        let cs = parts.map { $0.shape[1] }
        let ctot = cs.reduce(0, +)
        let plane = h * w
        var y = Tensor.zeros([n, ctot, h, w])
        y.scalars.withUnsafeMutableBufferPointer { yp in
            for ni in 0..<n {
                var cOff = 0
                for (k, p) in parts.enumerated() {
                    let count = cs[k] * plane
                    p.scalars.withUnsafeBufferPointer { pp in
                        (yp.baseAddress! + (ni * ctot + cOff) * plane)
                            .update(from: pp.baseAddress! + ni * count, count: count)
                    }
                    cOff += cs[k]
                }
            }
        }
        return y
    }

    /// Splits a channel gradient back into parts with the given channel counts.
    public static func channelsBackward(_ gradOutput: Tensor, channelCounts: [Int]) -> [Tensor] {
        let (n, ctot, h, w) = gradOutput.nchw
        precondition(channelCounts.reduce(0, +) == ctot, "concat backward: channel counts \(channelCounts) != \(ctot)")
        let plane = h * w
        var cOff = 0
        var out: [Tensor] = []
        gradOutput.scalars.withUnsafeBufferPointer { gp in
            for c in channelCounts {
                var part = Tensor.zeros([n, c, h, w])
                part.scalars.withUnsafeMutableBufferPointer { pp in
                    for ni in 0..<n {
                        (pp.baseAddress! + ni * c * plane)
                            .update(from: gp.baseAddress! + (ni * ctot + cOff) * plane, count: c * plane)
                    }
                }
                out.append(part)
                cOff += c
            }
        }
        return out
    }
}
