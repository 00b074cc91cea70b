import Foundation
import Geometry

/// Inline meshes for the convex prisms of `CompoundShape`s (no mesh files: MuJoCo takes the vertices in the
/// `<mesh vertex=...>` attribute and uses their convex hull), and the textures of textured meshes: the one file
/// reference in the MJCF, a PNG by absolute path (`<texture type="2d" file=...>` with a `<material>` per image).
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
        if let coordinates = mesh.textureCoordinates {
            for byte in meshTexcoordText(coordinates).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        }
        let readable = String(mesh.name.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        return "mesh-\(readable)-" + String(hash, radix: 16)
    }

    /// The PNG a part is drawn with: its texture when it is a mesh with texture coordinates, else nil (colour).
    static func texture(of part: GeomPart) -> String? {
        guard let texture = part.texture, case .mesh(let mesh) = part.kind, mesh.textureCoordinates != nil else { return nil }
        return texture
    }

    /// Texture and material names fixed by the image's path (FNV-1a), readable by its file name.
    static func textureName(_ path: String) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        let file = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return "texture-" + String(file.map { $0.isLetter || $0.isNumber ? $0 : "-" }) + "-" + String(hash, radix: 16)
    }

    static func materialName(texture path: String) -> String { "material-" + textureName(path).dropFirst("texture-".count) }

    /// MuJoCo's texture coordinates per vertex: OBJ's (u, v) with v flipped, as MuJoCo puts the PNG's top row at
    /// t = 0 where OBJ puts it at v = 1. Five decimals are a fifth of a texel of a 16k image.
    static func meshTexcoordText(_ coordinates: [SIMD2<Double>]) -> String {
        func f(_ x: Double) -> String {
            let r = (x * 1e5).rounded() / 1e5
            return r == 0 ? "0" : "\(r)"
        }
        return coordinates.map { "\(f($0.x)) \(f(1 - $0.y))" }.joined(separator: " ")
    }

    /// Vertices to 1 micrometre (MuJoCo keeps float32 anyway): a scanned mesh has thousands, and the MJCF is
    /// stored with every episode.
    /// Remembered per vertex list: every reset describes the same meshes (the arm's links, bowls, kits) again, and
    /// formatting thousands of numbers cost 2-3 % of a demo's CPU (issue #21's profile).
    static func meshVertexText(_ mesh: TriangleMesh) -> String {
        MeshVertexTextCache.shared.text(for: mesh.vertices) { vertices in
            vertices.map { v in [v.x, v.y, v.z].map { x -> String in
                let r = (x * 1e6).rounded() / 1e6
                return r == 0 ? "0" : "\(r)"
            }.joined(separator: " ") }.joined(separator: " ")
        }
    }

    /// The `<asset>` section for the scene's prisms and triangle meshes ("" when it has none).
    func meshAssets(_ scene: Scene) -> String {
        var used: [(outline: [SIMD2<Double>], halfHeight: Double)] = []
        var meshes: [TriangleMesh] = []
        var textures: [String] = []
        for o in scene.objects {
            for part in o.shape.parts(look: look) {
                if case .prism(let outline, let hh) = part.kind { used.append((outline, hh)) }
                if case .mesh(let mesh) = part.kind { meshes.append(mesh) }
                if part.visible, let texture = Self.texture(of: part) { textures.append(texture) }
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
            let texcoord = mesh.textureCoordinates.map { " texcoord=\"\(Self.meshTexcoordText($0))\"" } ?? ""
            s += "    <mesh name=\"\(name)\" vertex=\"\(Self.meshVertexText(mesh))\"\(texcoord) face=\"\(faces)\"/>\n"
        }
        for path in textures {
            let name = Self.textureName(path)
            guard names.insert(name).inserted else { continue }
            s += "    <texture name=\"\(name)\" type=\"2d\" file=\"\(Self.xmlEscaped(path))\"/>\n"
            s += "    <material name=\"\(Self.materialName(texture: path))\" texture=\"\(name)\"/>\n"
        }
        return s + "  </asset>\n"
    }

    /// Text safe inside an XML attribute (a user's folder may hold `&` or quotes).
    static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// The vertex text of the meshes this process described most recently (a pure function of the vertices, so
/// remembering it changes no byte of any MJCF).
final class MeshVertexTextCache: @unchecked Sendable {
    static let shared = MeshVertexTextCache()
    private let lock = NSLock()
    private var texts: [[SIMD3<Double>]: String] = [:]
    /// A google-objects dataset meets many scanned meshes; forget them all rather than grow without bound.
    private let limit = 512

    func text(for vertices: [SIMD3<Double>], _ make: ([SIMD3<Double>]) -> String) -> String {
        lock.lock()
        if let text = texts[vertices] { lock.unlock(); return text }
        lock.unlock()
        let text = make(vertices)
        lock.lock()
        if texts.count >= limit { texts.removeAll() }
        texts[vertices] = text
        lock.unlock()
        return text
    }
}
