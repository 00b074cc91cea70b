/// A network piece with hand-written forward and backward, llm.c style.
///
/// `forward` keeps what `backward` needs (its input, or its output for ReLU) until the next forward;
/// `backward` takes dL/doutput, adds dL/dparameters into the parameters' gradients, and returns
/// dL/dinput. A layer instance is used once per forward pass (reuse it and the cache is overwritten).
public protocol Layer: AnyObject {
    var parameters: [Parameter] { get }
    func forward(_ x: Tensor) -> Tensor
    func backward(_ gradOutput: Tensor) -> Tensor
}

/// Layers applied in order.
public final class Sequential: Layer {
    public let layers: [Layer]
    public init(_ layers: [Layer]) { self.layers = layers }
    public var parameters: [Parameter] { layers.flatMap { $0.parameters } }
    public func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1.forward($0) } }
    public func backward(_ gradOutput: Tensor) -> Tensor {
        layers.reversed().reduce(gradOutput) { $1.backward($0) }
    }
}

/// ReLU as a layer (keeps its output for backward).
public final class ReLULayer: Layer {
    private var output: Tensor?
    public init() {}
    public var parameters: [Parameter] { [] }
    public func forward(_ x: Tensor) -> Tensor {
        let y = ReLU.forward(x)
        output = y
        return y
    }
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let output else { preconditionFailure("ReLULayer.backward before forward") }
        return ReLU.backward(gradOutput, output: output)
    }

    /// `forward` on a tensor the caller owns, rectified in place (the layer keeps a reference, so the
    /// caller must not mutate `x` afterwards; passing it on to other layers is fine).
    public func forward(inPlace x: inout Tensor) {
        ReLU.apply(&x)
        output = x
    }

    /// `backward` in place on a gradient the caller owns.
    public func backward(inPlace gradient: inout Tensor) {
        guard let output else { preconditionFailure("ReLULayer.backward before forward") }
        ReLU.applyBackward(&gradient, output: output)
    }
}

/// Bilinear upsampling by an integer factor (`nn.UpsamplingBilinear2d` is align-corners).
public final class UpsampleLayer: Layer {
    public let factor: Int
    public let alignCorners: Bool
    private var inputSize: (Int, Int) = (0, 0)
    public init(factor: Int = 2, alignCorners: Bool = true) { self.factor = factor; self.alignCorners = alignCorners }
    public var parameters: [Parameter] { [] }
    public func forward(_ x: Tensor) -> Tensor {
        let (_, _, h, w) = x.nchw
        inputSize = (h, w)
        return BilinearResize.forward(x, height: h * factor, width: w * factor, alignCorners: alignCorners)
    }
    public func backward(_ gradOutput: Tensor) -> Tensor {
        BilinearResize.backward(gradOutput, inputHeight: inputSize.0, inputWidth: inputSize.1, alignCorners: alignCorners)
    }
}

/// A 2-D convolution layer with PyTorch's default initialisation (kaiming-uniform with a = sqrt(5):
/// weights and bias uniform in ±1/sqrt(fan_in)).
public final class Conv2DLayer: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let options: Conv2DOptions
    /// False for a network's first layer on raw images: no dL/dinput is computed (backward returns an
    /// empty tensor), which saves a third of that layer's backward work.
    public var computesInputGradient = true
    private var input: Tensor?

    public init<G: RandomNumberGenerator>(name: String, inChannels: Int, outChannels: Int, kernel: Int,
                                          stride: Int = 1, padding: Int = 0, bias: Bool,
                                          using generator: inout G) {
        let fanIn = Float(inChannels * kernel * kernel)
        let bound = 1 / fanIn.squareRoot()
        weight = Parameter(name: name + ".weight",
                           value: .uniform([outChannels, inChannels, kernel, kernel], low: -bound, high: bound, using: &generator))
        self.bias = bias ? Parameter(name: name + ".bias", value: .uniform([outChannels], low: -bound, high: bound, using: &generator)) : nil
        options = Conv2DOptions(stride: stride, padding: padding)
    }

    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public func forward(_ x: Tensor) -> Tensor {
        input = x
        return Conv2D.forward(x, weight: weight.value, bias: bias?.value, options: options)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("Conv2DLayer.backward before forward") }
        let gx = Conv2D.backward(gradOutput, input: input, weight: weight.value, options: options,
                                 weightGradient: &weight.gradient, inputGradient: computesInputGradient)
        if let bias { bias.gradient.add(Conv2D.biasGradient(gradOutput)) }
        return gx ?? Tensor.zeros([0])
    }

    /// FLOPs (2 x multiply-adds) of a forward pass on an input of `shape`.
    public func forwardFlops(inputShape shape: [Int]) -> Double {
        Conv2D.flops(inputShape: shape, weightShape: weight.value.shape, options: options)
    }
}

/// A fully connected layer with PyTorch's default initialisation.
public final class LinearLayer: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    private var input: Tensor?

    public init<G: RandomNumberGenerator>(name: String, inFeatures: Int, outFeatures: Int, bias: Bool = true,
                                          using generator: inout G) {
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Parameter(name: name + ".weight", value: .uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &generator))
        self.bias = bias ? Parameter(name: name + ".bias", value: .uniform([outFeatures], low: -bound, high: bound, using: &generator)) : nil
    }

    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public func forward(_ x: Tensor) -> Tensor {
        input = x
        return Linear.forward(x, weight: weight.value, bias: bias?.value)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("LinearLayer.backward before forward") }
        if let bias { bias.gradient.add(Linear.biasGradient(gradOutput)) }
        return Linear.backward(gradOutput, input: input, weight: weight.value, weightGradient: &weight.gradient)
    }
}
