import Core
import Foundation
import Geometry

/// CLIPort's Google Scanned Objects: the names and seen/unseen lists of `packing_google_objects.py`, and a
/// built-in procedural stand-in for each name (the scanned meshes cannot ship with the project). The stand-in
/// is made of boxes and cylinders chosen from words in the name (boxes, cups, shoes, figures, tools, hats,
/// towels, ...) and coloured by the colour words in the name.
public enum GoogleObjects {
    /// Which objects a task uses.
    public enum ObjectSet: Equatable, Sendable, CustomStringConvertible {
        /// The built-in procedural objects.
        case procedural
        /// CLIPort's scanned meshes, loaded from the user's asset folder.
        case scanned(ScannedObjectLibrary)

        /// The short name the dataset records (`object_set` in `env_args`).
        public var recordName: String {
            switch self {
            case .procedural: return "procedural"
            case .scanned: return "google-scanned-objects"
            }
        }

        /// The folder the objects were loaded from (nil for the built-in set).
        public var folder: String? {
            if case .scanned(let library) = self { return library.folder }
            return nil
        }

        public var description: String {
            switch self {
            case .procedural: return "procedural (built-in stand-ins for CLIPort's Google Scanned Objects)"
            case .scanned(let library):
                return "google-scanned-objects (CLIPort's meshes, \(library.meshes.count) loaded from \(library.folder))"
            }
        }

        /// The shape of object `name` for a KD-tree cell whose largest side is `cellSize`.
        func shape(name: String, cellSize: Double) throws -> CompoundShape {
            switch self {
            case .procedural: return GoogleObjects.proceduralShape(name: name, size: cellSize)
            case .scanned(let library): return try library.shape(name: name, cellSize: cellSize)
            }
        }

        func color(of name: String) -> NamedColor {
            switch self {
            case .procedural: return GoogleObjects.color(of: name)
            case .scanned(let library): return library.color(of: name)
            }
        }
    }

    /// The seen list (the same for train, val and test).
    public static let seen: [String] = [
        "alarm clock", "android toy", "ball puzzle", "black and blue sneakers", "black boot with leopard print",
        "black fedora", "black razer mouse", "black sandal", "black shoe with green stripes",
        "black shoe with orange stripes", "brown fedora", "bull figure", "butterfinger chocolate", "c clamp",
        "can opener", "crayon box", "dinosaur figure", "dog statue", "frypan", "green and white striped towel",
        "grey soccer shoe with cleats", "hammer", "hard drive", "honey dipper", "light brown boot with golden laces",
        "lion figure", "magnifying glass", "mario figure", "nintendo 3ds", "nintendo cartridge", "office depot box",
        "orca plush toy", "pepsi gold caffeine free box", "pepsi max box", "pepsi next box", "pepsi wild cherry box",
        "porcelain cup", "porcelain salad plate", "porcelain spoon", "purple tape", "red and white flashlight",
        "red and white striped towel", "red cup", "rhino figure", "rocket racoon figure", "scissors", "screwdriver",
        "silver tape", "spatula with purple head", "spiderman figure", "tablet", "toy school bus", "toy train",
        "unicorn toy", "white razer mouse", "yoshi figure",
    ]
    /// The unseen split's val/test objects (disjoint from its train objects).
    public static let unseenEval: [String] = [
        "ball puzzle", "black and blue sneakers", "black shoe with green stripes", "brown fedora", "dinosaur figure",
        "hammer", "light brown boot with golden laces", "lion figure", "pepsi max box", "pepsi next box",
        "porcelain salad plate", "porcelain spoon", "red and white striped towel", "red cup", "screwdriver",
        "toy train", "unicorn toy", "white razer mouse", "yoshi figure",
    ]
    /// The unseen split's train objects: the seen list without the eval ones.
    public static let unseenTrain: [String] = seen.filter { !unseenEval.contains($0) }

    /// The object names for a variant (seen or unseen) and split.
    public static func names(seen isSeen: Bool, split: Split) -> [String] {
        isSeen ? seen : (split == .train ? unseenTrain : unseenEval)
    }

    /// The first palette colour named in the object's name, else one fixed by the name.
    static func color(of name: String) -> NamedColor {
        let words = name.split(separator: " ").map(String.init)
        let extra: [String: NamedColor] = ["grey": .gray, "silver": .gray, "porcelain": .white, "pepsi": .blue,
                                           "golden": .yellow, "orca": .white, "yoshi": .green, "mario": .red,
                                           "spiderman": .red, "butterfinger": .yellow, "crayon": .yellow]
        for w in words {
            if let c = NamedColor.all.first(where: { $0.name == w }) { return c }
            if let c = extra[w] { return c }
        }
        var hash: UInt64 = 0xcbf29ce484222325
        for b in name.utf8 { hash = (hash ^ UInt64(b)) &* 0x100000001b3 }
        return NamedColor.all[Int(hash % UInt64(NamedColor.all.count))]
    }

    /// A procedural stand-in for `name` whose footprint fits a square of side `size` (frame at the centre of
    /// its bounding box).
    public static func proceduralShape(name: String, size: Double) -> CompoundShape {
        typealias Part = CompoundShape.Part
        let s = size * 0.7
        func has(_ words: String...) -> Bool { words.contains { name.contains($0) } }
        var parts: [Part]
        var height: Double
        if has("plate") {
            height = 0.015
            parts = [Part(.cylinder(radius: s / 2, halfHeight: height / 2))]
        } else if has("cup", "tape", "clock", "puzzle") {
            height = has("cup") ? 0.05 : 0.03
            parts = [Part(.cylinder(radius: s * 0.35, halfHeight: height / 2))]
        } else if has("shoe", "boot", "sneakers", "sandal") {
            height = has("sandal") ? 0.015 : 0.04
            parts = [Part(.box(halfSize: SIMD3(s / 2, s * 0.2, 0.0075)), at: SIMD3(0, 0, -height / 2 + 0.0075)),
                     Part(.box(halfSize: SIMD3(s * 0.2, s * 0.18, height / 2)), at: SIMD3(-s * 0.25, 0, 0))]
        } else if has("fedora") {
            height = 0.04
            parts = [Part(.cylinder(radius: s / 2, halfHeight: 0.004), at: SIMD3(0, 0, -height / 2 + 0.004)),
                     Part(.cylinder(radius: s * 0.3, halfHeight: height / 2))]
        } else if has("figure", "toy", "statue", "plush") {
            height = 0.05
            parts = [Part(.box(halfSize: SIMD3(s * 0.35, s * 0.2, height * 0.3)), at: SIMD3(0, 0, -height * 0.2)),
                     Part(.cylinder(radius: s * 0.15, halfHeight: height * 0.2), at: SIMD3(s * 0.2, 0, height * 0.3))]
        } else if has("hammer", "screwdriver", "spatula", "scissors", "clamp", "opener", "dipper", "glass",
                      "flashlight", "spoon", "frypan") {
            height = 0.025
            parts = [Part(.box(halfSize: SIMD3(s / 2, s * 0.06, height * 0.3)), at: SIMD3(0, 0, -height * 0.2)),
                     Part(has("frypan", "glass", "spoon", "dipper") ? .cylinder(radius: s * 0.2, halfHeight: height / 2)
                                                                      : .box(halfSize: SIMD3(s * 0.1, s * 0.2, height / 2)),
                          at: SIMD3(s * 0.32, 0, 0))]
        } else if has("towel") {
            height = 0.012
            parts = [Part(.box(halfSize: SIMD3(s / 2, s * 0.35, height / 2)))]
        } else if has("mouse") {
            height = 0.03
            parts = [Part(.box(halfSize: SIMD3(s * 0.3, s * 0.2, height * 0.35)), at: SIMD3(0, 0, -height * 0.15)),
                     Part(.cylinder(radius: s * 0.2, halfHeight: height / 2), at: SIMD3(s * 0.1, 0, 0))]
        } else {
            // Boxes, cartridges, tablets, drives, chocolate, the school bus: a flat or tall box.
            height = has("tablet", "cartridge", "3ds", "drive", "chocolate") ? 0.015 : 0.045
            parts = [Part(.box(halfSize: SIMD3(s / 2, s * 0.32, height / 2)))]
        }
        // Cylinders are drawn only; a hidden circumscribed box collides in their place, so that a dropped
        // object cannot roll or spin on a rim and every drawn pixel (where the oracle may pick) lies over it.
        parts = parts.flatMap { p -> [Part] in
            guard case .cylinder(let r, let hh) = p.solid else { return [p] }
            var drawn = p
            drawn.collides = false
            var hidden = p
            hidden.solid = .box(halfSize: SIMD3(r, r, hh))
            hidden.visible = false
            return [drawn, hidden]
        }
        return CompoundShape(name: "google-" + name.replacingOccurrences(of: " ", with: "-"), parts: parts,
                             size: SIMD3(s, s, height), restingZ: height / 2, top: height / 2)
    }

    /// CLIPort's `get_mesh_object_points`: a 2 cm grid over the object's bounding box (a scanned mesh's box
    /// need not be centred on its frame origin).
    static func points(of shape: CompoundShape) -> [SIMD3<Double>] {
        var centre = SIMD3<Double>.zero
        if case .mesh(let mesh)? = shape.parts.first?.solid {
            let (lo, hi) = mesh.bounds
            centre = (lo + hi) / 2
        }
        return BoxPacking.boxPoints(size: shape.size).map { $0 + centre }
    }
}
