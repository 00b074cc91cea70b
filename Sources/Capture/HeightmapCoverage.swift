import Geometry

/// Which heightmap cells some camera saw. A cell no camera saw has colour 0 and height 0 in CLIPort's
/// heightmap, exactly like a black object lying on the table, so the page needs this mask to draw the two
/// apart. It bins the same world points as `HeightmapFusion.heightmap(of:camera:workspace:)`.
public enum HeightmapCoverage {
    /// rows x cols bytes: 1 where at least one camera's depth landed in the cell, else 0.
    public static func seen(frames: [RGBDFrame], cameras: [CameraConfig], workspace: Workspace) -> [UInt8] {
        let rows = workspace.rows, cols = workspace.cols
        var seen = [UInt8](repeating: 0, count: rows * cols)
        let x0 = workspace.xRange.lowerBound, y0 = workspace.yRange.lowerBound, z0 = workspace.zRange.lowerBound
        let x1 = workspace.xRange.upperBound, y1 = workspace.yRange.upperBound, z1 = workspace.zRange.upperBound
        let s = workspace.pixelSize
        for (frame, camera) in zip(frames, cameras) {
            let k = camera.intrinsics
            let m = camera.pose.rotation.rotationMatrix
            let t = camera.pose.position
            frame.depth.withUnsafeBufferPointer { depth in
                for v in 0..<frame.height {
                    let yc = (Double(v) - k.cy) / k.fy
                    for u in 0..<frame.width {
                        let d = Double(depth[v * frame.width + u])
                        let px = (Double(u) - k.cx) / k.fx * d, py = yc * d, pz = d
                        let wx = m[0].x * px + m[0].y * py + m[0].z * pz + t.x
                        let wy = m[1].x * px + m[1].y * py + m[1].z * pz + t.y
                        let wz = m[2].x * px + m[2].y * py + m[2].z * pz + t.z
                        guard wx >= x0, wx < x1, wy >= y0, wy < y1, wz >= z0, wz < z1 else { continue }
                        let col = min(max(Int(((wx - x0) / s).rounded(.down)), 0), cols - 1)
                        let row = min(max(Int(((wy - y0) / s).rounded(.down)), 0), rows - 1)
                        seen[row * cols + col] = 1
                    }
                }
            }
        }
        return seen
    }
}
