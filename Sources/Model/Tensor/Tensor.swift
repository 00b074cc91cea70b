import Foundation

/// A dense Float32 tensor: a shape and its elements in one contiguous row-major array.
///
/// The one layout of the model module. Images and feature maps are **NCHW**: element (n, c, y, x) of a
/// tensor with shape [N, C, H, W] lives at `((n * C + c) * H + y) * W + x`. Matrices are [rows, cols]
/// and sequences are [N, L, D], also row-major. There are no strides and no views: an operation that
/// needs a slice copies it. `Tensor` is a value type (the array is copy-on-write), so a tensor handed
/// to a layer can't change behind the layer's back.
public struct Tensor: Equatable, Sendable {
    public private(set) var shape: [Int]
    public var scalars: [Float]

    /// Creates a tensor from a shape and its row-major elements.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: shape \(shape) needs \(shape.reduce(1, *)) elements, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape with every element `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        self.shape = shape
        self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A zero-filled tensor.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    /// A tensor with arbitrary initial elements, for outputs that are overwritten in full right away
    /// (a GEMM with beta 0). Never hand one out before every element is written.
    @usableFromInline
    static func uninitialized(_ shape: [Int]) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: [Float](unsafeUninitializedCapacity: count) { _, n in n = count })
    }

    /// A tensor whose elements `fill` writes, every one of them (the buffer starts uninitialised).
    /// Saves the zeroing pass over outputs that a GEMM or a pointwise loop overwrites anyway.
    @inlinable
    public static func filled(_ shape: [Int], _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let count = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(buffer)
            initialized = count
        }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// A tensor of the given shape with elements drawn uniformly from [low, high).
    public static func uniform<G: RandomNumberGenerator>(
        _ shape: [Int], low: Float, high: Float, using generator: inout G
    ) -> Tensor {
        var t = Tensor.zeros(shape)
        for i in t.scalars.indices { t.scalars[i] = Float.random(in: low..<high, using: &generator) }
        return t
    }

    /// A tensor of the given shape with normally distributed elements (Box-Muller).
    public static func normal<G: RandomNumberGenerator>(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, using generator: inout G
    ) -> Tensor {
        var t = Tensor.zeros(shape)
        for i in t.scalars.indices {
            let u1 = Double.random(in: Double.leastNormalMagnitude..<1, using: &generator)
            let u2 = Double.random(in: 0..<1, using: &generator)
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            t.scalars[i] = mean + standardDeviation * Float(z)
        }
        return t
    }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    /// Size of dimension `i`; negative `i` counts from the end.
    public func dim(_ i: Int) -> Int { shape[i >= 0 ? i : shape.count + i] }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Element access by full index (slow; for tests and small bookkeeping, never inner loops).
    public subscript(_ index: Int...) -> Float {
        get { scalars[offset(index)] }
        set { scalars[offset(index)] = newValue }
    }

    private func offset(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor: index \(index) does not match shape \(shape)")
        var o = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "Tensor: index \(index) out of bounds for shape \(shape)")
            o = o * d + i
        }
        return o
    }

    /// The (N, C, H, W) sizes of a rank-4 tensor.
    public var nchw: (n: Int, c: Int, h: Int, w: Int) {
        precondition(shape.count == 4, "Tensor: expected an NCHW tensor, got shape \(shape)")
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// Sum of all elements, accumulated in Double.
    public func sum() -> Double {
        var s = 0.0
        for v in scalars { s += Double(v) }
        return s
    }

    /// Largest absolute element (0 for an empty tensor).
    public func maxAbs() -> Float { scalars.reduce(0) { max($0, abs($1)) } }

    /// Adds `other` elementwise in place (shapes must match).
    public mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "Tensor.add: shapes \(shape) and \(other.shape) differ")
        scalars.withUnsafeMutableBufferPointer { d in
            other.scalars.withUnsafeBufferPointer { s in
                for i in 0..<d.count { d[i] += s[i] }
            }
        }
    }

    /// Multiplies every element by `factor` in place.
    public mutating func scale(by factor: Float) {
        scalars.withUnsafeMutableBufferPointer { d in
            for i in 0..<d.count { d[i] *= factor }
        }
    }

    /// Sets every element to zero, keeping the shape.
    public mutating func zero() {
        scalars.withUnsafeMutableBufferPointer { d in d.update(repeating: 0) }
    }
}

/// Small deterministic random generator for weight initialisation and tests (SplitMix64).
///
/// The model module must not depend on Geometry, so it carries its own; any `RandomNumberGenerator`
/// (such as Geometry's `SeededGenerator`) can be passed wherever a generator is taken.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
