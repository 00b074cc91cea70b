import Geometry

/// The shape of a tabletop object. Every shape is made of boxes and cylinders so that the MJCF needs no
/// mesh files and the top-down rasteriser can intersect rays with it exactly.
public enum ObjectShape: Equatable, Hashable, Codable, Sendable {
    /// A box with full side lengths (x, y, z); its frame is at its centre.
    case box(size: SIMD3<Double>)
    /// An open bowl: a flat disk bottom and a ring of thin box walls. Its frame is at the bottom centre,
    /// so a bowl resting on the table has z = 0 (CLIPort's bowl size is (0.12, 0.12, 0)).
    case bowl(diameter: Double, height: Double)
    /// A rope bead (CLIPort's cable part): a 1 cm box for collisions, drawn as a sphere of radius 7.5 mm.
    case bead
    /// A flat, drawn-only square outline lying on the table (no collisions), frame at its centre: the rope
    /// tasks' 3-sided square (`openSide`: the +y side is missing) and the piles' zone squares.
    case squareOutline(side: Double, lineWidth: Double, openSide: Bool)
    /// A rigid object of several boxes, cylinders and convex prisms (stands, disks, kit shapes, containers).
    case compound(CompoundShape)

    /// CLIPort's `stacking/block.urdf`: a 4 cm cube.
    public static let block = ObjectShape.box(size: SIMD3(0.04, 0.04, 0.04))
    /// CLIPort's `bowl/bowl.urdf`: 0.12 m across.
    public static let bowl = ObjectShape.bowl(diameter: 0.12, height: 0.03)

    /// The footprint size CLIPort's placement uses (x, y) and the z the pose gets (size.z / 2).
    public var placementSize: SIMD3<Double> {
        switch self {
        case .box(let s): return s
        case .bowl(let d, _): return SIMD3(d, d, 0)
        case .bead: return SIMD3(repeating: 2 * Self.beadHalfSize)
        case .squareOutline(let side, _, _): return SIMD3(side, side, 0)
        case .compound(let c): return SIMD3(c.size.x, c.size.y, 2 * c.restingZ)
        }
    }

    /// Height of the top surface above the object's frame origin when upright.
    public var topAboveOrigin: Double {
        switch self {
        case .box(let s): return s.z / 2
        case .bowl(_, let h): return h
        case .bead: return Self.beadHalfSize
        case .squareOutline: return Self.outlineThickness / 2
        case .compound(let c): return c.top
        }
    }
}

/// One object of a scene: what it is, how it looks and where it starts.
public struct SceneObject: Equatable, Codable, Sendable {
    /// Unique within a scene; also the MuJoCo body name.
    public var name: String
    public var shape: ObjectShape
    public var color: NamedColor
    /// Kilograms (CLIPort: block 0.01, bowl 0.1).
    public var mass: Double
    public var pose: Pose
    /// Fixed objects are welded to the world (CLIPort's 'fixed' category: target bowls).
    public var isFixed: Bool

    public init(name: String, shape: ObjectShape, color: NamedColor, mass: Double, pose: Pose, isFixed: Bool = false) {
        self.name = name; self.shape = shape; self.color = color; self.mass = mass; self.pose = pose; self.isFixed = isFixed
    }
}

/// A tabletop world: the objects on the table. The table, light and suction cup are always there.
public struct Scene: Equatable, Codable, Sendable {
    public var objects: [SceneObject]
    /// Ball-joint links between objects (the rope's bead chain, see `ObjectLink`).
    public var links: [ObjectLink] = []
    /// The tool the robot carries in this scene (CLIPort's task `ee`): suction, or the piles' spatula.
    public var endEffector: EndEffector = .suction
    /// MuJoCo's constraint solver for this scene (`ContactSolver`).
    public var solver: ContactSolver = .newton

    public init(objects: [SceneObject] = []) { self.objects = objects }

    public func index(of name: String) -> Int? { objects.firstIndex { $0.name == name } }
}
