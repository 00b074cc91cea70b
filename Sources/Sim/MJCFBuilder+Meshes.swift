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

    /// The `<asset>` section for the scene's prisms ("" when it has none).
    func meshAssets(_ scene: Scene) -> String {
        var used: [(outline: [SIMD2<Double>], halfHeight: Double)] = []
        for o in scene.objects {
            for part in o.shape.parts {
                if case .prism(let outline, let hh) = part.kind { used.append((outline, hh)) }
            }
        }
        guard !used.isEmpty else { return "" }
        var names = Set<String>()
        var s = "  <asset>\n"
        for p in Self.standardPrisms + used {
            let name = Self.meshName(outline: p.outline, halfHeight: p.halfHeight)
            guard names.insert(name).inserted else { continue }
            s += "    <mesh name=\"\(name)\" vertex=\"\(Self.vertexText(outline: p.outline, halfHeight: p.halfHeight))\"/>\n"
        }
        return s + "  </asset>\n"
    }
}
