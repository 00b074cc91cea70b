import Model
import MPI

/// Data-parallel gradient averaging: every parameter's gradient goes into one flat vector, which is
/// summed over the processes with one all-reduce and divided by the number of examples behind it
/// (batch x processes), so every process applies the same mean gradient and the weights stay equal.
struct GradientAverager {
    let group: ProcessGroup
    private var buffer: [Float] = []

    init(group: ProcessGroup) { self.group = group }

    /// Replaces each gradient by its mean over `examplesPerProcess x group.size` examples.
    mutating func average(_ parameters: [Parameter], examplesPerProcess: Int) throws {
        let scale = 1 / Float(examplesPerProcess * group.size)
        guard group.size > 1 else {
            for p in parameters { p.gradient.scale(by: scale) }
            return
        }
        let total = parameters.reduce(0) { $0 + $1.count }
        if buffer.count != total { buffer = [Float](repeating: 0, count: total) }
        var offset = 0
        for p in parameters {
            buffer.withUnsafeMutableBufferPointer { b in
                for i in 0..<p.count { b[offset + i] = p.gradient.scalars[i] }
            }
            offset += p.count
        }
        try group.sum(&buffer)
        offset = 0
        for p in parameters {
            buffer.withUnsafeBufferPointer { b in
                p.gradient.scalars.withUnsafeMutableBufferPointer { g in
                    for i in 0..<g.count { g[i] = b[offset + i] * scale }
                }
            }
            offset += p.count
        }
    }
}

/// A 64-bit fingerprint of every weight's bits (FNV-1a), to check that ranks agree.
func weightFingerprint(_ parameters: [Parameter]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for p in parameters {
        for v in p.value.scalars { h = (h ^ UInt64(v.bitPattern)) &* 0x100_0000_01b3 }
    }
    return h
}
