import Foundation
import Geometry

/// A top-down, orthographic view of the objects' visible geometry on the heightmap grid: which object is
/// topmost at each pixel and how high its surface is. This stands in for CLIPort's near-orthographic
/// "Oracle" camera with segmentation (used for the oracle's pick masks and for free-space placement):
/// a vertical ray through each pixel centre is intersected exactly with every visible box and cylinder
/// (a z-buffer keeps the highest hit). It is exact, needs no GL, and costs well under a millisecond.
public struct TopDownRaster: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    /// Scene object index per pixel, -1 where only the table is seen.
    public var objectIndex: [Int32]
    /// Height of the topmost surface above the workspace floor (0 on the table).
    public var height: [Float]

    public func object(at p: Pixel) -> Int? {
        let i = objectIndex[p.row * cols + p.col]
        return i >= 0 ? Int(i) : nil
    }

    public func height(at p: Pixel) -> Float { height[p.row * cols + p.col] }

    /// All pixels showing object `index`, row-major.
    public func pixels(of index: Int) -> [Pixel] {
        var result: [Pixel] = []
        for (i, o) in objectIndex.enumerated() where o == Int32(index) {
            result.append(Pixel(row: i / cols, col: i % cols))
        }
        return result
    }

    /// Rasterises `shapes[i]` at `poses[i]` over the workspace.
    public init(shapes: [ObjectShape], poses: [Pose], workspace: Workspace) {
        precondition(shapes.count == poses.count, "one pose per shape")
        rows = workspace.rows
        cols = workspace.cols
        objectIndex = [Int32](repeating: -1, count: rows * cols)
        height = [Float](repeating: 0, count: rows * cols)
        let s = workspace.pixelSize, x0 = workspace.xRange.lowerBound, y0 = workspace.yRange.lowerBound
        let z0 = workspace.zRange.lowerBound
        let top = 10.0
        for (index, (shape, objectPose)) in zip(shapes, poses).enumerated() {
            for part in shape.parts where part.visible {
                let pose = objectPose * part.pose
                if case .mesh(let mesh) = part.kind {
                    drawTriangles(of: mesh, pose: pose, index: Int32(index), workspace: workspace)
                    continue
                }
                let r = pose.rotation.rotationMatrix
                let half: SIMD3<Double>
                switch part.kind {
                case .mesh: continue
                case .box(let h): half = h
                case .cylinder(let radius, let hh): half = SIMD3(radius, radius, hh)
                case .sphere(let radius): half = SIMD3(repeating: radius)
                case .prism(let outline, let hh):
                    let radius = GeomPart.Kind.prismRadius(outline)
                    half = SIMD3(radius, radius, hh)
                }
                // World-xy extent of the part's oriented bounding box.
                let ex = abs(r[0].x) * half.x + abs(r[0].y) * half.y + abs(r[0].z) * half.z
                let ey = abs(r[1].x) * half.x + abs(r[1].y) * half.y + abs(r[1].z) * half.z
                let c0 = max(0, Int(((pose.position.x - ex - x0) / s).rounded(.down)))
                let c1 = min(cols - 1, Int(((pose.position.x + ex - x0) / s).rounded(.down)))
                let r0 = max(0, Int(((pose.position.y - ey - y0) / s).rounded(.down)))
                let r1 = min(rows - 1, Int(((pose.position.y + ey - y0) / s).rounded(.down)))
                guard c0 <= c1, r0 <= r1 else { continue }
                // The downward ray in the part's frame: direction = R^T (0, 0, -1).
                let d = SIMD3(-r[2].x, -r[2].y, -r[2].z)
                for row in r0...r1 {
                    for col in c0...c1 {
                        let w = SIMD3(x0 + (Double(col) + 0.5) * s, y0 + (Double(row) + 0.5) * s, top) - pose.position
                        let o = SIMD3(r[0].x * w.x + r[1].x * w.y + r[2].x * w.z,
                                      r[0].y * w.x + r[1].y * w.y + r[2].y * w.z,
                                      r[0].z * w.x + r[1].z * w.y + r[2].z * w.z)
                        guard let t = Self.entry(kind: part.kind, origin: o, direction: d) else { continue }
                        let z = top - t - z0
                        let cell = row * cols + col
                        if objectIndex[cell] < 0 || Float(z) > height[cell] {
                            objectIndex[cell] = Int32(index)
                            height[cell] = Float(max(z, 0))
                        }
                    }
                }
            }
        }
    }

    /// Draws a mesh's triangles from above (z-buffered like the ray hits): each pixel centre inside a
    /// triangle's xy projection gets the triangle's height there. Projecting triangles instead of casting
    /// rays costs one pass over the mesh, whatever its size.
    private mutating func drawTriangles(of mesh: TriangleMesh, pose: Pose, index: Int32, workspace: Workspace) {
        let s = workspace.pixelSize, x0 = workspace.xRange.lowerBound, y0 = workspace.yRange.lowerBound
        let z0 = workspace.zRange.lowerBound
        let world = mesh.vertices.map { pose.transform($0) }
        for t in mesh.triangles {
            let a = world[Int(t.x)], b = world[Int(t.y)], c = world[Int(t.z)]
            // Signed doubled area in xy; faces seen edge-on cover no pixel centre.
            let area = (b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)
            guard abs(area) > 1e-14 else { continue }
            let c0 = max(0, Int(((min(a.x, b.x, c.x) - x0) / s - 0.5).rounded(.up)))
            let c1 = min(cols - 1, Int(((max(a.x, b.x, c.x) - x0) / s - 0.5).rounded(.down)))
            let r0 = max(0, Int(((min(a.y, b.y, c.y) - y0) / s - 0.5).rounded(.up)))
            let r1 = min(rows - 1, Int(((max(a.y, b.y, c.y) - y0) / s - 0.5).rounded(.down)))
            guard c0 <= c1, r0 <= r1 else { continue }
            for row in r0...r1 {
                let py = y0 + (Double(row) + 0.5) * s
                for col in c0...c1 {
                    let px = x0 + (Double(col) + 0.5) * s
                    // Barycentric weights of the pixel centre (same sign as the area when inside).
                    let wa = ((b.x - px) * (c.y - py) - (c.x - px) * (b.y - py)) / area
                    let wb = ((c.x - px) * (a.y - py) - (a.x - px) * (c.y - py)) / area
                    let wc = 1 - wa - wb
                    guard wa >= -1e-9, wb >= -1e-9, wc >= -1e-9 else { continue }
                    let z = wa * a.z + wb * b.z + wc * c.z - z0
                    let cell = row * cols + col
                    if objectIndex[cell] < 0 || Float(z) > height[cell] {
                        objectIndex[cell] = index
                        height[cell] = Float(max(z, 0))
                    }
                }
            }
        }
    }

    /// Ray parameter where the ray enters the primitive (local frame), if it hits.
    static func entry(kind: GeomPart.Kind, origin o: SIMD3<Double>, direction d: SIMD3<Double>) -> Double? {
        switch kind {
        case .box(let h):
            var tNear = -Double.infinity, tFar = Double.infinity
            for axis in 0..<3 {
                if abs(d[axis]) < 1e-12 {
                    if abs(o[axis]) > h[axis] { return nil }
                } else {
                    let a = (-h[axis] - o[axis]) / d[axis], b = (h[axis] - o[axis]) / d[axis]
                    tNear = max(tNear, min(a, b)); tFar = min(tFar, max(a, b))
                }
            }
            return tNear <= tFar && tFar >= 0 ? max(tNear, 0) : nil
        case .cylinder(let radius, let hh):
            var best = Double.infinity
            if abs(d.z) > 1e-12 {
                for capZ in [-hh, hh] {
                    let t = (capZ - o.z) / d.z
                    let x = o.x + t * d.x, y = o.y + t * d.y
                    if t >= 0, x * x + y * y <= radius * radius { best = min(best, t) }
                }
            }
            let a = d.x * d.x + d.y * d.y
            if a > 1e-12 {
                let b = 2 * (o.x * d.x + o.y * d.y), c = o.x * o.x + o.y * o.y - radius * radius
                let disc = b * b - 4 * a * c
                if disc >= 0 {
                    let t = (-b - disc.squareRoot()) / (2 * a)
                    if t >= 0, abs(o.z + t * d.z) <= hh { best = min(best, t) }
                }
            }
            return best.isFinite ? best : nil
        case .prism(let outline, let hh):
            return GeomPart.Kind.prismEntry(outline: outline, halfHeight: hh, origin: o, direction: d)
        case .mesh:
            return nil  // drawn by `drawTriangles`
        case .sphere(let radius):
            // |o + t d|^2 = r^2 with |d| = 1.
            let b = (o * d).sum(), c = (o * o).sum() - radius * radius
            let disc = b * b - c
            guard disc >= 0 else { return nil }
            let t = -b - disc.squareRoot()
            return t >= 0 ? t : nil
        }
    }
}
