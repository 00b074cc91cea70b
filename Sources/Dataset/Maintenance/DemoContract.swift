import Geometry
import HDF5

/// The shapes, dtypes and values one `data/demo_N` group must have (docs/dataset-format.md), as a list of
/// readable issues ("obs/front_rgb is uint16 [2, 480, 640, 3], expected uint8 [2, 480, 640, 3]").
enum DemoContract {
    /// How far outside the workspace bounds an action pose may be (metres): the bounds are where the heightmap
    /// is, and an object's centre can stand a little beyond its edge or above its top; a flipped float cannot.
    static let poseMargin = 0.1

    /// What `issues` found, and whether the episode's arrays carry checksums (nil: none were read).
    struct Result {
        var issues: [String] = []
        /// Non-empty arrays with and without a Fletcher-32 checksum (counted in deep mode).
        var checksummed = 0
        var unchecksummed = 0
    }

    private typealias A = DatasetLayout.EpisodeAttribute
    private typealias K = DatasetLayout.StepKey

    /// `deep` also reads every stored byte of every array, which verifies each chunk's checksum.
    static func check(demo: HDF5Group, steps t: Int, header: DatasetHeader, deep: Bool) throws -> Result {
        var result = Result()
        func issue(_ text: String) { result.issues.append(text) }
        let a = demo.attributes
        for (key, kind) in [(A.task, "str"), (A.split, "str"), (A.source, "str"), (A.instruction, "str"), (A.modelFile, "str"),
                            (A.failureReason, "str"), (A.success, "int"), (A.totalReward, "float"), (A.objectNames, "str")]
            where !a.contains(key) {
            issue("lacks the \(kind) attribute '\(key)'")
        }
        guard t >= 1 else { return Result(issues: result.issues + ["has num_samples \(t); an episode has at least one step"]) }
        let objects = a.contains(A.objectNames) ? try a.strings(A.objectNames).count : 0

        var arrays: [(path: String, dataset: HDF5Dataset, kind: HDF5ScalarKind)] = []
        func expect(_ path: String, _ kind: HDF5ScalarKind, _ shape: [Int]) {
            guard demo.kind(of: path) == .dataset, let d = try? demo.dataset(path) else { issue("lacks \(path)"); return }
            if d.elementType != .scalar(kind) || d.shape != shape {
                issue("\(path) is \(d.elementType) \(d.shape), expected \(kind.rawValue) \(shape)")
            } else {
                arrays.append((path, d, kind))
            }
        }
        let depthKind: HDF5ScalarKind = header.depthEncoding.dtype == "uint16" ? .uint16 : .float32
        let w = header.workspace
        for (group, n) in [(DatasetLayout.observationGroup, t), (DatasetLayout.finalObservationGroup, 1)] {
            for camera in header.cameras {
                let h = camera.intrinsics.height, wd = camera.intrinsics.width
                expect("\(group)/\(DatasetLayout.rgbKey(camera.name))", .uint8, [n, h, wd, 3])
                expect("\(group)/\(DatasetLayout.depthKey(camera.name))", depthKind, [n, h, wd])
            }
            expect("\(group)/\(DatasetLayout.heightmapRGBKey)", .uint8, [n, w.rows, w.cols, 3])
            expect("\(group)/\(DatasetLayout.heightmapHeightKey)", .float32, [n, w.rows, w.cols])
            expect("\(group)/\(DatasetLayout.objectPosesKey)", .float32, [n, objects, 7])
            // Optional (files before it, real captures without joint readings), but then in both groups.
            let joints = "\(group)/\(DatasetLayout.robotJointsKey)"
            if demo.kind(of: joints) != nil { expect(joints, .float64, [n, DatasetLayout.robotJointCount]) }
        }
        let jointGroups = [DatasetLayout.observationGroup, DatasetLayout.finalObservationGroup]
            .filter { demo.kind(of: "\($0)/\(DatasetLayout.robotJointsKey)") != nil }
        if jointGroups.count == 1 {
            issue("has \(jointGroups[0])/\(DatasetLayout.robotJointsKey) but not the other observation group's; both or neither")
        }
        expect(K.actions, .float32, [t, 14])
        expect(K.pickPose, .float32, [t, 7])
        expect(K.placePose, .float32, [t, 7])
        expect(K.pickPixel, .int32, [t, 2])
        expect(K.placePixel, .int32, [t, 2])
        expect(K.placeRotationBin, .int32, [t])
        expect(K.rewards, .float64, [t])
        expect(K.dones, .uint8, [t])
        if let d = try? demo.dataset(K.instructions) {
            if d.elementType != .string(variableLength: true) || d.shape != [t] {
                issue("\(K.instructions) is \(d.elementType) \(d.shape), expected vlen str [\(t)]")
            }
        } else {
            issue("lacks \(K.instructions)")
        }
        guard result.issues.isEmpty else { return result }

        // Every stored byte: each chunk's checksum is verified as it is read.
        var unreadable = Set<String>()
        if deep {
            for (path, d, kind) in arrays where d.count > 0 {
                if d.hasChecksum { result.checksummed += 1 } else { result.unchecksummed += 1 }
                do {
                    for row in 0..<d.shape[0] { try readRow(d, row, kind) }
                } catch {
                    unreadable.insert(path)
                    issue(readFailure(path, error))
                }
            }
        }

        // Values. Each read verifies the checksum of what it reads, so a damaged array is named, not thrown.
        func values<T: HDF5Scalar>(_ path: String, _ type: T.Type) -> [T]? {
            guard !unreadable.contains(path) else { return nil }
            do { return try demo.dataset(path).read(as: T.self) } catch {
                unreadable.insert(path)
                issue(readFailure(path, error))
                return nil
            }
        }
        let success = try a.int(A.success), total = try a.double(A.totalReward)
        if success != 1 { issue("has success = \(success): a failed episode does not belong in a demos dataset") }
        if (total > 0.99) != (success == 1) { issue("has total_reward \(total) but success = \(success) (success means > 0.99)") }
        if let rewards = values(K.rewards, Double.self) {
            if let i = rewards.firstIndex(where: { !$0.isFinite }) {
                issue("\(K.rewards)[\(i)] is \(rewards[i]); rewards are finite")
            } else if abs(rewards.reduce(0, +) - total) > 1e-6 {
                issue("rewards add up to \(rewards.reduce(0, +)), not total_reward \(total)")
            }
        }
        if let dones = values(K.dones, UInt8.self) {
            if dones.last != 1 { issue("does not end with done = 1") }
            if let i = dones.firstIndex(where: { $0 > 1 }) { issue("\(K.dones)[\(i)] is \(dones[i]); dones are 0 or 1") }
        }
        for key in [K.pickPixel, K.placePixel] {
            guard let p = values(key, Int.self) else { continue }
            for i in 0..<t where !(0..<w.rows).contains(p[2 * i]) || !(0..<w.cols).contains(p[2 * i + 1]) {
                issue("\(key)[\(i)] = (\(p[2 * i]), \(p[2 * i + 1])) is outside the \(w.rows)x\(w.cols) heightmap")
            }
        }
        if let bins = values(K.placeRotationBin, Int.self), let bad = bins.first(where: { !(0..<header.rotationBins).contains($0) }) {
            issue("has place_rotation_bin \(bad), outside 0..<\(header.rotationBins)")
        }
        let pick = values(K.pickPose, Float.self), place = values(K.placePose, Float.self)
        for (key, poses) in [(K.pickPose, pick), (K.placePose, place)] {
            guard let poses else { continue }
            for i in 0..<t { if let text = poseIssue(Array(poses[(7 * i)..<(7 * i + 7)]), workspace: w) { issue("\(key)[\(i)] \(text)") } }
        }
        if let actions = values(K.actions, Float.self), let pick, let place {
            for i in 0..<t where Array(actions[(14 * i)..<(14 * i + 14)]) != Array(pick[(7 * i)..<(7 * i + 7)] + place[(7 * i)..<(7 * i + 7)]) {
                issue("\(K.actions)[\(i)] differs from \(K.pickPose)[\(i)] + \(K.placePose)[\(i)]")
            }
        }
        for group in [DatasetLayout.observationGroup, DatasetLayout.finalObservationGroup] {
            let key = "\(group)/\(DatasetLayout.objectPosesKey)"
            if let poses = values(key, Float.self), let i = poses.firstIndex(where: { !$0.isFinite }) {
                issue("\(key) holds \(poses[i]) at value \(i); object poses are finite")
            }
            // NaN marks an unknown reading; anything else must be an angle within the UR5's +-2 pi joint limits.
            let joints = "\(group)/\(DatasetLayout.robotJointsKey)"
            if jointGroups.count == 2, let q = values(joints, Double.self),
               let i = q.firstIndex(where: { !$0.isNaN && !(abs($0) <= 2 * Double.pi + 1e-9) }) {
                issue("\(joints) holds \(q[i]) at value \(i); joint angles are within +-2 pi radians (NaN: unknown)")
            }
        }
        return result
    }

    /// Why a pose breaks the contract (not finite, outside the workspace with its margin, not a unit
    /// quaternion), or nil.
    static func poseIssue(_ pose: [Float], workspace w: Workspace) -> String? {
        let v = pose.map(Double.init)
        if v.contains(where: { !$0.isFinite }) { return "= \(pose) is not finite" }
        let m = poseMargin
        for (i, axis, range) in [(0, "x", w.xRange), (1, "y", w.yRange), (2, "z", w.zRange)]
            where v[i] < range.lowerBound - m || v[i] > range.upperBound + m {
            return "has \(axis) = \(pose[i]) m, outside the workspace \(range.lowerBound)...\(range.upperBound) m (margin \(m) m)"
        }
        let norm = (v[3] * v[3] + v[4] * v[4] + v[5] * v[5] + v[6] * v[6]).squareRoot()
        if abs(norm - 1) > 1e-3 { return "has a quaternion of norm \(norm), not 1" }
        return nil
    }

    /// A read that failed: a checksum mismatch says the stored bytes changed; anything else, that they do not decode.
    static func readFailure(_ path: String, _ error: Error) -> String {
        let text = "\(error)"
        if text.localizedCaseInsensitiveContains("fletcher") || text.localizedCaseInsensitiveContains("checksum") {
            return "\(path) fails its checksum: its stored bytes changed after writing (\(text))"
        }
        return "\(path) cannot be decoded: \(text)"
    }

    private static func readRow(_ d: HDF5Dataset, _ row: Int, _ kind: HDF5ScalarKind) throws {
        switch kind {
        case .uint8: _ = try d.read(row: row, as: UInt8.self)
        case .uint16: _ = try d.read(row: row, as: UInt16.self)
        case .int32: _ = try d.read(row: row, as: Int32.self)
        case .float64: _ = try d.read(row: row, as: Double.self)
        default: _ = try d.read(row: row, as: Float.self)
        }
    }
}
