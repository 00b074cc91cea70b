/// CLIP's ModifiedResNet visual trunk up to (not including) the attention pool, as CLIPort's
/// `prepool_im` runs it: frozen (no gradient reaches it), in float32 (CLIPort runs it in fp16 and casts
/// back; float32 is the more exact of the two). Its batch norms use the running statistics unless
/// `trainMode` is on, when they use each forward's batch statistics and move this copy's running
/// statistics, as CLIP in a PyTorch module in train mode does (see `CLIPBatchNorm`).
///
/// Stem: three 3x3 convs (stride 2, 1, 1; width/2, width/2, width) each + BN + ReLU, then avgpool 2.
/// Layers 1-4: Bottleneck blocks (1x1 → 3x3 → avgpool(stride) → 1x1 x4 expansion, with an
/// avgpool + 1x1 + BN downsample on the shortcut). RN50: width 64, blocks [3, 4, 6, 3].
public struct CLIPVisualTrunk: @unchecked Sendable {
    public let width: Int
    public let blocks: [Int]
    let weights: TensorDictionary
    /// Shared by this trunk and its `copy()`s.
    public let trainMode: CLIPTrainMode
    /// This copy's batch norms by OpenAI's name (`bn1`, `layer1.0.downsample.1`, …): the imported
    /// weights and biases, and running statistics that move in train mode. Only this copy's forward
    /// touches them.
    let norms: [String: BatchNormLayer]

    /// `weights` holds the trunk's tensors under OpenAI's names without the "visual." prefix
    /// (`conv1.weight`, `bn1.running_mean`, `layer1.0.downsample.0.weight`, ...).
    public init(weights: TensorDictionary, width: Int = 64, blocks: [Int] = [3, 4, 6, 3]) throws {
        self.width = width; self.blocks = blocks; self.weights = weights
        _ = try weights.tensor("conv1.weight", shape: [width / 2, 3, 3, 3])
        trainMode = CLIPTrainMode()
        norms = try Self.batchNorms(weights: weights, blocks: blocks)
    }

    private init(copying other: CLIPVisualTrunk) throws {
        width = other.width; blocks = other.blocks; weights = other.weights; trainMode = other.trainMode
        norms = try Self.batchNorms(weights: weights, blocks: blocks)
    }

    /// Another copy of the trunk (CLIPort's agent holds three): the same weights (shared, not duplicated)
    /// and train mode, its own running statistics, starting from the imported ones.
    public func copy() -> CLIPVisualTrunk {
        do { return try CLIPVisualTrunk(copying: self) } catch { preconditionFailure("CLIPVisualTrunk.copy: \(error)") }
    }

    /// This copy's batch norms as layers named as in CLIPort's state dict under the semantic stream
    /// (`clip_rn50.visual.layer1.0.bn1.…`), so checkpoints keep their running statistics. Their weights
    /// and biases are frozen: they are no model's parameters.
    public var batchNorms: [BatchNormLayer] { norms.keys.sorted().map { norms[$0]! } }

    /// The names of the trunk's batch norms, in forward order.
    static func batchNormNames(weights: TensorDictionary, blocks: [Int]) -> [String] {
        var names = ["bn1", "bn2", "bn3"]
        for (layer, count) in blocks.enumerated() {
            for b in 0..<count {
                let p = "layer\(layer + 1).\(b)"
                names += [p + ".bn1", p + ".bn2", p + ".bn3"]
                if weights.tensors[p + ".downsample.0.weight"] != nil { names.append(p + ".downsample.1") }
            }
        }
        return names
    }

    static func batchNorms(weights: TensorDictionary, blocks: [Int]) throws -> [String: BatchNormLayer] {
        var norms: [String: BatchNormLayer] = [:]
        for name in batchNormNames(weights: weights, blocks: blocks) {
            let gamma = try weights.tensor(name + ".weight")
            let layer = BatchNormLayer(name: "clip_rn50.visual." + name, channels: gamma.count)
            layer.gamma.value = gamma
            layer.beta.value = try weights.tensor(name + ".bias", shape: gamma.shape)
            layer.statistics.runningMean = try weights.tensor(name + ".running_mean", shape: gamma.shape)
            layer.statistics.runningVariance = try weights.tensor(name + ".running_var", shape: gamma.shape)
            norms[name] = layer
        }
        return norms
    }

    /// Output of layer4 [N, width*32, H/32, W/32] and the intermediate maps CLIPort keeps, in its order:
    /// stem conv1, conv2, conv3 outputs (H/2), the stem avgpool (H/4), layer1 (H/4), layer2 (H/8),
    /// layer3 (H/16), layer4 (H/32).
    public func forward(_ image: Tensor) throws -> (output: Tensor, intermediates: [Tensor]) {
        var im: [Tensor] = []
        var x = image
        for (k, stride) in [(1, 2), (2, 1), (3, 1)] {
            x = ReLU.forward(try convBN(x, conv: "conv\(k)", bn: "bn\(k)", stride: stride, padding: 1))
            im.append(x)
        }
        x = AvgPool.forward(x, options: PoolOptions(kernel: 2))
        im.append(x)
        for (layer, count) in blocks.enumerated() {
            for b in 0..<count {
                x = try bottleneck(x, prefix: "layer\(layer + 1).\(b)", stride: b == 0 && layer > 0 ? 2 : 1)
            }
            im.append(x)
        }
        return (x, im)
    }

    func bottleneck(_ x: Tensor, prefix: String, stride: Int) throws -> Tensor {
        var out = ReLU.forward(try convBN(x, conv: prefix + ".conv1", bn: prefix + ".bn1"))
        out = ReLU.forward(try convBN(out, conv: prefix + ".conv2", bn: prefix + ".bn2", padding: 1))
        if stride > 1 { out = AvgPool.forward(out, options: PoolOptions(kernel: stride)) }
        out = try convBN(out, conv: prefix + ".conv3", bn: prefix + ".bn3")
        if weights.tensors[prefix + ".downsample.0.weight"] != nil {
            let pooled = stride > 1 ? AvgPool.forward(x, options: PoolOptions(kernel: stride)) : x
            out.add(try convBN(pooled, conv: prefix + ".downsample.0", bn: prefix + ".downsample.1"))
        } else {
            out.add(x)
        }
        return ReLU.forward(out)
    }

    func convBN(_ x: Tensor, conv: String, bn: String, stride: Int = 1, padding: Int = 0) throws -> Tensor {
        let y = Conv2D.forward(x, weight: try weights.tensor(conv + ".weight"), options: Conv2DOptions(stride: stride, padding: padding))
        guard let norm = norms[bn] else { throw ParameterStoreError.missing(name: bn + ".weight", group: "the weight file") }
        if trainMode.usesBatchStatistics {
            return BatchNorm.trainingForward(y, gamma: norm.gamma.value, beta: norm.beta.value, statistics: &norm.statistics)
        }
        return BatchNorm.inference(y, gamma: norm.gamma.value, beta: norm.beta.value, statistics: norm.statistics)
    }
}

extension CLIPVisualTrunk {
    /// A trunk with random weights and batch-norm statistics, for benchmarks and tests that need the
    /// right shapes but no trained features (RN50: width 64, blocks [3, 4, 6, 3]).
    public static func random<G: RandomNumberGenerator>(width: Int = 64, blocks: [Int] = [3, 4, 6, 3],
                                                        using g: inout G) throws -> CLIPVisualTrunk {
        var t: [String: Tensor] = [:]
        func conv(_ name: String, _ o: Int, _ i: Int, _ k: Int) {
            let b = 1 / Float(i * k * k).squareRoot()
            t[name + ".weight"] = .uniform([o, i, k, k], low: -b, high: b, using: &g)
        }
        func bn(_ name: String, _ c: Int) {
            t[name + ".weight"] = .uniform([c], low: 0.8, high: 1.2, using: &g)
            t[name + ".bias"] = .uniform([c], low: -0.1, high: 0.1, using: &g)
            t[name + ".running_mean"] = .uniform([c], low: -0.1, high: 0.1, using: &g)
            t[name + ".running_var"] = .uniform([c], low: 0.8, high: 1.2, using: &g)
        }
        conv("conv1", width / 2, 3, 3); bn("bn1", width / 2)
        conv("conv2", width / 2, width / 2, 3); bn("bn2", width / 2)
        conv("conv3", width, width / 2, 3); bn("bn3", width)
        BottleneckStages.forEachParameter(width: width, blocks: blocks, conv: conv, norm: bn)
        return try CLIPVisualTrunk(weights: TensorDictionary(t), width: width, blocks: blocks)
    }

    /// Channels of layer1...layer4 (RN50: 256, 512, 1024, 2048).
    public var layerChannels: [Int] { (0..<4).map { width * 4 << $0 } }
}
