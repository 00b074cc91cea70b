import CMuJoCo
import Foundation
import Geometry

/// Renders colour and metric depth of a `MuJoCoSimulation` from a camera given as a `CameraConfig`
/// (OpenCV convention: +z looks forward, +y points down, pixel centres at integer coordinates).
///
/// - The GL camera is set directly from the config (after `mjv_updateScene`): MuJoCo looks along -z with
///   +y up, i.e. the OpenCV frame rotated by pi about its x axis; the frustum is built from the
///   intrinsics so that pixel (u, v) sees the ray ((u - cx)/fx, (v - cy)/fy, 1). Requires fx == fy.
/// - Depth is linearised from the 24-bit z-buffer with the camera's own near/far planes:
///   z = near / (1 - d (1 - near/far)). Background pixels read as `zFar`.
/// - The image is read bottom-up by OpenGL and flipped here.
/// - Shadows are drawn when the model's `<quality shadowsize>` is above 0; reflections and skybox never.
/// - Geom groups 3, 4 and 5 are not drawn (the project puts collision-only and tool geoms there).
/// - The `mjrContext` (170-220 ms to make) is reused across models whose render assets are the same
///   (offscreen size, shadow and MSAA settings, planes, meshes and textures by checksum); it is re-made
///   otherwise. The checksum is taken once per simulation (a model's assets do not change after loading).
///
/// One GL context serves the process; render calls from several renderers are serialised by a lock.
public final class OffscreenRenderer {
    private static let renderLock = NSLock()

    private let gl: HeadlessGLContext
    private let context: UnsafeMutablePointer<mjrContext>
    private let scene: UnsafeMutablePointer<mjvScene>
    private let option: UnsafeMutablePointer<mjvOption>
    private let freeCamera: UnsafeMutablePointer<mjvCamera>
    private var contextSignature: [Double]?
    /// The simulation whose signature was last taken, and that signature.
    private weak var signatureOwner: MuJoCoSimulation?
    private var ownerSignature: [Double] = []
    private weak var sceneOwner: MuJoCoSimulation?
    private var hasScene = false
    private var rgbBuffer: [UInt8] = []
    private var depthBuffer: [Float] = []
    private var rgbaBuffer: [UInt8] = []
    private var depthStencilBuffer: [UInt32] = []
    private let glReadback: GLReadback
    /// How frames are read back: `.direct` (`GLReadback`), or `.mujoco` (`mjr_readPixels`, which asks Mesa
    /// to convert every pixel to RGB and float depth); both give the same frames, which a test checks.
    enum Readback { case direct, mujoco }
    var readback = Readback.direct
    /// Number of times an mjrContext was (re)made; exposed so tests can check the reuse.
    public private(set) var contextBuilds = 0

    public init() throws {
        gl = try HeadlessGLContext.shared()
        glReadback = try GLReadback()
        context = .allocate(capacity: 1)
        scene = .allocate(capacity: 1)
        option = .allocate(capacity: 1)
        freeCamera = .allocate(capacity: 1)
        mjr_defaultContext(context)
        mjv_defaultScene(scene)
        mjv_defaultOption(option)
        mjv_defaultCamera(freeCamera)
        for group in 3..<Int(mjNGROUP) { cmj_set_geomgroup(option, Int32(group), 0) }
    }

    deinit {
        Self.renderLock.lock()
        if (try? gl.makeCurrent()) != nil, contextSignature != nil { mjr_freeContext(context) }
        gl.release()
        Self.renderLock.unlock()
        if hasScene { mjv_freeScene(scene) }
        context.deallocate(); scene.deallocate(); option.deallocate(); freeCamera.deallocate()
    }

    /// What in a model the mjrContext depends on (see the type comment).
    private static func signature(_ m: UnsafeMutablePointer<mjModel>) -> [Double] {
        let v = m.pointee.vis
        var s: [Double] = [Double(v.global.offwidth), Double(v.global.offheight), Double(v.quality.shadowsize),
                           Double(v.quality.offsamples), Double(v.quality.numslices), Double(v.quality.numstacks),
                           Double(v.quality.numquads), Double(m.pointee.nmesh), Double(m.pointee.ntex),
                           Double(m.pointee.nhfield), Double(m.pointee.nskin)]
        for g in 0..<Int(m.pointee.ngeom) where m.pointee.geom_type[g] == Int32(mjGEOM_PLANE.rawValue) {
            s += [m.pointee.geom_size[3 * g], m.pointee.geom_size[3 * g + 1], m.pointee.geom_size[3 * g + 2]]
        }
        // Meshes are uploaded into the context: models with the same mesh count but other vertices need a new one.
        if m.pointee.nmeshvert > 0 {
            var sum = 0.0, weighted = 0.0
            for i in 0..<Int(3 * m.pointee.nmeshvert) {
                let v = Double(m.pointee.mesh_vert[i])
                sum += v; weighted += v * Double(i % 997 + 1)
            }
            s += [Double(m.pointee.nmeshvert), Double(m.pointee.nmeshface), sum, weighted]
        }
        // Texture coordinates and images are uploaded too (the Google objects' textures differ per episode).
        if m.pointee.nmeshtexvert > 0 { s += checksum(m.pointee.mesh_texcoord, count: Int(2 * m.pointee.nmeshtexvert)) }
        if m.pointee.ntexdata > 0 { s += checksum(m.pointee.tex_rgb, count: Int(m.pointee.ntexdata)) }
        for t in 0..<Int(m.pointee.ntex) { s += [Double(m.pointee.tex_width[t]), Double(m.pointee.tex_height[t])] }
        return s
    }

    /// Count, sum and position-weighted sum of an asset array.
    private static func checksum<T: BinaryFloatingPoint>(_ values: UnsafeMutablePointer<T>, count: Int) -> [Double] {
        var sum = 0.0, weighted = 0.0
        for i in 0..<count { let v = Double(values[i]); sum += v; weighted += v * Double(i % 997 + 1) }
        return [Double(count), sum, weighted]
    }

    private static func checksum(_ values: UnsafeMutablePointer<UInt8>, count: Int) -> [Double] {
        var sum = 0, weighted = 0
        for i in 0..<count { let v = Int(values[i]); sum &+= v; weighted &+= v &* (i % 997 + 1) }
        return [Double(count), Double(sum), Double(weighted)]
    }

    /// Renders one RGB-D frame of the simulation's current state.
    public func render(_ sim: MuJoCoSimulation, camera: CameraConfig) throws -> RGBDFrame {
        try render(sim, cameras: [camera])[0]
    }

    /// Renders one RGB-D frame per camera of the simulation's current state: the scene is updated once and
    /// the GL context taken once for all of them.
    public func render(_ sim: MuJoCoSimulation, cameras: [CameraConfig]) throws -> [RGBDFrame] {
        for camera in cameras {
            let k = camera.intrinsics
            guard abs(k.fx - k.fy) < 1e-9 else {
                throw MuJoCoError.renderer("camera '\(camera.name)' has fx \(k.fx) != fy \(k.fy); an OpenGL frustum needs square pixels")
            }
        }
        Self.renderLock.lock(); defer { Self.renderLock.unlock() }
        try gl.makeCurrent()
        // Release after the frames so any thread (test runners, the capture server's session thread) may render next.
        defer { gl.release() }
        let m = sim.model
        if signatureOwner !== sim {
            ownerSignature = Self.signature(m)
            signatureOwner = sim
        }
        let sig = ownerSignature
        if sig != contextSignature {
            if contextSignature != nil { mjr_freeContext(context) }
            mjr_makeContext(m, context, Int32(mjFONTSCALE_100.rawValue))
            contextSignature = sig
            contextBuilds += 1
        }
        for camera in cameras {
            let k = camera.intrinsics
            guard k.width <= Int(context.pointee.offWidth), k.height <= Int(context.pointee.offHeight) else {
                throw MuJoCoError.renderer("camera '\(camera.name)' is \(k.width)x\(k.height) but the model's offscreen buffer is \(context.pointee.offWidth)x\(context.pointee.offHeight); set <visual><global offwidth offheight> at least that large")
            }
        }
        if sceneOwner !== sim {
            if hasScene { mjv_freeScene(scene) }
            mjv_makeScene(m, scene, 2000)
            hasScene = true
            sceneOwner = sim
        }
        mjv_updateScene(m, sim.data, option, nil, freeCamera, Int32(mjCAT_ALL.rawValue), scene)
        // Shadows only for models that ask for them (`<quality shadowsize>` above 0: CLIPort's look).
        cmj_set_render_flag(scene, Int32(mjRND_SHADOW.rawValue), m.pointee.vis.quality.shadowsize > 0 ? 1 : 0)
        cmj_set_render_flag(scene, Int32(mjRND_REFLECTION.rawValue), 0)
        cmj_set_render_flag(scene, Int32(mjRND_SKYBOX.rawValue), 0)
        return cameras.map { draw($0) }
    }

    /// Draws the updated scene from `camera` and reads the frame back (the context is current).
    private func draw(_ camera: CameraConfig) -> RGBDFrame {
        let k = camera.intrinsics
        // Camera frame: OpenCV +z forward, -y up.
        let r = camera.pose.rotation
        let forward = r.rotate(SIMD3(0, 0, 1)), up = r.rotate(SIMD3(0, -1, 0))
        let near = camera.zNear, far = camera.zFar
        let w = Double(k.width), h = Double(k.height)
        // Pixel centres at integer coordinates: the image spans [-0.5, w - 0.5] x [-0.5, h - 0.5].
        let left = -near * (k.cx + 0.5) / k.fx, right = near * (w - 0.5 - k.cx) / k.fx
        let top = near * (k.cy + 0.5) / k.fy, bottom = -near * (h - 0.5 - k.cy) / k.fy
        let pos: [Float] = [Float(camera.pose.position.x), Float(camera.pose.position.y), Float(camera.pose.position.z)]
        let fwd: [Float] = [Float(forward.x), Float(forward.y), Float(forward.z)]
        let upv: [Float] = [Float(up.x), Float(up.y), Float(up.z)]
        cmj_set_scene_camera(scene, pos, fwd, upv, Float((left + right) / 2), Float(bottom), Float(top), Float(near), Float(far))

        let viewport = mjrRect(left: 0, bottom: 0, width: Int32(k.width), height: Int32(k.height))
        mjr_setBuffer(Int32(mjFB_OFFSCREEN.rawValue), context)
        mjr_render(viewport, scene, context)
        let width = k.width, height = k.height, n = width * height
        switch readback {
        case .direct: return readDirect(width: width, height: height, near: near, far: far)
        case .mujoco: break
        }
        if rgbBuffer.count != n * 3 { rgbBuffer = [UInt8](repeating: 0, count: n * 3) }
        if depthBuffer.count != n { depthBuffer = [Float](repeating: 0, count: n) }
        mjr_readPixels(&rgbBuffer, &depthBuffer, viewport, context)
        let a = near / far
        let color = [UInt8](unsafeUninitializedCapacity: n * 3) { dst, count in
            rgbBuffer.withUnsafeBufferPointer { src in
                for row in 0..<height {
                    let s = (height - 1 - row) * width * 3
                    UnsafeMutableRawPointer(dst.baseAddress! + row * width * 3).copyMemory(from: src.baseAddress! + s, byteCount: width * 3)
                }
            }
            count = n * 3
        }
        let depth = [Float](unsafeUninitializedCapacity: n) { dst, count in
            depthBuffer.withUnsafeBufferPointer { src in
                for row in 0..<height {
                    let s = (height - 1 - row) * width
                    let d = row * width
                    for i in 0..<width {
                        let zb = Double(src[s + i])
                        dst[d + i] = Float(near / (1 - zb * (1 - a)))
                    }
                }
            }
            count = n
        }
        return RGBDFrame(width: width, height: height, color: color, depth: depth)
    }

    /// `GLReadback`: RGBA and packed depth-stencil, flipped, converted and linearised in one pass over the rows.
    private func readDirect(width: Int, height: Int, near: Double, far: Double) -> RGBDFrame {
        let n = width * height
        if rgbaBuffer.count != n * 4 { rgbaBuffer = [UInt8](repeating: 0, count: n * 4) }
        if depthStencilBuffer.count != n { depthStencilBuffer = [UInt32](repeating: 0, count: n) }
        rgbaBuffer.withUnsafeMutableBufferPointer { rgba in
            depthStencilBuffer.withUnsafeMutableBufferPointer { zs in
                glReadback.read(width: width, height: height, rgba: rgba.baseAddress!, depthStencil: zs.baseAddress!)
            }
        }
        let a = near / far
        let color = [UInt8](unsafeUninitializedCapacity: n * 3) { dst, count in
            rgbaBuffer.withUnsafeBufferPointer { src in
                let from = UnsafeRawPointer(src.baseAddress!), to = UnsafeMutableRawPointer(dst.baseAddress!)
                // Four pixels (16 bytes of RGBA, little-endian words) become three words of RGB.
                let groups = width / 4
                for row in 0..<height {
                    var s = (height - 1 - row) * width * 4, d = row * width * 3
                    for _ in 0..<groups {
                        let p0 = from.loadUnaligned(fromByteOffset: s, as: UInt32.self)
                        let p1 = from.loadUnaligned(fromByteOffset: s &+ 4, as: UInt32.self)
                        let p2 = from.loadUnaligned(fromByteOffset: s &+ 8, as: UInt32.self)
                        let p3 = from.loadUnaligned(fromByteOffset: s &+ 12, as: UInt32.self)
                        to.storeBytes(of: (p0 & 0xFF_FFFF) | p1 << 24, toByteOffset: d, as: UInt32.self)
                        to.storeBytes(of: (p1 >> 8 & 0xFFFF) | p2 << 16, toByteOffset: d &+ 4, as: UInt32.self)
                        to.storeBytes(of: (p2 >> 16 & 0xFF) | p3 << 8, toByteOffset: d &+ 8, as: UInt32.self)
                        s &+= 16; d &+= 12
                    }
                    for _ in (groups * 4)..<width {
                        dst[d] = src[s]
                        dst[d &+ 1] = src[s &+ 1]
                        dst[d &+ 2] = src[s &+ 2]
                        s &+= 4; d &+= 3
                    }
                }
            }
            count = n * 3
        }
        let depth = [Float](unsafeUninitializedCapacity: n) { dst, count in
            depthStencilBuffer.withUnsafeBufferPointer { src in
                // Eight pixels at a time: the same IEEE operations per pixel as the scalar tail, so the same bits.
                let lanes = 8, vectorEnd = width - width % lanes
                let nearV = SIMD8<Double>(repeating: near), oneMinusA = SIMD8<Double>(repeating: 1 - a)
                for row in 0..<height {
                    let s = (height - 1 - row) * width, d = row * width
                    var i = 0
                    while i < vectorEnd {
                        let packed = UnsafeRawPointer(src.baseAddress! + s + i).loadUnaligned(as: SIMD8<UInt32>.self)
                        let zb = SIMD8<Double>(GLReadback.depthValues(packed))
                        let z = SIMD8<Float>(nearV / (1 - zb * oneMinusA))
                        UnsafeMutableRawPointer(dst.baseAddress! + d + i).storeBytes(of: z, as: SIMD8<Float>.self)
                        i += lanes
                    }
                    while i < width {
                        let zb = Double(GLReadback.depthValue(src[s + i]))
                        dst[d + i] = Float(near / (1 - zb * (1 - a)))
                        i += 1
                    }
                }
            }
            count = n
        }
        return RGBDFrame(width: width, height: height, color: color, depth: depth)
    }
}
