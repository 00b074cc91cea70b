import BLAS
import Foundation

/// Multi-head self-attention as PyTorch's `nn.MultiheadAttention` computes it for CLIP's text
/// transformer: packed input projection W_in [3D, D] and b_in [3D] (q, k, v in that order), output
/// projection W_out [D, D] and b_out [D], scores scaled by 1/sqrt(D/heads), and an optional causal
/// mask (position i attends to positions <= i). Input and output are [N, L, D].
public struct AttentionWeights: Sendable {
    public var inWeight: Tensor
    public var inBias: Tensor
    public var outWeight: Tensor
    public var outBias: Tensor
    public init(inWeight: Tensor, inBias: Tensor, outWeight: Tensor, outBias: Tensor) {
        self.inWeight = inWeight; self.inBias = inBias; self.outWeight = outWeight; self.outBias = outBias
    }
}

/// What backward needs: the input, the packed q/k/v, the attention probabilities and the merged heads.
public struct AttentionCache: Sendable {
    public var input: Tensor
    public var qkv: Tensor          // [N, L, 3D]
    public var probabilities: Tensor // [N, heads, L, L]
    public var merged: Tensor       // [N, L, D]
}

public struct AttentionGradients: Sendable {
    public var input: Tensor
    public var inWeight: Tensor
    public var inBias: Tensor
    public var outWeight: Tensor
    public var outBias: Tensor
}

public enum MultiHeadAttention {
    public static func forward(_ x: Tensor, weights: AttentionWeights, heads: Int, causal: Bool)
        -> (output: Tensor, cache: AttentionCache) {
        precondition(x.rank == 3, "attention: input must be [N, L, D], got \(x.shape)")
        let n = x.shape[0], l = x.shape[1], d = x.shape[2]
        precondition(d % heads == 0, "attention: width \(d) not divisible by \(heads) heads")
        let dh = d / heads
        let scale = 1 / Float(dh).squareRoot()
        let qkv = Linear.forward(x, weight: weights.inWeight, bias: weights.inBias)
        var probs = Tensor.zeros([n, heads, l, l])
        var merged = Tensor.zeros([n, l, d])
        qkv.scalars.withUnsafeBufferPointer { qp in
        probs.scalars.withUnsafeMutableBufferPointer { pp in
        merged.scalars.withUnsafeMutableBufferPointer { mp in
            for b in 0..<n {
                let base = qp.baseAddress! + b * l * 3 * d
                for hd in 0..<heads {
                    let q = base + hd * dh, k = base + d + hd * dh, v = base + 2 * d + hd * dh
                    let p = pp.baseAddress! + (b * heads + hd) * l * l
                    // S[L, L] = scale * Q_h K_h^T
                    BLAS.sgemm(transposeB: true, m: l, n: l, k: dh, alpha: scale, a: q, lda: 3 * d,
                               b: k, ldb: 3 * d, c: p, ldc: l)
                    for i in 0..<l {
                        let row = p + i * l
                        let valid = causal ? i + 1 : l
                        var mx = -Float.infinity
                        for j in 0..<valid { mx = max(mx, row[j]) }
                        var z: Float = 0
                        for j in 0..<valid { row[j] = expf(row[j] - mx); z += row[j] }
                        let inv = 1 / z
                        for j in 0..<valid { row[j] *= inv }
                        for j in valid..<l { row[j] = 0 }
                    }
                    // O_h[L, dh] = P V_h, written into its columns of the merged [L, D].
                    BLAS.sgemm(m: l, n: dh, k: l, a: p, lda: l, b: v, ldb: 3 * d,
                               c: mp.baseAddress! + b * l * d + hd * dh, ldc: d)
                }
            }
        }}}
        let out = Linear.forward(merged, weight: weights.outWeight, bias: weights.outBias)
        return (out, AttentionCache(input: x, qkv: qkv, probabilities: probs, merged: merged))
    }

    public static func backward(_ gradOutput: Tensor, weights: AttentionWeights, heads: Int,
                                cache: AttentionCache) -> AttentionGradients {
        let n = cache.input.shape[0], l = cache.input.shape[1], d = cache.input.shape[2]
        let dh = d / heads
        let scale = 1 / Float(dh).squareRoot()
        var gOutW = Tensor.zeros(weights.outWeight.shape)
        let gMerged = Linear.backward(gradOutput, input: cache.merged, weight: weights.outWeight, weightGradient: &gOutW)
        let gOutB = Linear.biasGradient(gradOutput)
        var gQKV = Tensor.zeros(cache.qkv.shape)
        var gP = [Float](repeating: 0, count: l * l)
        cache.qkv.scalars.withUnsafeBufferPointer { qp in
        cache.probabilities.scalars.withUnsafeBufferPointer { pp in
        gMerged.scalars.withUnsafeBufferPointer { gmp in
        gQKV.scalars.withUnsafeMutableBufferPointer { gqp in
        gP.withUnsafeMutableBufferPointer { gpp in
            let gpb = gpp.baseAddress!
            for b in 0..<n {
                let base = qp.baseAddress! + b * l * 3 * d
                let gbase = gqp.baseAddress! + b * l * 3 * d
                for hd in 0..<heads {
                    let q = base + hd * dh, k = base + d + hd * dh, v = base + 2 * d + hd * dh
                    let gq = gbase + hd * dh, gk = gbase + d + hd * dh, gv = gbase + 2 * d + hd * dh
                    let p = pp.baseAddress! + (b * heads + hd) * l * l
                    let go = gmp.baseAddress! + b * l * d + hd * dh
                    // dP = dO V^T ; dV = P^T dO
                    BLAS.sgemm(transposeB: true, m: l, n: l, k: dh, a: go, lda: d, b: v, ldb: 3 * d, c: gpb, ldc: l)
                    BLAS.sgemm(transposeA: true, m: l, n: dh, k: l, a: p, lda: l, b: go, ldb: d, c: gv, ldc: 3 * d)
                    // dS = P * (dP - rowsum(dP * P)) * scale (masked entries have P = 0 and stay 0)
                    for i in 0..<l {
                        var s: Float = 0
                        for j in 0..<l { s += gpb[i * l + j] * p[i * l + j] }
                        for j in 0..<l { gpb[i * l + j] = p[i * l + j] * (gpb[i * l + j] - s) * scale }
                    }
                    // dQ = dS K ; dK = dS^T Q
                    BLAS.sgemm(m: l, n: dh, k: l, a: gpb, lda: l, b: k, ldb: 3 * d, c: gq, ldc: 3 * d)
                    BLAS.sgemm(transposeA: true, m: l, n: dh, k: l, a: gpb, lda: l, b: q, ldb: 3 * d, c: gk, ldc: 3 * d)
                }
            }
        }}}}}
        var gInW = Tensor.zeros(weights.inWeight.shape)
        let gx = Linear.backward(gQKV, input: cache.input, weight: weights.inWeight, weightGradient: &gInW)
        return AttentionGradients(input: gx, inWeight: gInW, inBias: Linear.biasGradient(gQKV),
                                  outWeight: gOutW, outBias: gOutB)
    }
}
