import Dataset
import Foundation
import Geometry

/// A ray-traced stand-in for a rendered observation: the z = 0 table in grey with gentle light falloff,
/// and flat-coloured axis-aligned boxes whose faces are shaded by orientation. Used to measure storage
/// (sizes depend on content) and by tests; it needs no simulator.
public struct SyntheticTabletop: Sendable {
    public struct Box: Sendable {
        public var center: SIMD3<Double>
        public var size: SIMD3<Double>
        public var color: SIMD3<UInt8>
        public init(center: SIMD3<Double>, size: SIMD3<Double>, color: SIMD3<UInt8>) {
            self.center = center; self.size = size; self.color = color
        }
    }

    public var boxes: [Box]
    public var tableColor = SIMD3<Double>(128, 128, 128)
    /// The table top sits slightly above the workspace floor (z = 0) so float noise in back-projection
    /// does not drop table points below the floor (they would be unseen, black, in the heightmap).
    public var tableHeight = 0.001

    public init(boxes: [Box]) { self.boxes = boxes }

    /// `count` random 4 cm blocks and 12 cm x 3 cm "bowls" on the workspace, in CLIPort-like colours.
    public static func random(seed: Int, count: Int = 6, workspace: Workspace = .cliport) -> SyntheticTabletop {
        var rng = SeededGenerator(seed: seed)
        let palette: [SIMD3<UInt8>] = [SIMD3(78, 121, 167), SIMD3(89, 169, 79), SIMD3(242, 142, 43), SIMD3(237, 201, 72),
                                       SIMD3(225, 87, 89), SIMD3(176, 122, 161), SIMD3(156, 117, 95), SIMD3(255, 157, 167)]
        var boxes: [Box] = []
        for i in 0..<count {
            let isBowl = i % 2 == 1
            let side = isBowl ? 0.12 : 0.04
            let height = isBowl ? 0.03 : 0.04
            let x = rng.uniform(workspace.xRange.lowerBound + 0.08, workspace.xRange.upperBound - 0.08)
            let y = rng.uniform(workspace.yRange.lowerBound + 0.08, workspace.yRange.upperBound - 0.08)
            let color = palette[Int(rng.next() % UInt64(palette.count))]
            boxes.append(Box(center: SIMD3(x, y, height / 2), size: SIMD3(side, side, height), color: color))
        }
        return SyntheticTabletop(boxes: boxes)
    }

    /// The first surface hit along a ray: distance and shaded colour.
    func hit(origin o: SIMD3<Double>, direction d: SIMD3<Double>) -> (t: Double, color: SIMD3<Double>)? {
        var best: (Double, SIMD3<Double>)?
        if d.z < 0 {
            let t = (tableHeight - o.z) / d.z
            let p = o + t * d
            // A light above the middle of the workspace: brightness falls off slowly with distance.
            let r2 = (p.x - 0.5) * (p.x - 0.5) + p.y * p.y
            best = (t, tableColor * (1.05 - 0.25 * min(r2, 1)))
        }
        for b in boxes {
            let lo = b.center - b.size / 2, hi = b.center + b.size / 2
            var t0 = -Double.infinity, t1 = Double.infinity, axis = 0
            var blocked = false
            for a in 0..<3 {
                if abs(d[a]) < 1e-12 {
                    if o[a] < lo[a] || o[a] > hi[a] { blocked = true }
                    continue
                }
                var ta = (lo[a] - o[a]) / d[a], tb = (hi[a] - o[a]) / d[a]
                if ta > tb { swap(&ta, &tb) }
                if ta > t0 { t0 = ta; axis = a }
                t1 = min(t1, tb)
            }
            if !blocked, t0 <= t1, t0 > 0, t0 < (best?.0 ?? .infinity) {
                let shade = axis == 2 ? 1.0 : (axis == 0 ? 0.8 : 0.65)
                best = (t0, SIMD3(Double(b.color.x), Double(b.color.y), Double(b.color.z)) * shade)
            }
        }
        return best
    }

    /// What `camera` sees: colour, and depth along its optical axis in metres (0 where nothing is hit).
    public func render(_ camera: CameraConfig) -> RGBDFrame {
        let k = camera.intrinsics
        var color = [UInt8](repeating: 0, count: k.width * k.height * 3)
        var depth = [Float](repeating: 0, count: k.width * k.height)
        let m = camera.pose.rotation.rotationMatrix
        for v in 0..<k.height {
            for u in 0..<k.width {
                let local = SIMD3((Double(u) - k.cx) / k.fx, (Double(v) - k.cy) / k.fy, 1)
                let dir = SIMD3((m[0] * local).sum(), (m[1] * local).sum(), (m[2] * local).sum())
                guard let h = hit(origin: camera.pose.position, direction: dir) else { continue }
                let i = v * k.width + u
                depth[i] = Float(h.t)  // local z is 1, so the ray parameter is the camera-frame depth
                let c = h.color.rounded(.toNearestOrEven)
                color[i * 3] = UInt8(clamping: Int(c.x))
                color[i * 3 + 1] = UInt8(clamping: Int(c.y))
                color[i * 3 + 2] = UInt8(clamping: Int(c.z))
            }
        }
        return RGBDFrame(width: k.width, height: k.height, color: color, depth: depth)
    }

    /// A full observation: every camera, their fused heightmap, and the box poses.
    public func observation(cameras: [CameraConfig], workspace: Workspace = .cliport) -> ObservationRecord {
        let frames = cameras.map { render($0) }
        let heightmap = HeightmapFusion.fuse(frames: frames, cameras: cameras, workspace: workspace)
        return ObservationRecord(frames: frames, heightmap: heightmap, objectPoses: boxes.map { Pose(position: $0.center) })
    }
}
