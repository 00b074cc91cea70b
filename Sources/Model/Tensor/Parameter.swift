/// A trainable tensor and its accumulated gradient. A reference type so that a layer and an optimiser
/// share one copy: the layer writes `gradient` in backward, the optimiser reads it and updates `value`.
public final class Parameter {
    public let name: String
    public var value: Tensor
    public var gradient: Tensor

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.gradient = Tensor.zeros(value.shape)
    }

    public var count: Int { value.count }

    public func zeroGradient() { gradient.zero() }
}

extension Array where Element == Parameter {
    /// Total number of trainable scalars.
    public var scalarCount: Int { reduce(0) { $0 + $1.count } }

    public func zeroGradients() { forEach { $0.zeroGradient() } }

}
