import Foundation
import Geometry

/// CLIPort's `Task.get_random_pose`, bounded: builds a scene object by object, each at a uniformly random
/// free pixel of the top-down view (borders and pixels near existing objects excluded by an erosion of
/// side round(diag(size_xy) / pixel)), with z = size.z / 2 and a uniform yaw. When no pixel is free,
/// `randomPose` returns nil and `place` throws (CLIPort returned (None, None), which its callers never
/// caught, and looped forever).
public struct FreeSpacePlacer: Sendable {
    public private(set) var scene = Scene()
    public let workspace: Workspace

    public init(workspace: Workspace = .task) { self.workspace = workspace }

    /// A placer over the given objects.
    public init(objects: [SceneObject], workspace: Workspace = .task) {
        self.init(workspace: workspace)
        scene.objects = objects
    }

    public mutating func add(_ object: SceneObject) { scene.objects.append(object) }

    /// Adds the object `name` at a random free pose (`place`, which throws when there is no room); returns its
    /// index in the scene and its pose.
    @discardableResult
    public mutating func addAtFreePose(_ name: String, shape: ObjectShape, color: NamedColor, mass: Double,
                                       isFixed: Bool = false, rng: inout SeededGenerator) throws -> (index: Int, pose: Pose) {
        let pose = try place(shape, name: name, rng: &rng)
        add(SceneObject(name: name, shape: shape, color: color, mass: mass, pose: pose, isFixed: isFixed))
        return (scene.objects.count - 1, pose)
    }

    /// A random free pose for the object `name` of `shape`; throws `SimError.noFreeSpace` if the table has
    /// no room for it (the episode is dropped). For an object the task can do without, use `randomPose`.
    public func place(_ shape: ObjectShape, name: String, rng: inout SeededGenerator) throws -> Pose {
        guard let pose = randomPose(for: shape, rng: &rng) else {
            throw SimError.noFreeSpace(object: name, placed: scene.objects.count)
        }
        return pose
    }

    /// A random free pose for `shape`, or nil if the table has no room for it.
    public func randomPose(for shape: ObjectShape, rng: inout SeededGenerator) -> Pose? {
        let raster = TopDownRaster(shapes: scene.objects.map(\.shape), poses: scene.objects.map(\.pose), workspace: workspace)
        let rows = raster.rows, cols = raster.cols
        var occupied = [Int32](repeating: 0, count: rows * cols)
        for i in 0..<(rows * cols) where raster.objectIndex[i] >= 0 { occupied[i] = 1 }
        for c in 0..<cols { occupied[c] = 1; occupied[(rows - 1) * cols + c] = 1 }
        for r in 0..<rows { occupied[r * cols] = 1; occupied[r * cols + cols - 1] = 1 }
        let size = shape.placementSize
        let k = Int(((size.x * size.x + size.y * size.y).squareRoot() / workspace.pixelSize).rounded(.toNearestOrEven))
        // cv2.erode with a k x k square, anchor at k/2: the window is [i - k/2, i + k - 1 - k/2].
        // Outside the image counts as free (OpenCV's default border for erosion).
        var sum = [Int32](repeating: 0, count: (rows + 1) * (cols + 1))
        for r in 0..<rows {
            var line: Int32 = 0
            for c in 0..<cols {
                line += occupied[r * cols + c]
                sum[(r + 1) * (cols + 1) + c + 1] = sum[r * (cols + 1) + c + 1] + line
            }
        }
        let lo = k / 2, hi = max(k - 1 - k / 2, 0)
        var free: [Int] = []
        for r in 0..<rows {
            let ra = max(r - lo, 0), rb = min(r + hi, rows - 1)
            for c in 0..<cols {
                let ca = max(c - lo, 0), cb = min(c + hi, cols - 1)
                let n = sum[(rb + 1) * (cols + 1) + cb + 1] - sum[ra * (cols + 1) + cb + 1]
                    - sum[(rb + 1) * (cols + 1) + ca] + sum[ra * (cols + 1) + ca]
                if n == 0 { free.append(r * cols + c) }
            }
        }
        guard !free.isEmpty else { return nil }
        let cell = free[Int(rng.uniform() * Double(free.count))]
        let p = workspace.point(at: Pixel(row: cell / cols, col: cell % cols), height: 0)
        let yaw = rng.uniform() * 2 * .pi
        return Pose(position: SIMD3(p.x, p.y, size.z / 2), rotation: Quaternion(yaw: yaw))
    }
}
