import Foundation
import Geometry

/// The parts of the MJCF that depend on the `SceneLook`: render quality, lights, and the drawn table and floor.
///
/// `.plain` is the flat look: one light from straight above (ambient 0.4 + diffuse 0.6, no shadows), so upward
/// faces render in exactly their palette colour, on a mid-grey table.
///
/// `.cliport` reproduces CLIPort's pictures. CLIPort renders with pybullet in DIRECT mode, where its
/// `ER_BULLET_HARDWARE_OPENGL` request falls back to TinyRenderer (measured: both give identical images).
/// TinyRenderer lights from (-50, 30, 100) (its default for z-up worlds) with ambient 0.6 and diffuse about
/// 0.35 (measured on a white box: faces away from the light 0.60, the top 0.937, in shadow 0.863). Here the same
/// direction carries ambient 0.6 and a diffuse split in two lights: one that casts no shadow and one that does,
/// sized so that a lit upward face renders at 0.937 of its colour and a shadowed one at 0.864 (MuJoCo's shadow
/// takes away the whole diffuse of its light). The workspace is CLIPort's `workspace.urdf` (0.2 grey, exactly
/// the heightmap bounds) on a white floor (pybullet draws `plane.urdf`'s collision box in white).
extension MJCFBuilder {
    /// Direction the light travels (MuJoCo's `dir`): the opposite of TinyRenderer's (-50, 30, 100).
    static let cliportLightDirection: SIMD3<Double> = {
        let towardLight = SIMD3<Double>(-50, 30, 100)
        return -towardLight / (towardLight * towardLight).sum().squareRoot()
    }()
    /// Ambient of CLIPort's look: the brightness of faces turned away from the light.
    static let cliportAmbient = 0.6
    /// Diffuse of the light that casts no shadow, and of the one that does (see the type comment).
    static let cliportDiffuseUnshadowed = 0.3056
    static let cliportDiffuseShadowed = 0.0849
    /// Shadow map size (texels per side): 512 texels over MuJoCo's 2 m shadow frustum are 3.9 mm, about a
    /// heightmap cell (3.125 mm). Measured with `cliport bench demos` (put-block-in-bowl, release build, CPU-s per
    /// episode; plain look 0.145): 256 0.193, 512 0.195, 1024 0.208, 2048 0.248. The shadow's extra passes
    /// (MuJoCo draws the scene again, additively, for each shadowed light) cost most; the map size adds the rest.
    static let cliportShadowSize = 512

    /// `<quality .../>`: shadows only in CLIPort's look; no multisampling in either (5-6x faster on llvmpipe).
    var qualityElement: String {
        switch look {
        case .plain: return "<quality shadowsize=\"0\" offsamples=\"0\"/>"
        case .cliport: return "<quality shadowsize=\"\(Self.cliportShadowSize)\" offsamples=\"0\"/>"
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
            // MuJoCo centres a directional light's shadow frustum on the light's position: put it on the line
            // through the workspace centre, 2 m away, so the frustum (+-1 m) covers the table and the arm.
            let centre = SIMD3<Double>(0.5, 0, 0)
            let pos = centre - 2 * d
            let a = Self.cliportAmbient, d1 = Self.cliportDiffuseUnshadowed, d2 = Self.cliportDiffuseShadowed
            let ws = Workspace.cliport
            let half = SIMD2((ws.xRange.upperBound - ws.xRange.lowerBound) / 2, (ws.yRange.upperBound - ws.yRange.lowerBound) / 2)
            let mid = SIMD2((ws.xRange.upperBound + ws.xRange.lowerBound) / 2, (ws.yRange.upperBound + ws.yRange.lowerBound) / 2)
            return """
                <light name="sun" directional="true" pos="\(v3(pos))" dir="\(v3(d))" diffuse="\(f(d1)) \(f(d1)) \(f(d1))" ambient="\(f(a)) \(f(a)) \(f(a))" specular="0 0 0" castshadow="false"/>
                <light name="sun-shadow" directional="true" pos="\(v3(pos))" dir="\(v3(d))" diffuse="\(f(d2)) \(f(d2)) \(f(d2))" ambient="0 0 0" specular="0 0 0" castshadow="true"/>
                <geom name="table" type="plane" size="2 2 0.1" group="3" rgba="0.5 0.5 0.5 1"/>
                <geom name="floor" type="plane" size="4 4 1" contype="0" conaffinity="0" rgba="\(rgbaText(NamedColor.floor.unit))"/>
                <geom name="table-surface" type="plane" pos="\(f(mid.x)) \(f(mid.y)) \(f(Self.tableSurfaceLift))" size="\(f(half.x)) \(f(half.y)) 0.1" contype="0" conaffinity="0" rgba="\(rgbaText(NamedColor.workspace.unit))"/>

            """
        }
    }

    func rgbaText(_ c: SIMD3<Double>) -> String { "\(f(c.x)) \(f(c.y)) \(f(c.z)) 1" }
}
