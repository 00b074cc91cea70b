/// torchvision's ResNet-50 up to layer4 (no pooling, no fc), as CLIPort's RN50-BERT agents run it:
/// frozen, batch norm with running statistics, on the CLIP-normalised RGB channels.
///
/// Stem: 7x7 conv stride 2 + BN + ReLU, 3x3 max-pool stride 2 (padding 1). Layers 1-4: bottlenecks
/// (1x1 → 3x3 with the stride (torchvision's v1.5) → 1x1 x4 expansion, BN after each), the first of a
/// layer with a 1x1 strided conv + BN downsample. Intermediates, as CLIPort's `resnet50()` collects
/// them: the stem's output (H/4), layer1 (H/4), layer2 (H/8), layer3 (H/16), layer4 (H/32).
public struct ImageNetResNetTrunk: VisualTrunk {
    public let width: Int
    public let blocks: [Int]
    let weights: TensorDictionary

    /// `weights` under torchvision's state-dict names (`conv1.weight`, `bn1.running_mean`,
    /// `layer1.0.downsample.0.weight`, …; `fc.*` is ignored).
    public init(weights: TensorDictionary, width: Int = 64, blocks: [Int] = [3, 4, 6, 3]) throws {
        self.width = width; self.blocks = blocks; self.weights = weights
        _ = try weights.tensor("conv1.weight", shape: [width, 3, 7, 7])
    }

    public var layerChannels: [Int] { (0..<4).map { width * 4 << $0 } }
    public func streamCopy() -> VisualTrunk { self }
    public var trunkBatchNorms: [BatchNormLayer] { [] }

    public func forward(_ image: Tensor) throws -> (output: Tensor, intermediates: [Tensor]) {
        var x = ReLU.forward(try convBN(image, conv: "conv1", bn: "bn1", stride: 2, padding: 3))
        x = MaxPool.forward(x, options: PoolOptions(kernel: 3, stride: 2, padding: 1)).output
        var im = [x]
        for (layer, count) in blocks.enumerated() {
            for b in 0..<count {
                let p = "layer\(layer + 1).\(b)"
                let stride = b == 0 && layer > 0 ? 2 : 1
                var out = ReLU.forward(try convBN(x, conv: p + ".conv1", bn: p + ".bn1"))
                out = ReLU.forward(try convBN(out, conv: p + ".conv2", bn: p + ".bn2", stride: stride, padding: 1))
                out = try convBN(out, conv: p + ".conv3", bn: p + ".bn3")
                out.add(weights.tensors[p + ".downsample.0.weight"] != nil
                        ? try convBN(x, conv: p + ".downsample.0", bn: p + ".downsample.1", stride: stride) : x)
                x = ReLU.forward(out)
            }
            im.append(x)
        }
        return (x, im)
    }

    func convBN(_ x: Tensor, conv: String, bn: String, stride: Int = 1, padding: Int = 0) throws -> Tensor {
        let y = Conv2D.forward(x, weight: try weights.tensor(conv + ".weight"), options: Conv2DOptions(stride: stride, padding: padding))
        var stats = BatchNormStatistics(channels: y.shape[1])
        stats.runningMean = try weights.tensor(bn + ".running_mean")
        stats.runningVariance = try weights.tensor(bn + ".running_var")
        return BatchNorm.inference(y, gamma: try weights.tensor(bn + ".weight"), beta: try weights.tensor(bn + ".bias"), statistics: stats)
    }

    /// torchvision's initialisation (`pretrained=False`): convs kaiming-normal (fan out, ReLU), batch
    /// norms weight 1, bias 0, running mean 0, variance 1. The trunk of CLIPort's untrained RN50-BERT.
    public static func untrained<G: RandomNumberGenerator>(width: Int = 64, blocks: [Int] = [3, 4, 6, 3],
                                                           using g: inout G) throws -> ImageNetResNetTrunk {
        var t: [String: Tensor] = [:]
        func conv(_ name: String, _ o: Int, _ i: Int, _ k: Int) {
            t[name + ".weight"] = .normal([o, i, k, k], standardDeviation: (2 / Float(o * k * k)).squareRoot(), using: &g)
        }
        func bn(_ name: String, _ c: Int) {
            t[name + ".weight"] = Tensor(shape: [c], repeating: 1); t[name + ".bias"] = .zeros([c])
            t[name + ".running_mean"] = .zeros([c]); t[name + ".running_var"] = Tensor(shape: [c], repeating: 1)
        }
        conv("conv1", width, 3, 7); bn("bn1", width)
        BottleneckStages.forEachParameter(width: width, blocks: blocks, conv: conv, norm: bn)
        return try ImageNetResNetTrunk(weights: TensorDictionary(t), width: width, blocks: blocks)
    }
}
