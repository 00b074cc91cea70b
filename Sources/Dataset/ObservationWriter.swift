import Geometry
import HDF5

/// The write side of an observation group (`obs` or `final_obs` of one episode): creates the per-key
/// datasets for `count` observations and writes one `ObservationRecord` at a time (one chunk per image).
/// `ObservationReader` is the read side.
public struct ObservationWriter {
    let cameras: [String]
    let rgb: [HDF5Dataset]
    let depth: [HDF5Dataset]
    let heightmapRGB: HDF5Dataset
    let heightmapHeight: HDF5Dataset
    let objectPoses: HDF5Dataset
    /// `robot_joints`, made when the sample observation has joints.
    let robotJoints: HDF5Dataset?
    let depthEncoding: DepthEncoding
    let heightQuantum: Double?

    /// Creates the datasets in `group` for `count` observations shaped like `sample`.
    public init(in group: HDF5Group, count: Int, cameras: [String], sample: ObservationRecord, storage: ObservationStorage) throws {
        precondition(sample.frames.count == cameras.count, "one frame per camera")
        typealias A = DatasetLayout.ObservationAttribute
        var rgb: [HDF5Dataset] = [], depth: [HDF5Dataset] = []
        for (name, frame) in zip(cameras, sample.frames) {
            let h = frame.height, w = frame.width
            rgb.append(try group.createDataset(DatasetLayout.rgbKey(name), of: UInt8.self, shape: [count, h, w, 3],
                                               storage: HDF5Storage(chunk: [1, h, w, 3], filters: ArrayChecksum.filters(storage.rgbFilters, enabled: storage.checksums))))
            let depthStorage = HDF5Storage(chunk: [1, h, w], filters: ArrayChecksum.filters(storage.depthFilters, enabled: storage.checksums))
            let d: HDF5Dataset
            switch storage.depthEncoding {
            case .float32:
                d = try group.createDataset(DatasetLayout.depthKey(name), of: Float.self, shape: [count, h, w], storage: depthStorage)
            case .uint16:
                d = try group.createDataset(DatasetLayout.depthKey(name), of: UInt16.self, shape: [count, h, w], storage: depthStorage)
            }
            try d.attributes.set(A.encoding, storage.depthEncoding.attributeDescription)
            try d.attributes.set(A.scale, storage.depthEncoding.scale)
            try d.attributes.set(A.units, "m")
            try d.attributes.set(A.invalidValue, 0)
            depth.append(d)
        }
        let rows = sample.heightmap.rows, cols = sample.heightmap.cols
        let hmRGB = try group.createDataset(DatasetLayout.heightmapRGBKey, of: UInt8.self, shape: [count, rows, cols, 3],
                                            storage: HDF5Storage(chunk: [1, rows, cols, 3], filters: ArrayChecksum.filters(storage.rgbFilters, enabled: storage.checksums)))
        let hmHeight = try group.createDataset(DatasetLayout.heightmapHeightKey, of: Float.self, shape: [count, rows, cols],
                                               storage: HDF5Storage(chunk: [1, rows, cols], filters: ArrayChecksum.filters(storage.heightFilters, enabled: storage.checksums)))
        try hmHeight.attributes.set(A.units, "m above the workspace floor (z = bounds[2][0])")
        if let q = storage.heightQuantum { try hmHeight.attributes.set(A.quantum, q) }
        let k = sample.objectPoses.count
        let poses = try group.createDataset(DatasetLayout.objectPosesKey, of: Float.self, shape: [count, k, 7],
                                            storage: ArrayChecksum.storage(shape: [count, k, 7], enabled: storage.checksums))
        try poses.attributes.set(A.layout, "x y z qx qy qz qw per object, in object_names order, world frame")
        var joints: HDF5Dataset?
        if sample.robotJoints != nil {
            let shape = [count, DatasetLayout.robotJointCount]
            let d = try group.createDataset(DatasetLayout.robotJointsKey, of: Double.self, shape: shape,
                                            storage: ArrayChecksum.storage(shape: shape, enabled: storage.checksums))
            try d.attributes.set(A.layout, "shoulder_pan shoulder_lift elbow wrist_1 wrist_2 wrist_3 (UR5, ur5.urdf order and sign)")
            try d.attributes.set(A.units, "rad")
            joints = d
        }
        robotJoints = joints
        self.cameras = cameras; self.rgb = rgb; self.depth = depth; heightmapRGB = hmRGB; heightmapHeight = hmHeight
        objectPoses = poses; depthEncoding = storage.depthEncoding; heightQuantum = storage.heightQuantum
    }

    /// Writes observation `index`.
    public func write(_ observation: ObservationRecord, at index: Int) throws {
        guard observation.frames.count == cameras.count else {
            throw DatasetError.badRecord("an observation has \(observation.frames.count) frames but the dataset has \(cameras.count) cameras")
        }
        for (i, frame) in observation.frames.enumerated() {
            try rgb[i].write(row: index, frame.color)
            switch depthEncoding {
            case .float32: try depth[i].write(row: index, frame.depth)
            case let .uint16(scale): try depth[i].write(row: index, DepthEncoding.quantise(frame.depth, metresPerUnit: scale))
            }
        }
        try heightmapRGB.write(row: index, observation.heightmap.color)
        if let q = heightQuantum {
            try heightmapHeight.write(row: index, DepthEncoding.round(observation.heightmap.height, quantum: q))
        } else {
            try heightmapHeight.write(row: index, observation.heightmap.height)
        }
        let poses = observation.objectPoses.flatMap { $0.components.map { Float($0) } }
        if objectPoses.rowCount > 0 { try objectPoses.write(row: index, poses) }
        if let robotJoints {
            let q = observation.robotJoints ?? Array(repeating: .nan, count: DatasetLayout.robotJointCount)
            guard q.count == DatasetLayout.robotJointCount else {
                throw DatasetError.badRecord("an observation has \(q.count) robot joint angles; robot_joints holds \(DatasetLayout.robotJointCount)")
            }
            try robotJoints.write(row: index, q)
        }
    }
}
