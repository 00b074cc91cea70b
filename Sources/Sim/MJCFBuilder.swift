import Foundation
import Geometry

/// Turns a `Scene` into MJCF text (no asset files). The world always holds:
/// - the table: a collision plane at z = 0 (CLIPort's plane is at -0.001, its workspace at 0), drawn as
///   a visual-only plane 0.2 mm higher: rendered depth of a surface at exactly z = 0 scatters around 0
///   and CLIPort's heightmap drops points below the workspace floor, which would speckle the table black;

/// - the lights and the drawn table of the `SceneLook` (MJCFBuilder+Look.swift): the plain look's light from
///   straight above renders upward faces in exactly their RGB colour; CLIPort's look shades and casts shadows;
/// - the suction cup: a mocap body "cup" whose frame is at the bottom of its 1 cm tip (geom group 3:
///   it collides but the cameras do not draw it);
/// - per movable object a free joint and an inactive weld "suction-<name>" from the cup to the object.
/// Contacts use solref time constant 2 x timestep (MuJoCo's stiffest stable setting): a released object
/// comes to rest in a few steps instead of ~35 with the default 0.02 s.
/// Visual settings: 640x480 offscreen buffer, offsamples 0 (5-6x faster on llvmpipe), shadows per look.
public struct MJCFBuilder: Sendable {
    public var timestep: Double
    public var offscreenWidth: Int
    public var offscreenHeight: Int
    public var look: SceneLook

    public init(timestep: Double = 0.002, offscreenWidth: Int = 640, offscreenHeight: Int = 480, look: SceneLook = .cliport) {
        self.timestep = timestep; self.offscreenWidth = offscreenWidth; self.offscreenHeight = offscreenHeight
        self.look = look
    }

    public static let cupBodyName = "cup"
    public static let cupTipHalfSize = 0.005
    /// Height of the drawn table surface above the physical one (see the type comment).
    public static let tableSurfaceLift = 0.0002
    public static func weldName(for object: String) -> String { "suction-\(object)" }

    public func xml(for scene: Scene) -> String {
        var s = """
        <mujoco model="cliport-tabletop">
          <compiler angle="radian" inertiafromgeom="false"/>
          <option timestep="\(f(timestep))" cone="pyramidal" impratio="1"\(solverAttributes(scene.solver))/>
          <size \(sizeAttributes(scene))/>
          <visual>
            <global offwidth="\(offscreenWidth)" offheight="\(offscreenHeight)"/>
            \(qualityElement(for: scene))
            <headlight active="0" ambient="0 0 0" diffuse="0 0 0" specular="0 0 0"/>
            \(mapElement)
          </visual>
          <statistic extent="1" center="0.5 0 0"/>
          <default>
            <geom friction="1 0.005 0.0001" solref="\(f(2 * timestep)) 1"\(objectsOnlyBits(scene))/>
            <equality solref="0.01 1"/>
          </default>
          <worldbody>
        \(lightsAndTable)    <body name="\(Self.cupBodyName)" mocap="true" pos="0.5 0 0.6">
              <geom name="cup-tip" type="box" pos="0 0 \(f(Self.cupTipHalfSize))" size="\(f(Self.cupTipHalfSize)) \(f(Self.cupTipHalfSize)) \(f(Self.cupTipHalfSize))" group="3" rgba="0.8 0.8 0.8 1" contype="3" conaffinity="1"/>
            </body>

        """
        if scene.endEffector == .spatula { s += spatulaBody() }
        for object in scene.objects {
            s += body(object)
        }
        if look == .cliport { s += armBodies(scene) }
        s += "  </worldbody>\n  <equality>\n"
        for object in scene.objects where !object.isFixed {
            s += "    <weld name=\"\(Self.weldName(for: object.name))\" body1=\"\(Self.cupBodyName)\" body2=\"\(object.name)\" active=\"false\"/>\n"
        }
        s += linkEqualities(scene)
        s += "  </equality>\n"
        s += meshAssets(scene)
        if look == .cliport { s += armAssets(scene) }
        s += linkContactExclusions(scene)
        s += "</mujoco>\n"
        return s
    }

    private func body(_ o: SceneObject) -> String {
        let q = o.pose.rotation.normalized
        var s = "    <body name=\"\(o.name)\" pos=\"\(v3(o.pose.position))\" quat=\"\(f(q.w)) \(f(q.x)) \(f(q.y)) \(f(q.z))\">\n"
        if !o.isFixed {
            s += "      <freejoint name=\"\(o.name)-joint\"/>\n"
            let (c, d) = o.shape.inertia(mass: o.mass)
            s += "      <inertial pos=\"\(v3(c))\" mass=\"\(f(o.mass))\" diaginertia=\"\(v3(d))\"/>\n"
        }
        for (i, part) in o.shape.parts(look: look).enumerated() {
            let pq = part.pose.rotation.normalized
            var g = "      <geom name=\"\(o.name)-\(i)\" pos=\"\(v3(part.pose.position))\" quat=\"\(f(pq.w)) \(f(pq.x)) \(f(pq.y)) \(f(pq.z))\""
            switch part.kind {
            case .box(let h): g += " type=\"box\" size=\"\(v3(h))\""
            case .cylinder(let r, let hh): g += " type=\"cylinder\" size=\"\(f(r)) \(f(hh))\""
            case .sphere(let r): g += " type=\"sphere\" size=\"\(f(r))\""
            case .prism(let outline, let hh): g += " type=\"mesh\" mesh=\"\(Self.meshName(outline: outline, halfHeight: hh))\""
            case .mesh(let mesh): g += " type=\"mesh\" mesh=\"\(Self.meshName(mesh))\""
            }
            // Contact bits: 1 everything, 2 the cup tip only (its contype is 3) for `cupOnly` parts, 4 everything
            // but the cup tip for `objectsOnly` parts (scenes with them give every other geom bits 1 and 4).
            if part.cupOnly {
                g += " contype=\"0\" conaffinity=\"2\""
            } else if part.objectsOnly {
                g += " contype=\"4\" conaffinity=\"4\""
            } else if !part.collides {
                g += " contype=\"0\" conaffinity=\"0\""
            }
            if !part.visible {
                g += " group=\"3\" rgba=\"0.5 0.5 0.5 1\""
            } else if let texture = Self.texture(of: part) {
                // No rgba: MuJoCo then takes the material's white, which the texture modulates unchanged.
                g += " material=\"\(Self.materialName(texture: texture))\""
            } else {
                g += " rgba=\"\(rgba((part.color ?? o.color).unit))\""
            }
            s += g + "/>\n"
        }
        return s + "    </body>\n"
    }

    /// The default geom's contact bits in scenes with `objectsOnly` parts: 1 and 4, so that they touch everything
    /// (bit 4) and the cup tip still touches everything else (bit 1). Other scenes keep MuJoCo's default.
    private func objectsOnlyBits(_ scene: Scene) -> String {
        scene.objects.contains { $0.shape.parts.contains(where: \.objectsOnly) } ? " contype=\"5\" conaffinity=\"5\"" : ""
    }

    func f(_ x: Double) -> String {
        let r = (x * 1e9).rounded() / 1e9
        return r == 0 ? "0" : "\(r)"
    }
    func v3(_ v: SIMD3<Double>) -> String { "\(f(v.x)) \(f(v.y)) \(f(v.z))" }
    private func rgba(_ c: SIMD3<Double>) -> String { "\(f(c.x)) \(f(c.y)) \(f(c.z)) 1" }
}
