import Foundation
import Geometry

/// The parts of the MJCF that depend on the `SceneLook`: render quality, lights, and the drawn table and floor.
///
/// `.plain` is the flat look: one light from straight above (ambient 0.4 + diffuse 0.6, no shadows), so upward
/// faces render in exactly their palette colour, on a mid-grey table.
///
/// `.cliport` reproduces CLIPort's pictures. CLIPort renders with pybullet in DIRECT mode, where its
/// `ER_BULLET_HARDWARE_OPENGL` request falls back to TinyRenderer (measured: both give identical images).
/// TinyRenderer shades with a directional light from (-50, 30, 100) (its default for z-up worlds), ambient 0.6
/// and diffuse about 0.35 (measured on a white box: faces away from the light 0.60, the top 0.937, in shadow
/// 0.864), but casts shadows from a point: its shadow map looks from 2 m along that direction at the world
/// origin, with perspective. Here a directional light along that direction carries the ambient and the part
/// of the diffuse that shadows leave (0.864 on an upward face), and a spot light at TinyRenderer's shadow point
/// carries the rest and casts the shadows (MuJoCo's shadow removes its light's diffuse), so lit upward faces
/// render at 0.937 and shadowed ones at 0.864, with shadows of CLIPort's shape and size. The workspace is
/// CLIPort's `workspace.urdf` (0.2 grey, exactly the heightmap bounds) on a white floor (pybullet draws
/// `plane.urdf`'s collision box in white).
extension MJCFBuilder {
    /// Direction the light travels (MuJoCo's `dir`): the opposite of TinyRenderer's (-50, 30, 100).
    static let cliportLightDirection: SIMD3<Double> = {
        let towardLight = SIMD3<Double>(-50, 30, 100)
        return -towardLight / (towardLight * towardLight).sum().squareRoot()
    }()
    /// Ambient of CLIPort's look: the brightness of faces turned away from the light.
    static let cliportAmbient = 0.6
    /// Diffuse of the directional light (no shadow): 0.6 + 0.3056 x 0.864 = 0.864 on an upward face.
    static let cliportDiffuseUnshadowed = 0.3056
    /// TinyRenderer's shadow point: 2 m (its light distance) along the light direction from the origin.
    static let cliportShadowLightPosition = -2 * cliportLightDirection
    /// Diffuse of the shadow-casting spot light: 0.073 on an upward face at the workspace centre (cosine 0.764
    /// there), bringing it to 0.937.
    static let cliportDiffuseShadowed = 0.0959
    /// The spot's cone is wide (85 degrees, no falloff), so it lights everything the cameras see; its shadow
    /// frustum (2 x cutoff x shadowscale = 40 degrees) covers the workspace and the arm, all within 15 degrees
    /// of its aim at the workspace centre.
    static let cliportSpotCutoff = 85.0
    static let cliportShadowScale = 40.0 / (2 * cliportSpotCutoff)
    /// Shadow map size (texels per side): 512 texels over the 40-degree frustum are 3.2 mm at the workspace,
    /// about a heightmap cell (3.125 mm). Measured with `cliport bench demos` (put-block-in-bowl, no arm, release
    /// build, CPU-s per episode; plain look 0.145): 256 0.193, 512 0.195, 1024 0.208, 2048 0.248. The shadow's
    /// extra passes (MuJoCo draws the scene again, additively, for each shadowed light) cost most.
    static let cliportShadowSize = 512

    /// `<quality .../>`: shadows only in CLIPort's look; no multisampling in either (5-6x faster on llvmpipe).
    /// Scenes whose only drawn round primitives are small spheres (the rope's 7.5 mm beads, 6-10 pixels across)
    /// draw them with 16 x 8 facets instead of MuJoCo's 28 x 16: the 20 beads were a quarter of align-rope's
    /// rendering (measured, `docs/benchmarks.md`). 16 sides are 0.14 mm inside the sphere (a sixteenth of a
    /// pixel) and cover 97.5 % of its outline; 12 x 6 saved only 2 % more.
    func qualityElement(for scene: Scene) -> String {
        let facets = Self.drawsOnlySmallSpheres(scene, look: look) ? " numslices=\"\(Self.smallSphereSlices)\" numstacks=\"\(Self.smallSphereStacks)\"" : ""
        switch look {
        case .plain: return "<quality shadowsize=\"0\" offsamples=\"0\"\(facets)/>"
        case .cliport: return "<quality shadowsize=\"\(Self.cliportShadowSize)\" offsamples=\"0\"\(facets)/>"
        }
    }

    static let smallSphereSlices = 16
    static let smallSphereStacks = 8
    /// Largest sphere radius drawn with `smallSphereSlices` (m).
    static let smallSphereMaxRadius = 0.01

    /// Whether the scene draws spheres no larger than `smallSphereMaxRadius` and no other round primitive
    /// (cylinders and larger spheres keep MuJoCo's default facets, so their pictures do not change).
    static func drawsOnlySmallSpheres(_ scene: Scene, look: SceneLook) -> Bool {
        var small = false
        for object in scene.objects {
            for part in object.shape.parts(look: look) where part.visible {
                switch part.kind {
                case .sphere(let r):
                    if r > smallSphereMaxRadius { return false }
                    small = true
                case .cylinder: return false
                case .box, .prism, .mesh: break
                }
            }
        }
        return small
    }

    /// `<map .../>`: the spot light's shadow frustum in CLIPort's look.
    var mapElement: String {
        switch look {
        case .plain: return "<map znear=\"0.01\" zfar=\"10\"/>"
        case .cliport: return "<map znear=\"0.01\" zfar=\"10\" shadowscale=\"\(f(Self.cliportShadowScale))\"/>"
        }
    }

    /// The lights and the drawn table (and floor), as `<worldbody>` lines.
    var lightsAndTable: String {
        switch look {
        case .plain:
            return """
                <light name="top" directional="true" pos="0.5 0 3" dir="0 0 -1" diffuse="0.6 0.6 0.6" ambient="0.4 0.4 0.4" specular="0 0 0" castshadow="false"/>
                <geom name="table" type="plane" size="2 2 0.1" group="3" rgba="0.5 0.5 0.5 1"/>
                <geom name="table-surface" type="plane" pos="0 0 \(f(Self.tableSurfaceLift))" size="2 2 0.1" contype="0" conaffinity="0" rgba="\(rgbaText(NamedColor.table.unit))"/>

            """
        case .cliport:
            let d = Self.cliportLightDirection
            // The floor's grid spacing (its third size) is 1 m: MuJoCo draws a plane as a grid of that spacing, and
            // the floor needs no finer one (uniform colour, directional light).
            let spot = Self.cliportShadowLightPosition
            let aim = SIMD3<Double>(0.5, 0, 0) - spot
            let spotDirection = aim / (aim * aim).sum().squareRoot()
            let a = Self.cliportAmbient, d1 = Self.cliportDiffuseUnshadowed, d2 = Self.cliportDiffuseShadowed
            let ws = Workspace.cliport
            let half = SIMD2((ws.xRange.upperBound - ws.xRange.lowerBound) / 2, (ws.yRange.upperBound - ws.yRange.lowerBound) / 2)
            let mid = SIMD2((ws.xRange.upperBound + ws.xRange.lowerBound) / 2, (ws.yRange.upperBound + ws.yRange.lowerBound) / 2)
            return """
                <light name="sun" directional="true" pos="\(v3(spot))" dir="\(v3(d))" diffuse="\(f(d1)) \(f(d1)) \(f(d1))" ambient="\(f(a)) \(f(a)) \(f(a))" specular="0 0 0" castshadow="false"/>
                <light name="sun-shadow" directional="false" pos="\(v3(spot))" dir="\(v3(spotDirection))" cutoff="\(f(Self.cliportSpotCutoff))" exponent="0" attenuation="1 0 0" diffuse="\(f(d2)) \(f(d2)) \(f(d2))" ambient="0 0 0" specular="0 0 0" castshadow="true"/>
                <geom name="table" type="plane" size="2 2 0.1" group="3" rgba="0.5 0.5 0.5 1"/>
                <geom name="floor" type="plane" size="4 4 1" contype="0" conaffinity="0" rgba="\(rgbaText(NamedColor.floor.unit))"/>
                <geom name="table-surface" type="plane" pos="\(f(mid.x)) \(f(mid.y)) \(f(Self.tableSurfaceLift))" size="\(f(half.x)) \(f(half.y)) 0.1" contype="0" conaffinity="0" rgba="\(rgbaText(NamedColor.workspace.unit))"/>

            """
        }
    }

    func rgbaText(_ c: SIMD3<Double>) -> String { "\(f(c.x)) \(f(c.y)) \(f(c.z)) 1" }
}
