/// CLIPort's `utils.preprocess`, applied inside each network to the padded 6-channel input
/// [N, 6, H, W]: colour channels 0-2 as (rgb/255 - mean)/std, height channels 3-5 as (h - mean)/std.
/// Padding zeros are normalised too (they become -mean/std), exactly as in CLIPort.
public struct InputNormalization: Equatable, Sendable {
    public var colorMean: [Float]
    public var colorStd: [Float]
    public var depthMean: Float
    public var depthStd: Float

    /// `dist='transporter'`: the spatial streams.
    public static let transporter = InputNormalization(
        colorMean: [0.18877631, 0.18877631, 0.18877631], colorStd: [0.07276466, 0.07276466, 0.07276466],
        depthMean: 0.00509261, depthStd: 0.00903967)

    /// `dist='clip'`: the semantic stream (colour with CLIP's statistics, height with Transporter's).
    public static let clip = InputNormalization(
        colorMean: [0.48145466, 0.4578275, 0.40821073], colorStd: [0.26862954, 0.26130258, 0.27577711],
        depthMean: 0.00509261, depthStd: 0.00903967)

    public func apply(_ x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        precondition(c >= 3, "normalisation: expected colour (+ height) channels, got \(c)")
        let plane = h * w
        var y = x
        y.scalars.withUnsafeMutableBufferPointer { p in
            for ni in 0..<n {
                for ci in 0..<c {
                    let a: Float, b: Float
                    if ci < 3 { a = 1 / (255 * colorStd[ci]); b = -colorMean[ci] / colorStd[ci] }
                    else { a = 1 / depthStd; b = -depthMean / depthStd }
                    let base = (ni * c + ci) * plane
                    for i in 0..<plane { p[base + i] = p[base + i] * a + b }
                }
            }
        }
        return y
    }
}
