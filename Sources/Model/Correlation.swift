/// The transport module's correlation: the key map (1, C, H, W) convolved with a batch of query
/// kernels (R, C, k, k) at padding k/2, giving (1, R, H+1, W+1) for even k (`F.conv2d(key, kernels,
/// padding=k/2)`). It is a convolution whose "weights" are activations, so both sides get gradients.
public enum Correlation {
    public static func forward(key: Tensor, kernels: Tensor) -> Tensor {
        precondition(key.rank == 4 && key.shape[0] == 1, "correlation: key must be (1, C, H, W), got \(key.shape)")
        precondition(kernels.rank == 4 && kernels.shape[2] == kernels.shape[3],
                     "correlation: kernels must be (R, C, k, k), got \(kernels.shape)")
        return Conv2D.forward(key, weight: kernels, options: options(kernels))
    }

    /// Gradients with respect to the key map and the kernels.
    public static func backward(_ gradOutput: Tensor, key: Tensor, kernels: Tensor,
                                keyGradient: Bool = true) -> (key: Tensor?, kernels: Tensor) {
        var gk = Tensor.zeros(kernels.shape)
        let gkey = Conv2D.backward(gradOutput, input: key, weight: kernels, options: options(kernels),
                                   weightGradient: &gk, inputGradient: keyGradient)
        return (gkey, gk)
    }

    static func options(_ kernels: Tensor) -> Conv2DOptions {
        Conv2DOptions(stride: 1, padding: kernels.shape[2] / 2)
    }
}
