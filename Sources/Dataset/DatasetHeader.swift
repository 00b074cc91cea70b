import Foundation
import Geometry

/// Per-file facts: what task and split the episodes are, the cameras (intrinsics and extrinsics), the
/// workspace and heightmap geometry, the rotation bins and the depth encoding. Stored as the `env_args`
/// JSON (robomimic's place for environment metadata) so nothing needed to read the data lives in code.
public struct DatasetHeader: Equatable, Sendable {
    public var task: String
    public var split: String
    public var cameras: [CameraConfig]
    public var workspace: Workspace
    public var rotationBins: Int
    public var depthEncoding: DepthEncoding
    public var generator: String
    public var schemaVersion: Int
    /// The object set the scenes were made of, for tasks that can load outside assets (the google-objects
    /// tasks: "procedural" or "google-scanned-objects"); nil, and absent from `env_args`, for the others.
    public var objectSet: String?
    /// The folder the object set was loaded from (nil for built-in sets).
    public var objectAssets: String?
    /// How the simulator drew the pictures ("cliport" or "plain", `SceneLook`); nil for data made before looks
    /// existed (drawn in the plain look) and for data not from the simulator.
    public var look: String?

    public init(task: String, split: String, cameras: [CameraConfig] = CameraConfig.realSenseD415,
                workspace: Workspace = .cliport, rotationBins: Int = RotationBins.cliport,
                depthEncoding: DepthEncoding = .standard, generator: String = DatasetLayout.generator,
                schemaVersion: Int = DatasetLayout.schemaVersion, objectSet: String? = nil, objectAssets: String? = nil,
                look: String? = nil) {
        self.task = task; self.split = split; self.cameras = cameras; self.workspace = workspace
        self.rotationBins = rotationBins; self.depthEncoding = depthEncoding
        self.generator = generator; self.schemaVersion = schemaVersion
        self.objectSet = objectSet; self.objectAssets = objectAssets
        self.look = look
    }

    public var cameraNames: [String] { cameras.map(\.name) }

    /// The `env_args` JSON string (sorted keys, so equal headers give equal text).
    public func envArgsJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try! encoder.encode(EnvArgs(self))  // plain structs of numbers and strings: cannot fail
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses an `env_args` JSON string written by `envArgsJSON()`.
    public init(envArgsJSON json: String) throws {
        let args = try JSONDecoder().decode(EnvArgs.self, from: Data(json.utf8))
        self = try args.header()
    }
}

/// The JSON shape of `env_args` (snake_case, as robomimic and h5py users expect).
struct EnvArgs: Codable {
    var env_name: String
    var type: String
    var env_kwargs: Kwargs

    struct Kwargs: Codable {
        var task: String
        var split: String
        var schema_version: Int
        var generator: String
        var cameras: [Camera]
        var depth: Depth
        var workspace: WorkspaceInfo
        var rotation_bins: Int
        var rotation: String
        var actions: String
        var pixels: String
        /// Optional: written only when set, so headers of other tasks stay as they were.
        var object_set: String?
        var object_assets: String?
        /// Optional: the simulator's look (absent in files written before looks existed).
        var look: String?
    }

    struct Camera: Codable {
        var name: String
        var width: Int
        var height: Int
        var fx: Double, fy: Double, cx: Double, cy: Double
        var K: [Double]
        var position: [Double]
        var orientation_xyzw: [Double]
        var convention: String
        var z_near: Double
        var z_far: Double
        var rgb_key: String
        var depth_key: String
    }

    struct Depth: Codable {
        var dtype: String
        var scale: Double
        var units: String
        var invalid_value: Int
        var description: String
    }

    struct WorkspaceInfo: Codable {
        var bounds: [[Double]]
        var pixel_size: Double
        var heightmap_shape: [Int]
        var axes: String
    }

    init(_ h: DatasetHeader) {
        env_name = h.task
        type = "cliport-mujoco"
        let cams = h.cameras.map { c in
            Camera(name: c.name, width: c.intrinsics.width, height: c.intrinsics.height,
                   fx: c.intrinsics.fx, fy: c.intrinsics.fy, cx: c.intrinsics.cx, cy: c.intrinsics.cy, K: c.intrinsics.matrix,
                   position: [c.pose.position.x, c.pose.position.y, c.pose.position.z], orientation_xyzw: c.pose.rotation.xyzw,
                   convention: "OpenCV: camera +x right, +y down, +z forward; position and orientation map camera to world (base frame)",
                   z_near: c.zNear, z_far: c.zFar,
                   rgb_key: DatasetLayout.observationGroup + "/" + DatasetLayout.rgbKey(c.name),
                   depth_key: DatasetLayout.observationGroup + "/" + DatasetLayout.depthKey(c.name))
        }
        let w = h.workspace
        env_kwargs = Kwargs(
            task: h.task, split: h.split, schema_version: h.schemaVersion, generator: h.generator, cameras: cams,
            depth: Depth(dtype: h.depthEncoding.dtype, scale: h.depthEncoding.scale, units: "m", invalid_value: 0,
                         description: h.depthEncoding.attributeDescription),
            workspace: WorkspaceInfo(bounds: [[w.xRange.lowerBound, w.xRange.upperBound], [w.yRange.lowerBound, w.yRange.upperBound],
                                              [w.zRange.lowerBound, w.zRange.upperBound]],
                                     pixel_size: w.pixelSize, heightmap_shape: [w.rows, w.cols],
                                     axes: "heightmap rows follow world y from bounds[1][0], columns world x from bounds[0][0]"),
            rotation_bins: h.rotationBins,
            rotation: "place_rotation_bin = round((yaw(pick) - yaw(place)) / (2 pi / rotation_bins)) mod rotation_bins, "
                + "yaw = rotation about world z (CLIPort's labels)",
            actions: "actions[t] = pick xyz + quaternion xyzw, place xyz + quaternion xyzw (world frame, metres)",
            pixels: "pixel = (row, col) = (round((y - bounds[1][0]) / pixel_size), round((x - bounds[0][0]) / pixel_size))",
            object_set: h.objectSet, object_assets: h.objectAssets, look: h.look)
    }

    func header() throws -> DatasetHeader {
        let k = env_kwargs
        let cameras = k.cameras.map { c in
            CameraConfig(name: c.name,
                         intrinsics: CameraIntrinsics(width: c.width, height: c.height, fx: c.fx, fy: c.fy, cx: c.cx, cy: c.cy),
                         pose: Pose(components: c.position + c.orientation_xyzw), zNear: c.z_near, zFar: c.z_far)
        }
        let b = k.workspace.bounds
        guard b.count == 3, b.allSatisfy({ $0.count == 2 }) else {
            throw DatasetError.corrupt(path: DatasetLayout.FileAttribute.envArgs, detail: "workspace bounds must be 3 pairs")
        }
        let workspace = Workspace(xRange: b[0][0]...b[0][1], yRange: b[1][0]...b[1][1], zRange: b[2][0]...b[2][1],
                                  pixelSize: k.workspace.pixel_size)
        let depth: DepthEncoding = k.depth.dtype == "uint16" ? .uint16(metresPerUnit: k.depth.scale) : .float32
        return DatasetHeader(task: k.task, split: k.split, cameras: cameras, workspace: workspace, rotationBins: k.rotation_bins,
                             depthEncoding: depth, generator: k.generator, schemaVersion: k.schema_version,
                             objectSet: k.object_set, objectAssets: k.object_assets, look: k.look)
    }
}
