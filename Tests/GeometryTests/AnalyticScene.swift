import Geometry

/// Ray-traced depth and colour of a tiny scene (the z = 0 table and axis-aligned boxes), used to test
/// back-projection and fusion against exact geometry without a renderer.
struct AnalyticScene {
    struct Box { var min: SIMD3<Double>; var max: SIMD3<Double>; var color: SIMD3<UInt8> }
    var tableColor: SIMD3<UInt8> = SIMD3(128, 128, 128)
    var boxes: [Box] = []

    /// Distance along the ray to the first hit, and the colour there.
    func hit(origin o: SIMD3<Double>, direction d: SIMD3<Double>) -> (t: Double, color: SIMD3<UInt8>)? {
        var best: (Double, SIMD3<UInt8>)?
        if d.z < 0 {
            let t = -o.z / d.z
            best = (t, tableColor)
        }
        for b in boxes {
            var t0 = -Double.infinity, t1 = Double.infinity
            for a in 0..<3 {
                if abs(d[a]) < 1e-12 {
                    if o[a] < b.min[a] || o[a] > b.max[a] { t0 = .infinity }
                    continue
                }
                var ta = (b.min[a] - o[a]) / d[a], tb = (b.max[a] - o[a]) / d[a]
                if ta > tb { swap(&ta, &tb) }
                t0 = max(t0, ta); t1 = min(t1, tb)
            }
            if t0 <= t1, t0 > 0, t0 < (best?.0 ?? .infinity) { best = (t0, b.color) }
        }
        return best
    }

    /// The frame a camera sees: depth is the z coordinate in the camera frame (what RGB-D cameras report).
    func render(_ camera: CameraConfig) -> RGBDFrame {
        let k = camera.intrinsics
        var color = [UInt8](repeating: 0, count: k.width * k.height * 3)
        var depth = [Float](repeating: 0, count: k.width * k.height)
        for v in 0..<k.height {
            for u in 0..<k.width {
                let local = SIMD3((Double(u) - k.cx) / k.fx, (Double(v) - k.cy) / k.fy, 1)
                let dir = camera.pose.rotation.rotate(local)
                guard let h = hit(origin: camera.pose.position, direction: dir) else { continue }
                let i = v * k.width + u
                depth[i] = Float(h.t)  // local z is 1, so the ray parameter is the camera-frame depth
                color[i * 3] = h.color.x; color[i * 3 + 1] = h.color.y; color[i * 3 + 2] = h.color.z
            }
        }
        return RGBDFrame(width: k.width, height: k.height, color: color, depth: depth)
    }
}
