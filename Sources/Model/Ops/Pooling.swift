/// Max and average pooling over NCHW tensors (PyTorch's `MaxPool2d`/`AvgPool2d`, floor mode).
public struct PoolOptions: Equatable, Sendable {
    public var kernel: Int
    public var stride: Int
    public var padding: Int
    public init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        precondition(kernel >= 1 && (stride ?? kernel) >= 1 && padding >= 0 && padding * 2 <= kernel,
                     "PoolOptions: kernel >= 1, stride >= 1, padding <= kernel/2 required")
        self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
    }

    func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernel) / stride + 1 }
}

public enum MaxPool {
    /// Returns the pooled tensor and, per output element, the flat index within its input plane of the
    /// maximum (what backward routes the gradient to). Padding counts as -infinity.
    public static func forward(_ x: Tensor, options: PoolOptions) -> (output: Tensor, argmax: [Int32]) {
        let (n, c, h, w) = x.nchw
        let ho = options.outputSize(h), wo = options.outputSize(w)
        precondition(ho > 0 && wo > 0, "max pool: window larger than input \(h)x\(w)")
        var y = Tensor.zeros([n, c, ho, wo])
        var arg = [Int32](repeating: 0, count: n * c * ho * wo)
        x.scalars.withUnsafeBufferPointer { xp in
        y.scalars.withUnsafeMutableBufferPointer { yp in
        arg.withUnsafeMutableBufferPointer { ap in
            for p in 0..<(n * c) {
                let src = xp.baseAddress! + p * h * w
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var best = -Float.infinity, bestIndex = -1
                        for ki in 0..<options.kernel {
                            let iy = oy * options.stride - options.padding + ki
                            if iy < 0 || iy >= h { continue }
                            for kj in 0..<options.kernel {
                                let ix = ox * options.stride - options.padding + kj
                                if ix < 0 || ix >= w { continue }
                                let v = src[iy * w + ix]
                                if v > best || bestIndex < 0 { best = v; bestIndex = iy * w + ix }
                            }
                        }
                        let o = (p * ho + oy) * wo + ox
                        yp[o] = best; ap[o] = Int32(bestIndex)
                    }
                }
            }
        }}}
        return (y, arg)
    }

    public static func backward(_ gradOutput: Tensor, argmax: [Int32], inputShape: [Int]) -> Tensor {
        let (n, c, ho, wo) = gradOutput.nchw
        let plane = inputShape[2] * inputShape[3]
        var gx = Tensor.zeros(inputShape)
        gx.scalars.withUnsafeMutableBufferPointer { gp in
            for p in 0..<(n * c) {
                for i in 0..<(ho * wo) {
                    let o = p * ho * wo + i
                    gp[p * plane + Int(argmax[o])] += gradOutput.scalars[o]
                }
            }
        }
        return gx
    }
}

public enum AvgPool {
    /// Average over each window; padded taps count as zeros in the divisor (count_include_pad=True,
    /// PyTorch's default). CLIP uses kernel = stride = 2 with no padding.
    public static func forward(_ x: Tensor, options: PoolOptions) -> Tensor {
        let (n, c, h, w) = x.nchw
        let ho = options.outputSize(h), wo = options.outputSize(w)
        precondition(ho > 0 && wo > 0, "avg pool: window larger than input \(h)x\(w)")
        let inv = 1 / Float(options.kernel * options.kernel)
        var y = Tensor.zeros([n, c, ho, wo])
        x.scalars.withUnsafeBufferPointer { xp in
        y.scalars.withUnsafeMutableBufferPointer { yp in
            let xb = xp.baseAddress!, yb = yp.baseAddress!
            parallelFor(n * c, work: n * c * h * w) { p in
                let src = xb + p * h * w
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var s: Float = 0
                        for ki in 0..<options.kernel {
                            let iy = oy * options.stride - options.padding + ki
                            if iy < 0 || iy >= h { continue }
                            for kj in 0..<options.kernel {
                                let ix = ox * options.stride - options.padding + kj
                                if ix < 0 || ix >= w { continue }
                                s += src[iy * w + ix]
                            }
                        }
                        yb[(p * ho + oy) * wo + ox] = s * inv
                    }
                }
            }
        }}
        return y
    }

    public static func backward(_ gradOutput: Tensor, inputShape: [Int], options: PoolOptions) -> Tensor {
        let (n, c, ho, wo) = gradOutput.nchw
        let h = inputShape[2], w = inputShape[3]
        let inv = 1 / Float(options.kernel * options.kernel)
        var gx = Tensor.zeros(inputShape)
        gradOutput.scalars.withUnsafeBufferPointer { gp in
        gx.scalars.withUnsafeMutableBufferPointer { xp in
            let gb = gp.baseAddress!, xb = xp.baseAddress!
            parallelFor(n * c, work: n * c * h * w) { p in
                let dst = xb + p * h * w
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        let g = gb[(p * ho + oy) * wo + ox] * inv
                        for ki in 0..<options.kernel {
                            let iy = oy * options.stride - options.padding + ki
                            if iy < 0 || iy >= h { continue }
                            for kj in 0..<options.kernel {
                                let ix = ox * options.stride - options.padding + kj
                                if ix < 0 || ix >= w { continue }
                                dst[iy * w + ix] += g
                            }
                        }
                    }
                }
            }
        }}
        return gx
    }
}
