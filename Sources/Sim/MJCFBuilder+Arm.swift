import Foundation
import Geometry

/// The UR5 drawn in CLIPort's look: a static base at the world origin and one mocap body per moving link
/// (no joints, so no degrees of freedom), posed at CLIPort's home pose until `TabletopWorld` moves them. Its
/// geoms neither collide nor take part in contacts (contype = conaffinity = 0): the objects' physics is the
/// same with and without the arm. The tool of the scene's end effector is drawn on the last link.
///
/// Cylinders are drawn as 16-sided prisms (inline meshes, one per size): MuJoCo's own cylinders have
/// 28 x 16 facets each, and the arm's 22 of them cost 4.5 ms of software rendering per frame; the prisms
/// cost 0.5 ms.
extension MJCFBuilder {
    /// Sides of the arm's cylinder prisms.
    static let armCylinderSides = 16

    static func armCylinderMeshName(radius: Double, halfLength: Double) -> String {
        func mm(_ x: Double) -> String { String(Int((x * 1e5).rounded())) }
        return "ur5-cylinder-\(mm(radius))-\(mm(halfLength))"
    }

    /// The `<asset>` section of the arm's cylinder meshes (vertices: the bottom ring, then the top ring,
    /// counter-clockwise seen from +z; faces wound outward).
    func armAssets(_ scene: Scene) -> String {
        var seen = Set<String>()
        var s = "  <asset>\n"
        let parts = UR5Links.parts.flatMap { $0 } + UR5Tool(scene.endEffector).parts
        let n = Self.armCylinderSides
        for part in parts {
            guard case let .cylinder(r, h) = part.kind else { continue }
            let name = Self.armCylinderMeshName(radius: r, halfLength: h)
            guard seen.insert(name).inserted else { continue }
            var vertices: [String] = []
            for z in [-h, h] {
                for i in 0..<n {
                    let a = 2 * Double.pi * Double(i) / Double(n)
                    vertices.append("\(f(r * cos(a))) \(f(r * sin(a))) \(f(z))")
                }
            }
            var faces: [String] = []
            for i in 0..<n {
                let j = (i + 1) % n
                faces.append("\(i) \(j) \(n + j)")
                faces.append("\(i) \(n + j) \(n + i)")
            }
            for i in 1..<(n - 1) {
                faces.append("\(n) \(n + i) \(n + i + 1)")
                faces.append("0 \(i + 1) \(i)")
            }
            s += "    <mesh name=\"\(name)\" vertex=\"\(vertices.joined(separator: " "))\" face=\"\(faces.joined(separator: " "))\"/>\n"
        }
        return s + "  </asset>\n"
    }

    /// Body name of drawn link `i` of `UR5Links.names` ("ur5-base", "ur5-shoulder", ...).
    public static func armBodyName(_ i: Int) -> String { "ur5-\(UR5Links.names[i])" }

    /// The arm's bodies, for the end of `<worldbody>` (after the objects, so that their geom and body ids are
    /// the plain look's).
    func armBodies(_ scene: Scene) -> String {
        let frames = UR5Links.frames(UR5Kinematics.home)
        let tool = UR5Tool(scene.endEffector)
        var s = ""
        for (i, frame) in frames.enumerated() {
            let pose = frame.pose
            let q = pose.rotation
            let mocap = i == 0 ? "" : " mocap=\"true\""
            s += "    <body name=\"\(Self.armBodyName(i))\"\(mocap) pos=\"\(v3(pose.position))\" quat=\"\(f(q.w)) \(f(q.x)) \(f(q.y)) \(f(q.z))\">\n"
            var parts = UR5Links.parts[i]
            if i == frames.count - 1 {
                parts += tool.parts.map { ArmPart(kind: $0.kind, placement: UR5Links.flangeInWrist3 * $0.placement, color: $0.color) }
            }
            for (k, part) in parts.enumerated() {
                s += armGeom(part, name: "\(Self.armBodyName(i))-\(k)")
            }
            s += "    </body>\n"
        }
        return s
    }

    private func armGeom(_ part: ArmPart, name: String) -> String {
        let pose = part.placement.pose
        let q = pose.rotation
        let size: String
        switch part.kind {
        case let .cylinder(radius, halfLength): size = "type=\"mesh\" mesh=\"\(Self.armCylinderMeshName(radius: radius, halfLength: halfLength))\""
        case let .box(halfSize): size = "type=\"box\" size=\"\(v3(halfSize))\""
        }
        let c = part.color
        return "      <geom name=\"\(name)\" \(size) pos=\"\(v3(pose.position))\" quat=\"\(f(q.w)) \(f(q.x)) \(f(q.y)) \(f(q.z))\""
            + " contype=\"0\" conaffinity=\"0\" rgba=\"\(f(c.x)) \(f(c.y)) \(f(c.z)) 1\"/>\n"
    }
}
