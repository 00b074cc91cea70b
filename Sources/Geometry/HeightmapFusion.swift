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
        // (u - cx) / fx per column, the factor CLIPort applies per pixel.
        let columnRay = (0..<width).map { (Double($0) - k.cx) / k.fx }
        // One row's world points, computed first in a loop without branches (four pixels per instruction),
        // then binned: the same arithmetic as one loop per pixel, in less time.
        var rowX = [Double](repeating: 0, count: width), rowY = rowX, rowZ = rowX
        height.withUnsafeMutableBufferPointer { height in
        colors.withUnsafeMutableBufferPointer { colors in
        best.withUnsafeMutableBufferPointer { best in
        frame.depth.withUnsafeBufferPointer { depth in
        frame.color.withUnsafeBufferPointer { color in
        columnRay.withUnsafeBufferPointer { columnRay in
        rowX.withUnsafeMutableBufferPointer { wxs in
        rowY.withUnsafeMutableBufferPointer { wys in
        rowZ.withUnsafeMutableBufferPointer { wzs in
            for v in 0..<frame.height {
                let yc = (Double(v) - k.cy) / k.fy
                let rowStart = v * width
                // Four pixels at a time, the same IEEE operations in the same order as the scalar tail.
                var u = 0
                while u + 4 <= width {
                    let d = SIMD4<Double>(UnsafeRawPointer(depth.baseAddress! + rowStart + u).loadUnaligned(as: SIMD4<Float>.self))
                    let ray = UnsafeRawPointer(columnRay.baseAddress! + u).loadUnaligned(as: SIMD4<Double>.self)
                    let px = ray * d, py = yc * d, pz = d
                    let wx = r00 * px + r01 * py + r02 * pz + t.x
                    let wy = r10 * px + r11 * py + r12 * pz + t.y
                    let wz = r20 * px + r21 * py + r22 * pz + t.z
                    UnsafeMutableRawPointer(wxs.baseAddress! + u).storeBytes(of: wx, as: SIMD4<Double>.self)
                    UnsafeMutableRawPointer(wys.baseAddress! + u).storeBytes(of: wy, as: SIMD4<Double>.self)
                    UnsafeMutableRawPointer(wzs.baseAddress! + u).storeBytes(of: wz, as: SIMD4<Double>.self)
                    u += 4
                }
                while u < width {
                    let d = Double(depth[rowStart + u])
                    let px = columnRay[u] * d, py = yc * d, pz = d
                    wxs[u] = r00 * px + r01 * py + r02 * pz + t.x
                    wys[u] = r10 * px + r11 * py + r12 * pz + t.y
                    wzs[u] = r20 * px + r21 * py + r22 * pz + t.z
                    u += 1
                }
                for u in 0..<width {
                    let wx = wxs[u], wy = wys[u], wz = wzs[u]
                    guard wx >= x0, wx < x1, wy >= y0, wy < y1, wz >= z0, wz < z1 else { continue }
                    // Both quotients are >= 0 here, so truncation is CLIPort's floor.
                    let col = min(Int((wx - x0) / s), cols - 1)
                    let row = min(Int((wy - y0) / s), rows - 1)
                    let cell = row &* cols &+ col
                    // Sorting by z and writing in order (CLIPort) keeps the highest point per cell. Written
                    // without a branch: whether a point is higher than the cell's so far is a coin toss.
                    let higher = wz >= best[cell]
                    let i = (rowStart &+ u) &* 3, c = cell &* 3
                    best[cell] = higher ? wz : best[cell]
                    height[cell] = higher ? Float(wz - z0) : height[cell]
                    colors[c] = higher ? color[i] : colors[c]
                    colors[c &+ 1] = higher ? color[i &+ 1] : colors[c &+ 1]
                    colors[c &+ 2] = higher ? color[i &+ 2] : colors[c &+ 2]
                }
            }
        }
        }
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
