import Foundation

/// A triangle mesh in an object's frame (metres): CLIPort's Google Scanned Objects, loaded from their OBJ
/// files. MuJoCo gets it inline (`<mesh vertex=... face=...>`, collisions use its convex hull) and the
/// top-down rasteriser draws its triangles, so the oracle sees the same surface the cameras do.
public struct TriangleMesh: Hashable, Codable, Sendable {
    /// What it is, e.g. "hammer" (for logs and mesh names).
    public var name: String
    public var vertices: [SIMD3<Double>]
    /// Vertex indices, counter-clockwise seen from outside.
    public var triangles: [SIMD3<Int32>]

    public init(name: String, vertices: [SIMD3<Double>], triangles: [SIMD3<Int32>]) {
        self.name = name; self.vertices = vertices; self.triangles = triangles
    }

    /// The axis-aligned bounds of the vertices.
    public var bounds: (min: SIMD3<Double>, max: SIMD3<Double>) {
        guard var lo = vertices.first else { return (.zero, .zero) }
        var hi = lo
        for v in vertices { lo = pointwiseMin(lo, v); hi = pointwiseMax(hi, v) }
        return (lo, hi)
    }

    /// The mesh scaled uniformly about its frame origin (CLIPort's URDF `scale`).
    public func scaled(by factor: Double) -> TriangleMesh {
        TriangleMesh(name: name, vertices: vertices.map { $0 * factor }, triangles: triangles)
    }

    /// Parses Wavefront OBJ text: `v x y z` vertices and `f` faces (`i`, `i/t`, `i/t/n` or `i//n`, 1-based or
    /// negative, polygons fanned into triangles); everything else (normals, texture coordinates, materials,
    /// groups) is skipped. Throws `SimError.badMesh` naming the line that cannot be read.
    public static func parseOBJ(_ text: String, name: String) throws -> TriangleMesh {
        var vertices: [SIMD3<Double>] = []
        var triangles: [SIMD3<Int32>] = []
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            lineNumber += 1
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let keyword = fields.first else { continue }
            switch keyword {
            case "v":
                guard fields.count >= 4, let x = Double(fields[1]), let y = Double(fields[2]), let z = Double(fields[3]) else {
                    throw SimError.badMesh(name: name, detail: "line \(lineNumber): a vertex needs three numbers")
                }
                vertices.append(SIMD3(x, y, z))
            case "f":
                var corners: [Int32] = []
                for field in fields.dropFirst() {
                    guard let first = field.split(separator: "/", omittingEmptySubsequences: false).first,
                          let index = Int(first), index != 0 else {
                        throw SimError.badMesh(name: name, detail: "line \(lineNumber): bad face index '\(field)'")
                    }
                    let zeroBased = index > 0 ? index - 1 : vertices.count + index
                    guard zeroBased >= 0, zeroBased < vertices.count else {
                        throw SimError.badMesh(name: name, detail: "line \(lineNumber): face index \(index) has no vertex")
                    }
                    corners.append(Int32(zeroBased))
                }
                guard corners.count >= 3 else {
                    throw SimError.badMesh(name: name, detail: "line \(lineNumber): a face needs at least three corners")
                }
                for i in 1..<(corners.count - 1) { triangles.append(SIMD3(corners[0], corners[i], corners[i + 1])) }
            default:
                continue
            }
        }
        guard vertices.count >= 4, !triangles.isEmpty else {
            throw SimError.badMesh(name: name, detail: "\(vertices.count) vertices and \(triangles.count) faces; a solid needs at least 4 and 1")
        }
        return TriangleMesh(name: name, vertices: vertices, triangles: triangles)
    }
}
