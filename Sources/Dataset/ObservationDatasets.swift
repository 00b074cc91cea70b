import Geometry
import HDF5

/// The `obs` (or `final_obs`) group of one episode: creates the per-key datasets for `count`
/// observations and writes or reads one observation at a time (one chunk per image).
struct ObservationDatasets {
    let cameras: [String]
    let rgb: [HDF5Dataset]
    let depth: [HDF5Dataset]
    let heightmapRGB: HDF5Dataset
    let heightmapHeight: HDF5Dataset
    let objectPoses: HDF5Dataset
    let depthEncoding: DepthEncoding
    let heightQuantum: Double?

    /// Creates the datasets in `group` for `count` observations shaped like `sample`.
    static func create(in group: HDF5Group, count: Int, cameras: [String], sample: ObservationRecord,
                       storage: ObservationStorage) throws -> ObservationDatasets {
        precondition(sample.frames.count == cameras.count, "one frame per camera")
        var rgb: [HDF5Dataset] = [], depth: [HDF5Dataset] = []
        for (name, frame) in zip(cameras, sample.frames) {
            let h = frame.height, w = frame.width
            rgb.append(try group.createDataset(DatasetLayout.rgbKey(name), of: UInt8.self, shape: [count, h, w, 3],
                                               storage: HDF5Storage(chunk: [1, h, w, 3], filters: storage.rgbFilters)))
            let depthStorage = HDF5Storage(chunk: [1, h, w], filters: storage.depthFilters)
            let d: HDF5Dataset
            switch storage.depthEncoding {
            case .float32:
                d = try group.createDataset(DatasetLayout.depthKey(name), of: Float.self, shape: [count, h, w], storage: depthStorage)
            case .uint16:
                d = try group.createDataset(DatasetLayout.depthKey(name), of: UInt16.self, shape: [count, h, w], storage: depthStorage)
            }
            try d.attributes.set("encoding", storage.depthEncoding.attributeDescription)
            try d.attributes.set("scale", storage.depthEncoding.scale)
            try d.attributes.set("units", "m")
            try d.attributes.set("invalid_value", 0)
            depth.append(d)
        }
        let rows = sample.heightmap.rows, cols = sample.heightmap.cols
        let hmRGB = try group.createDataset(DatasetLayout.heightmapRGBKey, of: UInt8.self, shape: [count, rows, cols, 3],
                                            storage: HDF5Storage(chunk: [1, rows, cols, 3], filters: storage.rgbFilters))
        let hmHeight = try group.createDataset(DatasetLayout.heightmapHeightKey, of: Float.self, shape: [count, rows, cols],
                                               storage: HDF5Storage(chunk: [1, rows, cols], filters: storage.heightFilters))
        try hmHeight.attributes.set("units", "m above the workspace floor (z = bounds[2][0])")
        if let q = storage.heightQuantum { try hmHeight.attributes.set("quantum", q) }
        let k = sample.objectPoses.count
        let poses = try group.createDataset(DatasetLayout.objectPosesKey, of: Float.self, shape: [count, k, 7])
        try poses.attributes.set("layout", "x y z qx qy qz qw per object, in object_names order, world frame")
        return ObservationDatasets(cameras: cameras, rgb: rgb, depth: depth, heightmapRGB: hmRGB, heightmapHeight: hmHeight,
                                   objectPoses: poses, depthEncoding: storage.depthEncoding, heightQuantum: storage.heightQuantum)
    }

    /// Writes observation `index`.
    func write(_ observation: ObservationRecord, at index: Int) throws {
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
    }

    /// Opens the datasets of an existing `obs` group.
    static func open(_ group: HDF5Group, cameras: [String]) throws -> ObservationDatasets {
        let rgb = try cameras.map { try group.dataset(DatasetLayout.rgbKey($0)) }
        let depth = try cameras.map { try group.dataset(DatasetLayout.depthKey($0)) }
        var encoding = DepthEncoding.float32
        if let first = depth.first, first.elementType == .scalar(.uint16) {
            encoding = .uint16(metresPerUnit: try first.attributes.double("scale"))
        }
        return ObservationDatasets(cameras: cameras, rgb: rgb, depth: depth,
                                   heightmapRGB: try group.dataset(DatasetLayout.heightmapRGBKey),
                                   heightmapHeight: try group.dataset(DatasetLayout.heightmapHeightKey),
                                   objectPoses: try group.dataset(DatasetLayout.objectPosesKey), depthEncoding: encoding, heightQuantum: nil)
    }

    var count: Int { heightmapRGB.shape.first ?? 0 }

    /// Reads observation `index`.
    func read(at index: Int) throws -> ObservationRecord {
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
        return ObservationRecord(frames: frames, heightmap: heightmap, objectPoses: poses)
    }
}
