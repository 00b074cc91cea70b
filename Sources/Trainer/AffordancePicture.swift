import Foundation
import Geometry
import PNG

/// Three panels side by side: the heightmap's colour, the pick affordance over it, and the place
/// affordance (the best rotation at each pixel) over it; the chosen pixels are marked with crosses
/// (pick white, place black), the place cross turned by the chosen rotation.
public enum AffordancePicture {
    public static func make(heightmap: Heightmap, action: AgentAction) -> PNGImage {
        let rows = heightmap.rows, cols = heightmap.cols, a = action.affordances
        var placeBest = [Float](repeating: 0, count: rows * cols)
        for r in 0..<a.rotations {
            for i in 0..<(rows * cols) { placeBest[i] = max(placeBest[i], a.place[r * rows * cols + i]) }
        }
        let width = cols * 3
        var pixels = [UInt8](repeating: 0, count: width * rows * 3)
        func put(_ panel: Int, _ i: Int, _ c: SIMD3<Float>) {
            let o = ((i / cols) * width + panel * cols + i % cols) * 3
            pixels[o] = UInt8(max(0, min(255, c.x))); pixels[o + 1] = UInt8(max(0, min(255, c.y))); pixels[o + 2] = UInt8(max(0, min(255, c.z)))
        }
        let pickMax = max(a.pick.max() ?? 1, 1e-12), placeMax = max(placeBest.max() ?? 1, 1e-12)
        for i in 0..<(rows * cols) {
            let base = SIMD3<Float>(Float(heightmap.color[i * 3]), Float(heightmap.color[i * 3 + 1]), Float(heightmap.color[i * 3 + 2]))
            put(0, i, base)
            put(1, i, heat(base, a.pick[i] / pickMax))
            put(2, i, heat(base, placeBest[i] / placeMax))
        }
        func mark(_ panel: Int, _ p: Pixel, _ value: UInt8, angle: Double) {
            let s = sin(angle), c = cos(angle)
            for t in -6...6 {
                let d = Double(t)
                let offsets: [(Double, Double)] = [(d * s, d * c), (d * c, -d * s)]
                for (dr, dc) in offsets {
                    let r = p.row + Int(dr.rounded()), c = p.col + Int(dc.rounded())
                    guard r >= 0, r < rows, c >= 0, c < cols else { continue }
                    let o = (r * width + panel * cols + c) * 3
                    pixels[o] = value; pixels[o + 1] = value; pixels[o + 2] = value
                }
            }
        }
        mark(1, action.pick, 255, angle: 0)
        mark(2, action.place, 0, angle: Double(action.rotationBin) * 2 * .pi / Double(max(a.rotations, 1)))
        return PNGImage(width: width, height: rows, pixels: .rgb8(pixels))
    }

    /// `base` dimmed and blended towards a red-yellow ramp by `v` in [0, 1].
    static func heat(_ base: SIMD3<Float>, _ v: Float) -> SIMD3<Float> {
        let ramp = SIMD3<Float>(255, 255 * min(1, 2 * v), 0)
        let w = min(1, v.squareRoot())
        return base * 0.35 * (1 - w) + ramp * w
    }
}
