/// Names of groups, datasets and attributes in a cliport dataset file (docs/dataset-format.md).
public enum DatasetLayout {
    /// Bumped whenever the layout changes in a way older readers would misread.
    public static let schemaVersion = 1
    public static let generatorName = "cliport-swift"
    public static let generatorVersion = "0.1.0"
    public static var generator: String { "\(generatorName) \(generatorVersion)" }

    public static let dataGroup = "data"
    public static let maskGroup = "mask"
    public static let demoPrefix = "demo_"

    public static func demoName(_ index: Int) -> String { "\(demoPrefix)\(index)" }

    /// The index of "demo_N", or nil for other names.
    public static func demoIndex(_ name: String) -> Int? {
        guard name.hasPrefix(demoPrefix) else { return nil }
        return Int(name.dropFirst(demoPrefix.count))
    }

    public static func rgbKey(_ camera: String) -> String { "\(camera)_rgb" }
    public static func depthKey(_ camera: String) -> String { "\(camera)_depth" }
    public static let heightmapRGBKey = "heightmap_rgb"
    public static let heightmapHeightKey = "heightmap_height"
    public static let objectPosesKey = "object_poses"
}
