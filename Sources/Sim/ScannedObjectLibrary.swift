import Foundation
import Geometry

/// CLIPort's Google Scanned Objects as loaded from the user's asset folder (`cliport demos --assets DIR`,
/// read by `Recorder.GoogleObjectAssets`): per object name its mesh as in `google/meshes_fixed/<name>.obj`
/// (CLIPort's COM-corrected meshes, native units), its texture `google/textures/<name>.png` and that image's
/// mean colour. The cameras draw the texture on a mesh with texture coordinates, as CLIPort does; a mesh
/// without them is drawn in the mean colour.
public struct ScannedObjectLibrary: Sendable {
    /// The folder the objects came from (recorded in the dataset).
    public var folder: String
    public var meshes: [String: TriangleMesh]
    public var colors: [String: NamedColor]
    /// Per object name, its texture PNG (absolute path).
    public var textures: [String: String]

    public init(folder: String, meshes: [String: TriangleMesh], colors: [String: NamedColor],
                textures: [String: String] = [:]) {
        self.folder = folder; self.meshes = meshes; self.colors = colors; self.textures = textures
    }

    /// CLIPort's `scale_factor`: an object's mesh is scaled by 5 x the largest side of its KD-tree cell.
    public static let scaleFactor = 5.0

    /// The object `name` scaled for a cell whose largest side is `cellSize`; its frame is the mesh's own origin
    /// (CLIPort's centre of mass). The drawn mesh touches only the suction cup (which picks where the oracle
    /// sees the mesh); everything else touches a hidden box of the mesh's bounds, because MuJoCo 2.2.2 gives
    /// a mesh one contact point against boxes and meshes, and a mesh resting on the container floor rocks and
    /// never comes to rest.
    public func shape(name: String, cellSize: Double) throws -> CompoundShape {
        guard let mesh = meshes[name] else {
            throw SimError.badMesh(name: name, detail: "it is not among the \(meshes.count) objects loaded from \(folder)")
        }
        let texture = mesh.textureCoordinates == nil ? nil : textures[name]
        let scaled = (texture == nil ? mesh.untextured : mesh).scaled(by: Self.scaleFactor * cellSize)
        let (lo, hi) = scaled.bounds
        var drawn = CompoundShape.Part(.mesh(scaled), collides: false)
        drawn.texture = texture
        drawn.cupOnly = true
        var rest = CompoundShape.Part(.box(halfSize: (hi - lo) / 2), at: (hi + lo) / 2, visible: false)
        rest.objectsOnly = true
        return CompoundShape(name: "google-" + name.replacingOccurrences(of: " ", with: "-"), parts: [drawn, rest],
                             size: hi - lo, restingZ: -lo.z, top: hi.z)
    }

    /// The object's colour (drawn when it has no texture coordinates): its texture's mean, or CLIPort's template grey (0.2) if it has none.
    public func color(of name: String) -> NamedColor {
        colors[name] ?? NamedColor(name: "gray", rgb: SIMD3(51, 51, 51))
    }
}

extension ScannedObjectLibrary: Equatable {
    /// Libraries are the same when loaded from the same folder with the same objects (comparing every
    /// vertex would be slow and says nothing more).
    public static func == (a: ScannedObjectLibrary, b: ScannedObjectLibrary) -> Bool {
        a.folder == b.folder && Set(a.meshes.keys) == Set(b.meshes.keys) && a.textures == b.textures
    }
}
