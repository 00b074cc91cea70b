/// One camera image: colour (row-major H x W x 3, uint8) and depth (H x W, metres along the optical axis).
public struct RGBDFrame: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var color: [UInt8]
    public var depth: [Float]

    public init(width: Int, height: Int, color: [UInt8], depth: [Float]) {
        precondition(color.count == width * height * 3 && depth.count == width * height,
                     "RGBDFrame: colour must be W*H*3 bytes and depth W*H floats")
        self.width = width; self.height = height; self.color = color; self.depth = depth
    }
}
