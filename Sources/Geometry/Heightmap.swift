/// A top-down orthographic view of the workspace: colour (rows x cols x 3, uint8) and height above the
/// workspace floor (rows x cols, metres). Rows index world y, columns world x. Unseen pixels are 0.
public struct Heightmap: Equatable, Sendable {
    public var rows: Int
    public var cols: Int
    public var color: [UInt8]
    public var height: [Float]

    public init(rows: Int, cols: Int, color: [UInt8], height: [Float]) {
        precondition(color.count == rows * cols * 3 && height.count == rows * cols,
                     "Heightmap: colour must be rows*cols*3 bytes and height rows*cols floats")
        self.rows = rows; self.cols = cols; self.color = color; self.height = height
    }

    public init(rows: Int, cols: Int) {
        self.init(rows: rows, cols: cols, color: [UInt8](repeating: 0, count: rows * cols * 3),
                  height: [Float](repeating: 0, count: rows * cols))
    }

    public func height(at p: Pixel) -> Float { height[p.row * cols + p.col] }

    public func color(at p: Pixel) -> SIMD3<UInt8> {
        let i = (p.row * cols + p.col) * 3
        return SIMD3(color[i], color[i + 1], color[i + 2])
    }
}
