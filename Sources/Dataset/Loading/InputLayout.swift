import Geometry

/// The networks' input image, CLIPort's `get_image` channels: the colour (R, G, B in 0...255), then the
/// height in metres three times (so a colour network's first layer fits the height too). Stored channels
/// first, [6, rows, cols], the layout the networks take, so a sample becomes a tensor without a copy.
/// The one place this layout is defined.
public enum InputLayout {
    public static let colorChannels = 3
    public static let heightChannels = 3
    public static let channels = colorChannels + heightChannels

    /// [channels, rows, cols].
    public static func shape(rows: Int, cols: Int) -> [Int] { [channels, rows, cols] }

    /// Where channel `c` of pixel `i` (row-major) sits in an image of `pixels` pixels.
    @inline(__always) public static func index(channel c: Int, pixel i: Int, pixels: Int) -> Int { c * pixels + i }

    /// Writes one pixel's colour and height into an image of `pixels` pixels.
    @inline(__always) static func store(color: SIMD3<Float>, height: Float, pixel i: Int, pixels n: Int,
                                        into out: UnsafeMutablePointer<Float>) {
        // Wrapping arithmetic: callers index inside the image, and overflow checks cost in the warp's inner loop.
        out[i] = color.x; out[n &+ i] = color.y; out[2 &* n &+ i] = color.z
        out[3 &* n &+ i] = height; out[4 &* n &+ i] = height; out[5 &* n &+ i] = height
    }

    /// The input of a heightmap, unaugmented.
    public static func image(_ heightmap: Heightmap) -> [Float] {
        SampleAssembler.plainImage(color: heightmap.color, height: heightmap.height)
    }
}
