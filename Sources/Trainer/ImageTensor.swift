import Model

/// The loader's images are row-major (rows, cols, 6) as CLIPort's `get_image`; the networks take NCHW.
enum ImageTensor {
    /// The [6, rows, cols] tensor of one (rows, cols, 6) image.
    static func channelsFirst(_ hwc: ArraySlice<Float>, rows: Int, cols: Int, channels: Int = 6) -> Tensor {
        let n = rows * cols
        var out = [Float](repeating: 0, count: n * channels)
        hwc.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    for c in 0..<channels { dst[c * n + i] = src[i * channels + c] }
                }
            }
        }
        return Tensor(shape: [channels, rows, cols], scalars: out)
    }
}
