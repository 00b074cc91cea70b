import BLAS

/// Fully connected layer on the last dimension (PyTorch's `nn.Linear`): y = x W^T + b, with
/// W [out, in], b [out], and x of any shape [..., in] treated as a [rows, in] matrix.
public enum Linear {
    public static func forward(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(weight.rank == 2, "linear: weight must be [out, in], got \(weight.shape)")
        let outF = weight.shape[0], inF = weight.shape[1]
        precondition(x.rank >= 1 && x.shape.last == inF, "linear: input \(x.shape) last dim must be \(inF)")
        let rows = x.count / max(1, inF)
        var shape = x.shape; shape[shape.count - 1] = outF
        var y = Tensor.zeros(shape)
        FlopCounter.add(2 * Double(rows * outF * inF))
        if let bias {
            precondition(bias.shape == [outF], "linear: bias shape \(bias.shape), expected [\(outF)]")
            y.scalars.withUnsafeMutableBufferPointer { yp in
                for r in 0..<rows { (yp.baseAddress! + r * outF).update(from: bias.scalars, count: outF) }
            }
        }
        x.scalars.withUnsafeBufferPointer { xp in
        weight.scalars.withUnsafeBufferPointer { wp in
        y.scalars.withUnsafeMutableBufferPointer { yp in
            BLAS.sgemm(transposeB: true, m: rows, n: outF, k: inF, a: xp.baseAddress!, lda: inF,
                       b: wp.baseAddress!, ldb: inF, beta: bias == nil ? 0 : 1, c: yp.baseAddress!, ldc: outF)
        }}}
        return y
    }

    /// Accumulates dL/dW into `weightGradient` and returns dL/dx. Bias gradients: `biasGradient(_:)`.
    public static func backward(_ gradOutput: Tensor, input: Tensor, weight: Tensor,
                                weightGradient: inout Tensor) -> Tensor {
        let outF = weight.shape[0], inF = weight.shape[1]
        let rows = input.count / max(1, inF)
        var gx = Tensor.zeros(input.shape)
        FlopCounter.add(4 * Double(rows * outF * inF))
        gradOutput.scalars.withUnsafeBufferPointer { gp in
        input.scalars.withUnsafeBufferPointer { xp in
        weight.scalars.withUnsafeBufferPointer { wp in
            weightGradient.scalars.withUnsafeMutableBufferPointer { gwp in
                // dW[out, in] += dY[rows, out]^T * X[rows, in]
                BLAS.sgemm(transposeA: true, m: outF, n: inF, k: rows, a: gp.baseAddress!, lda: outF,
                           b: xp.baseAddress!, ldb: inF, beta: 1, c: gwp.baseAddress!, ldc: inF)
            }
            gx.scalars.withUnsafeMutableBufferPointer { gxp in
                // dX[rows, in] = dY[rows, out] * W[out, in]
                BLAS.sgemm(m: rows, n: inF, k: outF, a: gp.baseAddress!, lda: outF,
                           b: wp.baseAddress!, ldb: inF, c: gxp.baseAddress!, ldc: inF)
            }
        }}}
        return gx
    }

    /// dL/db: the sum of `gradOutput` over all rows. Shape [out].
    public static func biasGradient(_ gradOutput: Tensor) -> Tensor {
        let outF = gradOutput.shape.last!
        let rows = gradOutput.count / max(1, outF)
        var acc = [Double](repeating: 0, count: outF)
        for r in 0..<rows {
            for o in 0..<outF { acc[o] += Double(gradOutput.scalars[r * outF + o]) }
        }
        return Tensor(shape: [outF], scalars: acc.map { Float($0) })
    }
}
