import Foundation
import Geometry

/// Inline meshes for the convex prisms of `CompoundShape`s (no mesh files: MuJoCo takes the vertices in the
/// `<mesh vertex=...>` attribute and uses their convex hull).
extension MJCFBuilder {
    /// Prisms every scene that uses any prism carries, in a fixed order, so that scenes with different kit
    /// shapes have identical render assets and the renderer keeps its GL context (rebuilding it costs about
    /// 0.2 s).
    static let standardPrisms: [(outline: [SIMD2<Double>], halfHeight: Double)] = KitShapes.allPrisms

    /// A name fixed by the prism's geometry (FNV-1a of its vertex text), the same in every process.
    static func meshName(outline: [SIMD2<Double>], halfHeight: Double) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in vertexText(outline: outline, halfHeight: halfHeight).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100000001b3
        }
        return "prism-" + String(hash, radix: 16)
    }

    static func vertexText(outline: [SIMD2<Double>], halfHeight: Double) -> String {
        func f(_ x: Double) -> String {
            let r = (x * 1e9).rounded() / 1e9
            return r == 0 ? "0" : "\(r)"
        }
        var parts: [String] = []
        for z in [-halfHeight, halfHeight] {
            for p in outline { parts.append("\(f(p.x)) \(f(p.y)) \(f(z))") }
        }
        return parts.joined(separator: " ")
    }

    /// A name fixed by a triangle mesh's object name and geometry (FNV-1a of its vertex text): two scaled
    /// copies of one Google object are two meshes.
    static func meshName(_ mesh: TriangleMesh) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in meshVertexText(mesh).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        let readable = String(mesh.name.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        return "mesh-\(readable)-" + String(hash, radix: 16)
    }

    /// Vertices to 1 micrometre (MuJoCo keeps float32 anyway): a scanned mesh has thousands, and the MJCF is
    /// stored with every episode.
    static func meshVertexText(_ mesh: TriangleMesh) -> String {
        mesh.vertices.map { v in [v.x, v.y, v.z].map { x -> String in
            let r = (x * 1e6).rounded() / 1e6
            return r == 0 ? "0" : "\(r)"
        }.joined(separator: " ") }.joined(separator: " ")
    }

    /// The `<asset>` section for the scene's prisms and triangle meshes ("" when it has none).
    func meshAssets(_ scene: Scene) -> String {
        var used: [(outline: [SIMD2<Double>], halfHeight: Double)] = []
        var meshes: [TriangleMesh] = []
        for o in scene.objects {
            for part in o.shape.parts(look: look) {
                if case .prism(let outline, let hh) = part.kind { used.append((outline, hh)) }
                if case .mesh(let mesh) = part.kind { meshes.append(mesh) }
            }
        }
        guard !used.isEmpty || !meshes.isEmpty else { return "" }
        var names = Set<String>()
        var s = "  <asset>\n"
        for p in (used.isEmpty ? [] : Self.standardPrisms) + used {
            let name = Self.meshName(outline: p.outline, halfHeight: p.halfHeight)
            guard names.insert(name).inserted else { continue }
            s += "    <mesh name=\"\(name)\" vertex=\"\(Self.vertexText(outline: p.outline, halfHeight: p.halfHeight))\"/>\n"
        }
        for mesh in meshes {
            let name = Self.meshName(mesh)
            guard names.insert(name).inserted else { continue }
            let faces = mesh.triangles.map { "\($0.x) \($0.y) \($0.z)" }.joined(separator: " ")
            s += "    <mesh name=\"\(name)\" vertex=\"\(Self.meshVertexText(mesh))\" face=\"\(faces)\"/>\n"
        }
        return s + "  </asset>\n"
    }
}
