import Foundation

/// The tabletop volume the heightmap covers, and its pixel size.
/// CLIPort: bounds [[0.25, 0.75], [-0.5, 0.5], [0, 0.28]] m at 0.003125 m per pixel, giving 320 x 160.
public struct Workspace: Equatable, Codable, Sendable {
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var zRange: ClosedRange<Double>
    public var pixelSize: Double

    public init(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, zRange: ClosedRange<Double>, pixelSize: Double) {
        self.xRange = xRange; self.yRange = yRange; self.zRange = zRange; self.pixelSize = pixelSize
    }

    /// The bounds the dataset and agent use (z up to 0.28 m).
    public static let cliport = Workspace(xRange: 0.25...0.75, yRange: -0.5...0.5, zRange: 0...0.28, pixelSize: 0.003125)

    /// The bounds CLIPort's tasks use for placement and zone checks (z up to 0.3 m).
    public static let task = Workspace(xRange: 0.25...0.75, yRange: -0.5...0.5, zRange: 0...0.3, pixelSize: 0.003125)

    /// Heightmap rows (world y): 320 for CLIPort.
    public var rows: Int { Int(((yRange.upperBound - yRange.lowerBound) / pixelSize).rounded()) }
    /// Heightmap columns (world x): 160 for CLIPort.
    public var cols: Int { Int(((xRange.upperBound - xRange.lowerBound) / pixelSize).rounded()) }

    /// CLIPort's `xyz_to_pix`: numpy round (half to even), so it may differ from the floor used for binning.
    public func pixel(of point: SIMD3<Double>) -> Pixel {
        Pixel(row: Int(((point.y - yRange.lowerBound) / pixelSize).rounded(.toNearestOrEven)),
              col: Int(((point.x - xRange.lowerBound) / pixelSize).rounded(.toNearestOrEven)))
    }

    /// CLIPort's `pix_to_xyz`: the pixel's corner in x and y, and `height` above the workspace floor.
    public func point(at pixel: Pixel, height: Double) -> SIMD3<Double> {
        SIMD3(xRange.lowerBound + Double(pixel.col) * pixelSize,
              yRange.lowerBound + Double(pixel.row) * pixelSize,
              zRange.lowerBound + height)
    }

    public func contains(_ pixel: Pixel) -> Bool {
        pixel.row >= 0 && pixel.row < rows && pixel.col >= 0 && pixel.col < cols
    }

    /// Half-open containment, as CLIPort filters points before binning.
    public func contains(_ point: SIMD3<Double>) -> Bool {
        point.x >= xRange.lowerBound && point.x < xRange.upperBound &&
            point.y >= yRange.lowerBound && point.y < yRange.upperBound &&
            point.z >= zRange.lowerBound && point.z < zRange.upperBound
    }
}
