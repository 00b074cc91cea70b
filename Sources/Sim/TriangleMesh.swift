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
    /// Per vertex, where it lies on the object's texture image: (u, v) in 0...1, v up (OBJ's convention, v = 0
    /// the image's bottom row). Nil when the mesh has none or is drawn in one colour.
    public var textureCoordinates: [SIMD2<Double>]?

    public init(name: String, vertices: [SIMD3<Double>], triangles: [SIMD3<Int32>],
                textureCoordinates: [SIMD2<Double>]? = nil) {
        self.name = name; self.vertices = vertices; self.triangles = triangles
        self.textureCoordinates = textureCoordinates
    }

    /// The same mesh without texture coordinates (drawn in one colour).
    public var untextured: TriangleMesh {
        TriangleMesh(name: name, vertices: vertices, triangles: triangles)
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
        TriangleMesh(name: name, vertices: vertices.map { $0 * factor }, triangles: triangles,
                     textureCoordinates: textureCoordinates)
    }

    /// Parses Wavefront OBJ text: `v x y z` vertices, `vt u v` texture coordinates and `f` faces (`i`, `i/t`,
    /// `i/t/n` or `i//n`, 1-based or negative, polygons fanned into triangles); everything else (normals,
    /// materials, groups) is skipped. OBJ gives texture coordinates per face corner, MuJoCo per vertex: a vertex
    /// used with a second texture coordinate (a texture seam) is copied, copies after the file's vertices, so a
    /// file without seams keeps its vertex order. Texture coordinates are kept only when every face corner has
    /// one. Throws `SimError.badMesh` naming the line that cannot be read.
    public static func parseOBJ(_ text: String, name: String) throws -> TriangleMesh {
        var positions: [SIMD3<Double>] = []
        var uvs: [SIMD2<Double>] = []
        // Per triangle corner: the position index and the texture coordinate index (nil when the corner has none).
        var corners: [(position: Int, uv: Int?)] = []
        var lineNumber = 0
        func index(_ field: Substring, count: Int, kind: String) throws -> Int {
            guard let i = Int(field), i != 0 else {
                throw SimError.badMesh(name: name, detail: "line \(lineNumber): bad face index '\(field)'")
            }
            let zeroBased = i > 0 ? i - 1 : count + i
            guard zeroBased >= 0, zeroBased < count else {
                throw SimError.badMesh(name: name, detail: "line \(lineNumber): face index \(i) has no \(kind)")
            }
            return zeroBased
        }
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            lineNumber += 1
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let keyword = fields.first else { continue }
            switch keyword {
            case "v":
                guard fields.count >= 4, let x = Double(fields[1]), let y = Double(fields[2]), let z = Double(fields[3]) else {
                    throw SimError.badMesh(name: name, detail: "line \(lineNumber): a vertex needs three numbers")
                }
                positions.append(SIMD3(x, y, z))
            case "vt":
                guard fields.count >= 3, let u = Double(fields[1]), let v = Double(fields[2]) else {
                    throw SimError.badMesh(name: name, detail: "line \(lineNumber): a texture coordinate needs two numbers")
                }
                uvs.append(SIMD2(u, v))
            case "f":
                var polygon: [(position: Int, uv: Int?)] = []
                for field in fields.dropFirst() {
                    let parts = field.split(separator: "/", omittingEmptySubsequences: false)
                    let position = try index(parts[0], count: positions.count, kind: "vertex")
                    let uv = parts.count > 1 && !parts[1].isEmpty
                        ? try index(parts[1], count: uvs.count, kind: "texture coordinate") : nil
                    polygon.append((position, uv))
                }
                guard polygon.count >= 3 else {
                    throw SimError.badMesh(name: name, detail: "line \(lineNumber): a face needs at least three corners")
                }
                for i in 1..<(polygon.count - 1) { corners += [polygon[0], polygon[i], polygon[i + 1]] }
            default:
                continue
            }
        }
        guard positions.count >= 4, !corners.isEmpty else {
            throw SimError.badMesh(name: name, detail: "\(positions.count) vertices and \(corners.count / 3) faces; a solid needs at least 4 and 1")
        }
        func triangles(_ indices: [Int]) -> [SIMD3<Int32>] {
            stride(from: 0, to: indices.count, by: 3).map { SIMD3(Int32(indices[$0]), Int32(indices[$0 + 1]), Int32(indices[$0 + 2])) }
        }
        guard corners.allSatisfy({ $0.uv != nil }) else {
            return TriangleMesh(name: name, vertices: positions, triangles: triangles(corners.map(\.position)))
        }
        // Each position keeps the first texture coordinate it is used with; other pairs get a copy.
        var vertices = positions
        var firstUV = [Int?](repeating: nil, count: positions.count)
        var copies: [SIMD2<Int>: Int] = [:]
        var indices: [Int] = []
        indices.reserveCapacity(corners.count)
        for corner in corners {
            let uv = corner.uv!
            if firstUV[corner.position] == nil { firstUV[corner.position] = uv }
            if firstUV[corner.position] == uv {
                indices.append(corner.position)
            } else if let copy = copies[SIMD2(corner.position, uv)] {
                indices.append(copy)
            } else {
                copies[SIMD2(corner.position, uv)] = vertices.count
                indices.append(vertices.count)
                vertices.append(positions[corner.position])
                firstUV.append(uv)
            }
        }
        let coordinates = firstUV.map { $0.map { uvs[$0] } ?? .zero }
        return TriangleMesh(name: name, vertices: vertices, triangles: triangles(indices), textureCoordinates: coordinates)
    }
}
