import Geometry
import HDF5

/// The read side of an observation group (`obs` or `final_obs` of one episode): opens the datasets
/// `ObservationWriter` made and reads one `ObservationRecord` at a time (one chunk per image).
public struct ObservationReader {
    let cameras: [String]
    let rgb: [HDF5Dataset]
    let depth: [HDF5Dataset]
    let heightmapRGB: HDF5Dataset
    let heightmapHeight: HDF5Dataset
    let objectPoses: HDF5Dataset
    /// nil in files without `robot_joints`.
    let robotJoints: HDF5Dataset?
    let depthEncoding: DepthEncoding

    /// Opens the datasets of an existing observation group.
    public init(_ group: HDF5Group, cameras: [String]) throws {
        rgb = try cameras.map { try group.dataset(DatasetLayout.rgbKey($0)) }
        depth = try cameras.map { try group.dataset(DatasetLayout.depthKey($0)) }
        var encoding = DepthEncoding.float32
        if let first = depth.first, first.elementType == .scalar(.uint16) {
            encoding = .uint16(metresPerUnit: try first.attributes.double(DatasetLayout.ObservationAttribute.scale))
        }
        self.cameras = cameras
        depthEncoding = encoding
        heightmapRGB = try group.dataset(DatasetLayout.heightmapRGBKey)
        heightmapHeight = try group.dataset(DatasetLayout.heightmapHeightKey)
        objectPoses = try group.dataset(DatasetLayout.objectPosesKey)
        robotJoints = group.kind(of: DatasetLayout.robotJointsKey) == .dataset ? try group.dataset(DatasetLayout.robotJointsKey) : nil
    }

    var count: Int { heightmapRGB.shape.first ?? 0 }

    /// Reads observation `index`.
    public func read(at index: Int) throws -> ObservationRecord {
        var frames: [RGBDFrame] = []
        for i in cameras.indices {
            let shape = rgb[i].shape
            let color = try rgb[i].read(row: index, as: UInt8.self)
            let metres: [Float]
            switch depthEncoding {
            case .float32: metres = try depth[i].read(row: index, as: Float.self)
            case let .uint16(scale): metres = DepthEncoding.dequantise(try depth[i].read(row: index, as: UInt16.self), metresPerUnit: scale)
            }
            frames.append(RGBDFrame(width: shape[2], height: shape[1], color: color, depth: metres))
        }
        let hs = heightmapRGB.shape
        let heightmap = Heightmap(rows: hs[1], cols: hs[2], color: try heightmapRGB.read(row: index, as: UInt8.self),
                                  height: try heightmapHeight.read(row: index, as: Float.self))
        var poses: [Pose] = []
        if objectPoses.rowCount > 0 {
            let values = try objectPoses.read(row: index, as: Float.self).map { Double($0) }
            poses = stride(from: 0, to: values.count, by: 7).map { Pose(components: Array(values[$0..<($0 + 7)])) }
        }
        let joints = try robotJoints.map { try $0.read(row: index, as: Double.self) }
        return ObservationRecord(frames: frames, heightmap: heightmap, objectPoses: poses, robotJoints: joints)
    }
}
