import CMuJoCo
import Foundation
import Geometry

/// One MuJoCo model and its state (mjModel + mjData), loaded from an MJCF string held in memory.
/// Poses cross this boundary as `Geometry.Pose` (quaternion x, y, z, w); MuJoCo stores w, x, y, z.
/// Not thread-safe: use one instance from one thread at a time.
public final class MuJoCoSimulation {
    /// The MJCF the model was compiled from.
    public let xml: String
    let model: UnsafeMutablePointer<mjModel>
    let data: UnsafeMutablePointer<mjData>
    private var stepsTaken = 0

    public init(xml: String) throws {
        ErrorHooks.install()
        self.xml = xml
        // mjVFS is about 2 MB (fixed arrays of file names), so it lives on the heap, never the stack.
        let vfs = UnsafeMutablePointer<mjVFS>.allocate(capacity: 1)
        defer { mj_deleteVFS(vfs); vfs.deallocate() }
        mj_defaultVFS(vfs)
        let bytes = Array(xml.utf8)
        let fileName = "scene.xml"
        guard mj_makeEmptyFileVFS(vfs, fileName, Int32(bytes.count)) == 0 else {
            throw MuJoCoError.modelLoad("the in-memory file system refused a \(bytes.count)-byte file")
        }
        let index = mj_findFileVFS(vfs, fileName)
        guard index >= 0, let dst = cmj_vfs_filedata(vfs, index) else {
            throw MuJoCoError.modelLoad("the in-memory file system lost scene.xml")
        }
        bytes.withUnsafeBytes { dst.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        var error = [CChar](repeating: 0, count: 1000)
        guard let m = mj_loadXML(fileName, vfs, &error, Int32(error.count)) else {
            throw MuJoCoError.modelLoad(String(cString: error))
        }
        guard let d = mj_makeData(m) else {
            mj_deleteModel(m)
            throw MuJoCoError.modelLoad("mj_makeData returned nil (out of memory?)")
        }
        model = m
        data = d
        mj_forward(model, data)
    }

    deinit {
        mj_deleteData(data)
        mj_deleteModel(model)
    }

    // MARK: time

    public var timestep: Double { model.pointee.opt.timestep }
    public var time: Double { data.pointee.time }

    /// Advances the physics `count` steps; throws if MuJoCo flags a bad acceleration, position or velocity.
    public func step(count: Int = 1) throws {
        for _ in 0..<count {
            mj_step(model, data)
            stepsTaken += 1
        }
        for w in [mjWARN_BADQACC, mjWARN_BADQPOS, mjWARN_BADQVEL, mjWARN_CONTACTFULL, mjWARN_CNSTRFULL] where cmj_warning_count(data, Int32(w.rawValue)) > 0 {
            let text = ErrorHooks.lastWarning
            cmj_clear_warnings(data)
            throw MuJoCoError.unstable(step: stepsTaken, warning: text.isEmpty ? "warning \(w.rawValue)" : text)
        }
    }

    /// Recomputes positions and contacts from qpos and mocap poses without advancing time.
    public func forward() { mj_forward(model, data) }

    // MARK: names

    public var bodyCount: Int { Int(model.pointee.nbody) }

    public func bodyID(_ name: String) throws -> Int {
        let id = Int(mj_name2id(model, Int32(mjOBJ_BODY.rawValue), name))
        guard id >= 0 else { throw MuJoCoError.unknownName(kind: "body", name: name) }
        return id
    }

    public func equalityID(_ name: String) throws -> Int {
        let id = Int(mj_name2id(model, Int32(mjOBJ_EQUALITY.rawValue), name))
        guard id >= 0 else { throw MuJoCoError.unknownName(kind: "equality", name: name) }
        return id
    }

    public func geomID(_ name: String) throws -> Int {
        let id = Int(mj_name2id(model, Int32(mjOBJ_GEOM.rawValue), name))
        guard id >= 0 else { throw MuJoCoError.unknownName(kind: "geom", name: name) }
        return id
    }

    /// A geom's collision bit masks (MJCF contype and conaffinity); both 0 turns its collisions off.
    public func collisionBits(geom: Int) -> (contype: Int, conaffinity: Int) {
        (Int(model.pointee.geom_contype[geom]), Int(model.pointee.geom_conaffinity[geom]))
    }

    public func setCollisionBits(geom: Int, contype: Int, conaffinity: Int) {
        model.pointee.geom_contype[geom] = Int32(contype)
        model.pointee.geom_conaffinity[geom] = Int32(conaffinity)
    }

    public func bodyName(_ id: Int) -> String {
        guard let p = mj_id2name(model, Int32(mjOBJ_BODY.rawValue), Int32(id)) else { return "body\(id)" }
        return String(cString: p)
    }

    // MARK: poses

    /// World pose of a body frame (xpos, xquat), as of the last step or forward.
    public func bodyPose(_ body: Int) -> Pose {
        let p = data.pointee.xpos + 3 * body
        let q = data.pointee.xquat + 4 * body
        return Pose(position: SIMD3(p[0], p[1], p[2]), rotation: Quaternion(x: q[1], y: q[2], z: q[3], w: q[0]))
    }

    /// Sets the target pose of a mocap body (takes effect at the next step or forward).
    public func setMocapPose(_ body: Int, _ pose: Pose) throws {
        let id = Int(model.pointee.body_mocapid[body])
        guard id >= 0 else { throw MuJoCoError.notAMocapBody(bodyName(body)) }
        let p = data.pointee.mocap_pos + 3 * id
        let q = data.pointee.mocap_quat + 4 * id
        p[0] = pose.position.x; p[1] = pose.position.y; p[2] = pose.position.z
        let r = pose.rotation.normalized
        q[0] = r.w; q[1] = r.x; q[2] = r.y; q[3] = r.z
    }

    private func freeJoint(_ body: Int) throws -> (qpos: Int, dof: Int) {
        let j = Int(model.pointee.body_jntadr[body])
        guard j >= 0, model.pointee.jnt_type[j] == Int32(mjJNT_FREE.rawValue) else {
            throw MuJoCoError.notAFreeBody(bodyName(body))
        }
        return (Int(model.pointee.jnt_qposadr[j]), Int(model.pointee.jnt_dofadr[j]))
    }

    public func hasFreeJoint(_ body: Int) -> Bool { (try? freeJoint(body)) != nil }

    /// The free joint's qpos as a pose (equals the body pose for a top-level free body).
    public func freeJointPose(_ body: Int) throws -> Pose {
        let a = try freeJoint(body).qpos
        let q = data.pointee.qpos + a
        return Pose(position: SIMD3(q[0], q[1], q[2]), rotation: Quaternion(x: q[4], y: q[5], z: q[6], w: q[3]))
    }

    /// Writes a free body's qpos; its velocity is zeroed unless `keepVelocity`.
    public func setFreeJointPose(_ body: Int, _ pose: Pose, keepVelocity: Bool = false) throws {
        let (a, dof) = try freeJoint(body)
        let q = data.pointee.qpos + a
        let r = pose.rotation.normalized
        q[0] = pose.position.x; q[1] = pose.position.y; q[2] = pose.position.z
        q[3] = r.w; q[4] = r.x; q[5] = r.y; q[6] = r.z
        if !keepVelocity {
            let v = data.pointee.qvel + dof
            for i in 0..<6 { v[i] = 0 }
        }
    }

    /// Linear speed (m/s) of a free body, the quantity CLIPort's `is_static` thresholds.
    public func linearSpeed(ofFreeBody body: Int) throws -> Double {
        let dof = try freeJoint(body).dof
        let v = data.pointee.qvel + dof
        return (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).squareRoot()
    }

    // MARK: weld equalities (suction)

    public func weldBodies(_ eq: Int) throws -> (body1: Int, body2: Int) {
        guard model.pointee.eq_type[eq] == Int32(mjEQ_WELD.rawValue) else { throw MuJoCoError.notAWeld("equality \(eq)") }
        return (Int(model.pointee.eq_obj1id[eq]), Int(model.pointee.eq_obj2id[eq]))
    }

    /// Turns a weld on, holding body2 at its current pose relative to body1.
    /// MuJoCo 2.2.2 keeps `eq_active` in mjModel; weld eq_data is [anchor(3), relpos(3), relquat(4 wxyz), torquescale].
    public func activateWeld(_ eq: Int) throws {
        let (b1, b2) = try weldBodies(eq)
        let rel = bodyPose(b1).inverse * bodyPose(b2)
        let e = model.pointee.eq_data + Int(mjNEQDATA) * eq
        e[0] = 0; e[1] = 0; e[2] = 0
        e[3] = rel.position.x; e[4] = rel.position.y; e[5] = rel.position.z
        e[6] = rel.rotation.w; e[7] = rel.rotation.x; e[8] = rel.rotation.y; e[9] = rel.rotation.z
        model.pointee.eq_active[eq] = 1
    }

    public func deactivateWeld(_ eq: Int) {
        model.pointee.eq_active[eq] = 0
    }

    public func isActive(_ eq: Int) -> Bool { model.pointee.eq_active[eq] != 0 }

    /// The pose body2 is held at relative to body1 while the weld is active.
    public func weldRelativePose(_ eq: Int) -> Pose {
        let e = model.pointee.eq_data + Int(mjNEQDATA) * eq
        return Pose(position: SIMD3(e[3], e[4], e[5]), rotation: Quaternion(x: e[7], y: e[8], z: e[9], w: e[6]))
    }

    // MARK: contacts

    /// Bodies touching `body` in the current contact list (each listed once, in contact order).
    public func bodiesInContact(with body: Int) -> [Int] {
        var result: [Int] = []
        let n = Int(data.pointee.ncon)
        for i in 0..<n {
            let c = data.pointee.contact[i]
            let b1 = Int(model.pointee.geom_bodyid[Int(c.geom1)])
            let b2 = Int(model.pointee.geom_bodyid[Int(c.geom2)])
            let other = b1 == body ? b2 : (b2 == body ? b1 : -1)
            if other >= 0, !result.contains(other) { result.append(other) }
        }
        return result
    }

    public func inContact(_ a: Int, _ b: Int) -> Bool { bodiesInContact(with: a).contains(b) }

    public var contactCount: Int { Int(data.pointee.ncon) }
}
