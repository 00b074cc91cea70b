/// The parameter names of a ResNet's four bottleneck stages (`layer1.0.conv1` ... `layer4.2.downsample.1`)
/// with their shapes, in the order torchvision and CLIP declare them. Both trunks' initialisers walk it,
/// so their random draws keep that order.
enum BottleneckStages {
    /// Calls `conv(name, outChannels, inChannels, kernel)` and `norm(name, channels)` for every layer of
    /// every block; the first block of each stage has the projection shortcut (`downsample`).
    static func forEachParameter(width: Int, blocks: [Int],
                                 conv: (String, Int, Int, Int) -> Void, norm: (String, Int) -> Void) {
        var inplanes = width
        for (layer, count) in blocks.enumerated() {
            let planes = width << layer
            for b in 0..<count {
                let p = "layer\(layer + 1).\(b)"
                conv(p + ".conv1", planes, inplanes, 1); norm(p + ".bn1", planes)
                conv(p + ".conv2", planes, planes, 3); norm(p + ".bn2", planes)
                conv(p + ".conv3", planes * 4, planes, 1); norm(p + ".bn3", planes * 4)
                if b == 0 { conv(p + ".downsample.0", planes * 4, inplanes, 1); norm(p + ".downsample.1", planes * 4) }
                inplanes = planes * 4
            }
        }
    }
}
