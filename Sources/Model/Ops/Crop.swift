/// Spatial cropping and zero padding of NCHW tensors; each is the other's adjoint.
public enum Crop {
    /// x[:, :, top..<top+height, left..<left+width]; the window must lie inside the image.
    public static func forward(_ x: Tensor, _ window: PixelWindow) -> Tensor {
        let (n, c, h, w) = x.nchw
        precondition(window.top >= 0 && window.left >= 0 && window.top + window.height <= h
                     && window.left + window.width <= w,
                     "crop: window \(window) outside a \(h)x\(w) image")
        var y = Tensor.zeros([n, c, window.height, window.width])
        x.scalars.withUnsafeBufferPointer { xp in
        y.scalars.withUnsafeMutableBufferPointer { yp in
            for p in 0..<(n * c) {
                for r in 0..<window.height {
                    (yp.baseAddress! + (p * window.height + r) * window.width)
                        .update(from: xp.baseAddress! + p * h * w + (window.top + r) * w + window.left,
                                count: window.width)
                }
            }
        }}
        return y
    }

    /// Gradient of a crop: the window's gradient placed in a zero image of `inputShape`.
    public static func backward(_ gradOutput: Tensor, inputShape: [Int], _ window: PixelWindow) -> Tensor {
        let (h, w) = (inputShape[2], inputShape[3])
        let (n, c, _, _) = gradOutput.nchw
        var gx = Tensor.zeros(inputShape)
        gradOutput.scalars.withUnsafeBufferPointer { gp in
        gx.scalars.withUnsafeMutableBufferPointer { xp in
            for p in 0..<(n * c) {
                for r in 0..<window.height {
                    (xp.baseAddress! + p * h * w + (window.top + r) * w + window.left)
                        .update(from: gp.baseAddress! + (p * window.height + r) * window.width,
                                count: window.width)
                }
            }
        }}
        return gx
    }
}

public enum ZeroPad {
    /// Pads each image with zeros: `top` rows above, `bottom` below, `left`/`right` columns.
    public static func forward(_ x: Tensor, top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        let (n, c, h, w) = x.nchw
        let window = PixelWindow(top: top, left: left, height: h, width: w)
        return Crop.backward(x, inputShape: [n, c, h + top + bottom, w + left + right], window)
    }

    public static func backward(_ gradOutput: Tensor, top: Int, left: Int, height: Int, width: Int) -> Tensor {
        Crop.forward(gradOutput, PixelWindow(top: top, left: left, height: height, width: width))
    }
}
