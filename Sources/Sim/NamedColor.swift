/// A colour with the name the instructions use. CLIPort's `utils.COLORS` (Tableau palette, 0-255).
public struct NamedColor: Equatable, Hashable, Codable, Sendable {
    public var name: String
    public var rgb: SIMD3<UInt8>

    public init(name: String, rgb: SIMD3<UInt8>) { self.name = name; self.rgb = rgb }

    /// RGB in 0...1, as MJCF rgba wants it.
    public var unit: SIMD3<Double> { SIMD3(Double(rgb.x), Double(rgb.y), Double(rgb.z)) / 255 }

    public static let blue = NamedColor(name: "blue", rgb: SIMD3(78, 121, 167))
    public static let red = NamedColor(name: "red", rgb: SIMD3(255, 87, 89))
    public static let green = NamedColor(name: "green", rgb: SIMD3(89, 169, 79))
    public static let orange = NamedColor(name: "orange", rgb: SIMD3(242, 142, 43))
    public static let yellow = NamedColor(name: "yellow", rgb: SIMD3(237, 201, 72))
    public static let purple = NamedColor(name: "purple", rgb: SIMD3(176, 122, 161))
    public static let pink = NamedColor(name: "pink", rgb: SIMD3(255, 157, 167))
    public static let cyan = NamedColor(name: "cyan", rgb: SIMD3(118, 183, 178))
    public static let brown = NamedColor(name: "brown", rgb: SIMD3(156, 117, 95))
    public static let white = NamedColor(name: "white", rgb: SIMD3(255, 255, 255))
    public static let gray = NamedColor(name: "gray", rgb: SIMD3(186, 176, 172))

    /// All of `utils.COLORS`, in its dict order (distractor colours are drawn in this order).
    public static let all: [NamedColor] = [.blue, .red, .green, .orange, .yellow, .purple, .pink, .cyan, .brown, .white, .gray]
    /// `utils.TRAIN_COLORS`.
    public static let trainColors: [NamedColor] = [.blue, .red, .green, .yellow, .brown, .gray, .cyan]
    /// `utils.EVAL_COLORS`.
    public static let evalColors: [NamedColor] = [.blue, .red, .green, .orange, .purple, .pink, .white]

    /// The table colour of the plain look (not a CLIPort colour; a mid grey that is neither black nor in the palette).
    public static let table = NamedColor(name: "table", rgb: SIMD3(90, 90, 90))
    /// CLIPort's workspace (`ur5/workspace.urdf`, rgba 0.2 grey): the table of CLIPort's look.
    public static let workspace = NamedColor(name: "workspace", rgb: SIMD3(51, 51, 51))
    /// The floor around CLIPort's workspace: pybullet draws `plane.urdf` (which has no visual) in white.
    public static let floor = NamedColor(name: "floor", rgb: SIMD3(255, 255, 255))
}
