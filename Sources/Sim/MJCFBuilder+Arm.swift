import Foundation
import Geometry

/// The UR5 drawn in CLIPort's look: a static base at the world origin and one mocap body per moving link
/// (no joints, so no degrees of freedom), posed at CLIPort's home pose until `TabletopWorld` moves them. Its
/// geoms neither collide nor take part in contacts (contype = conaffinity = 0): the objects' physics is the
/// same with and without the arm. The tool of the scene's end effector is drawn on the last link.
extension MJCFBuilder {
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
        case let .cylinder(radius, halfLength): size = "type=\"cylinder\" size=\"\(f(radius)) \(f(halfLength))\""
        case let .box(halfSize): size = "type=\"box\" size=\"\(v3(halfSize))\""
        }
        let c = part.color
        return "      <geom name=\"\(name)\" \(size) pos=\"\(v3(pose.position))\" quat=\"\(f(q.w)) \(f(q.x)) \(f(q.y)) \(f(q.z))\""
            + " contype=\"0\" conaffinity=\"0\" rgba=\"\(f(c.x)) \(f(c.y)) \(f(c.z)) 1\"/>\n"
    }
}
