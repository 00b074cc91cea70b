import Core
import Foundation
import PNG
import Sim

/// Loads CLIPort's Google Scanned Objects from the user's copy of CLIPort's assets (`cliport demos --assets
/// DIR`; `google.zip` of CLIPort's v1.0.0 release, unpacked): `google/meshes_fixed/<name_with_underscores>.obj`
/// and `google/textures/<name_with_underscores>.png` per object (CLIPort's `packing_google_objects.py`).
/// DIR may be the assets root (holding `google/`) or the `google` folder itself.
public enum GoogleObjectAssets {
    /// An asset folder that lacks objects the task needs.
    public struct MissingAssets: Error, CustomStringConvertible, Equatable {
        public var folder: String
        public var missing: [String]
        public var description: String {
            "--assets \(folder) lacks CLIPort's Google objects: \(missing[0])"
                + (missing.count > 1 ? " and \(missing.count - 1) more files are missing" : " is missing")
                + "; point --assets to CLIPort's assets folder holding google/meshes_fixed/*.obj and google/textures/*.png "
                + "(google.zip of CLIPort's v1.0.0 release), or leave --assets out to use the built-in procedural objects"
        }
    }

    /// The `google` folder under `folder` (or `folder` itself when it already is one).
    public static func googleFolder(_ folder: String) -> String {
        let direct = (folder as NSString).appendingPathComponent("meshes_fixed")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: direct, isDirectory: &isDirectory), isDirectory.boolValue { return folder }
        return (folder as NSString).appendingPathComponent("google")
    }

    public static func meshPath(google: String, name: String) -> String {
        (google as NSString).appendingPathComponent("meshes_fixed/\(name.replacingOccurrences(of: " ", with: "_")).obj")
    }

    public static func texturePath(google: String, name: String) -> String {
        (google as NSString).appendingPathComponent("textures/\(name.replacingOccurrences(of: " ", with: "_")).png")
    }

    /// Loads `names` (mesh, texture and its mean colour each); throws `MissingAssets` listing every missing file before
    /// reading any, and `SimError.badMesh` or a PNG error for a file that cannot be read.
    public static func load(folder: String, names: [String]) throws -> ScannedObjectLibrary {
        let absolute = URL(fileURLWithPath: folder).standardizedFileURL.path
        let google = googleFolder(absolute)
        let missing = names.flatMap { [meshPath(google: google, name: $0), texturePath(google: google, name: $0)] }
            .filter { !FileManager.default.fileExists(atPath: $0) }
        guard missing.isEmpty else { throw MissingAssets(folder: folder, missing: missing) }
        var meshes: [String: TriangleMesh] = [:], colors: [String: NamedColor] = [:], textures: [String: String] = [:]
        for name in names {
            let path = meshPath(google: google, name: name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MissingAssets(folder: folder, missing: [path])
            }
            meshes[name] = try TriangleMesh.parseOBJ(String(decoding: data, as: UTF8.self), name: name)
            textures[name] = texturePath(google: google, name: name)
            colors[name] = try meanColor(ofPNG: texturePath(google: google, name: name))
        }
        return ScannedObjectLibrary(folder: absolute, meshes: meshes, colors: colors, textures: textures)
    }

    /// The mean RGB of a texture: the colour of an object whose mesh has no texture coordinates.
    static func meanColor(ofPNG path: String) throws -> NamedColor {
        let image = try PNGImage.read(path, as: .rgb8)
        guard case .rgb8(let bytes) = image.pixels, !bytes.isEmpty else { return NamedColor(name: "gray", rgb: SIMD3(51, 51, 51)) }
        var sum = SIMD3<Double>.zero
        for i in stride(from: 0, to: bytes.count, by: 3) { sum += SIMD3(Double(bytes[i]), Double(bytes[i + 1]), Double(bytes[i + 2])) }
        let mean = (sum / Double(bytes.count / 3)).rounded(.toNearestOrEven)
        return NamedColor(name: "texture", rgb: SIMD3(UInt8(mean.x), UInt8(mean.y), UInt8(mean.z)))
    }

    /// The task called `name`, with its objects loaded from `assets` when it is a google-objects task (only
    /// the names of `split` are loaded). Other tasks ignore `assets`.
    public static func task(named name: String, split: Split, assets: String?) throws -> any Task {
        let task = try TaskRegistry.task(named: name)
        guard let assets, let google = task as? PackingGoogleObjects else { return task }
        let library = try load(folder: assets, names: GoogleObjects.names(seen: google.seen, split: split))
        return PackingGoogleObjects(seen: google.seen, group: google.group, objectSet: .scanned(library))
    }
}
