import Foundation

/// CLIPort's heightmap reconstruction (`utils.get_fused_heightmap`): each camera's depth is back-projected
/// to world points, binned top-down with floor (highest point wins), and the cameras are fused by taking
/// the max height and the mean colour over the cameras whose colour at that pixel is not black.
public enum HeightmapFusion {
    /// One camera's heightmap (`utils.get_heightmap` on `get_pointcloud`).
    public static func heightmap(of frame: RGBDFrame, camera: CameraConfig, workspace: Workspace) -> Heightmap {
        let rows = workspace.rows, cols = workspace.cols
        var height = [Float](repeating: 0, count: rows * cols)
        var colors = [UInt8](repeating: 0, count: rows * cols * 3)
        var best = [Double](repeating: -.infinity, count: rows * cols)
        let k = camera.intrinsics
        let m = camera.pose.rotation.rotationMatrix
        let (r00, r01, r02) = (m[0].x, m[0].y, m[0].z)
        let (r10, r11, r12) = (m[1].x, m[1].y, m[1].z)
        let (r20, r21, r22) = (m[2].x, m[2].y, m[2].z)
        let t = camera.pose.position
        let x0 = workspace.xRange.lowerBound, y0 = workspace.yRange.lowerBound, z0 = workspace.zRange.lowerBound
        let x1 = workspace.xRange.upperBound, y1 = workspace.yRange.upperBound, z1 = workspace.zRange.upperBound
        let s = workspace.pixelSize
        let width = frame.width
        height.withUnsafeMutableBufferPointer { height in
        colors.withUnsafeMutableBufferPointer { colors in
        best.withUnsafeMutableBufferPointer { best in
        frame.depth.withUnsafeBufferPointer { depth in
        frame.color.withUnsafeBufferPointer { color in
            for v in 0..<frame.height {
                let yc = (Double(v) - k.cy) / k.fy
                for u in 0..<width {
                    let i = v * width + u
                    let d = Double(depth[i])
                    let px = (Double(u) - k.cx) / k.fx * d, py = yc * d, pz = d
                    let wx = r00 * px + r01 * py + r02 * pz + t.x
                    let wy = r10 * px + r11 * py + r12 * pz + t.y
                    let wz = r20 * px + r21 * py + r22 * pz + t.z
                    guard wx >= x0, wx < x1, wy >= y0, wy < y1, wz >= z0, wz < z1 else { continue }
                    let col = min(max(Int(((wx - x0) / s).rounded(.down)), 0), cols - 1)
                    let row = min(max(Int(((wy - y0) / s).rounded(.down)), 0), rows - 1)
                    let cell = row * cols + col
                    // Sorting by z and writing in order (CLIPort) keeps the highest point per cell.
                    guard wz >= best[cell] else { continue }
                    best[cell] = wz
                    height[cell] = Float(wz - z0)
                    colors[cell * 3] = color[i * 3]
                    colors[cell * 3 + 1] = color[i * 3 + 1]
                    colors[cell * 3 + 2] = color[i * 3 + 2]
                }
            }
        }
        }
        }
        }
        }
        return Heightmap(rows: rows, cols: cols, color: colors, height: height)
    }

    /// Fuses per-camera heightmaps: max height; mean colour over cameras with non-black colour, rounded
    /// half to even as numpy does.
    public static func fuse(_ maps: [Heightmap]) -> Heightmap {
        precondition(!maps.isEmpty, "HeightmapFusion.fuse needs at least one heightmap")
        let rows = maps[0].rows, cols = maps[0].cols
        var fused = Heightmap(rows: rows, cols: cols)
        for cell in 0..<(rows * cols) {
            var h: Float = maps[0].height[cell]
            var sum = SIMD3<Int>(0, 0, 0)
            var seen = 0
            for map in maps {
                h = max(h, map.height[cell])
                let c = SIMD3(Int(map.color[cell * 3]), Int(map.color[cell * 3 + 1]), Int(map.color[cell * 3 + 2]))
                if c.x + c.y + c.z > 0 { sum &+= c; seen += 1 }
            }
            fused.height[cell] = h
            let n = Double(max(seen, 1))
            fused.color[cell * 3] = UInt8((Double(sum.x) / n).rounded(.toNearestOrEven))
            fused.color[cell * 3 + 1] = UInt8((Double(sum.y) / n).rounded(.toNearestOrEven))
            fused.color[cell * 3 + 2] = UInt8((Double(sum.z) / n).rounded(.toNearestOrEven))
        }
        return fused
    }

    /// The fused heightmap of several cameras' frames (CLIPort's observation image).
    public static func fuse(frames: [RGBDFrame], cameras: [CameraConfig], workspace: Workspace) -> Heightmap {
        precondition(frames.count == cameras.count, "one frame per camera")
        return fuse(zip(frames, cameras).map { heightmap(of: $0, camera: $1, workspace: workspace) })
    }
}
