import Geometry

/// A ball joint between two scene objects (CLIPort's `JOINT_POINT2POINT` constraint between rope beads):
/// the point `anchor` in `body1`'s frame stays on `body2`'s origin. It is compiled into a MuJoCo `connect`
/// equality, and the two objects no longer collide with each other. The scene must start with the
/// anchor on body2's origin (MuJoCo fixes the body2 point from the initial configuration).
public struct ObjectLink: Equatable, Codable, Sendable {
    public var body1: String
    public var body2: String
    public var anchor: SIMD3<Double>

    public init(body1: String, body2: String, anchor: SIMD3<Double>) {
        self.body1 = body1; self.body2 = body2; self.anchor = anchor
    }
}

extension MJCFBuilder {
    /// `connect` equalities of the scene's links. Their solref is stiff (0.005 s): a rope dragged by one
    /// bead stretches by well under a millimetre per link.
    func linkEqualities(_ scene: Scene) -> String {
        scene.links.map {
            "    <connect name=\"link-\($0.body1)-\($0.body2)\" body1=\"\($0.body1)\" body2=\"\($0.body2)\" anchor=\"\(v3($0.anchor))\" solref=\"\(f(Self.linkTimeConstant)) 1\"/>\n"
        }.joined()
    }

    /// Linked objects do not collide (neighbouring beads overlap when the rope bends sharply).
    func linkContactExclusions(_ scene: Scene) -> String {
        guard !scene.links.isEmpty else { return "" }
        return "  <contact>\n" + scene.links.map {
            "    <exclude body1=\"\($0.body1)\" body2=\"\($0.body2)\"/>\n"
        }.joined() + "  </contact>\n"
    }

    static let linkTimeConstant = 0.005
}
