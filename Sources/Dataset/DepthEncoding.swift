import Foundation
import HDF5

/// How depth images are stored on disk. The choice and its scale are written as attributes of every
/// depth dataset and in `env_args`, so readers never rely on this code.
public enum DepthEncoding: Equatable, Sendable {
    /// Metres as float32, exact.
    case float32
    /// Unsigned 16-bit integers: depth = value * metresPerUnit. 0 means no depth; depths at or beyond
    /// 65535 units (6.5535 m at 0.1 mm) are stored as 65535.
    case uint16(metresPerUnit: Double)

    /// The project's default: 0.1 mm units (error <= 0.05 mm, range 6.5535 m).
    public static let standard = DepthEncoding.uint16(metresPerUnit: 0.0001)

    /// numpy dtype name of the stored values.
    public var dtype: String {
        switch self {
        case .float32: return "float32"
        case .uint16: return "uint16"
        }
    }

    /// Metres per stored unit (1 for float32).
    public var scale: Double {
        switch self {
        case .float32: return 1
        case let .uint16(s): return s
        }
    }

    /// Quantises metres to units, rounding to nearest (Float arithmetic is exact enough: < 0.01 unit).
    public static func quantise(_ depth: [Float], metresPerUnit: Double) -> [UInt16] {
        let inverse = Float(1 / metresPerUnit)
        return [UInt16](unsafeUninitializedCapacity: depth.count) { out, initialised in
            depth.withUnsafeBufferPointer { input in
                for i in 0..<input.count {
                    let d = input[i]
                    // NaN fails `d > 0`; tiny positive depths still mean "something there", so at least 1.
                    // (Spelled out: `min`/`max` here were calls through generic witnesses, 3 % of generation.)
                    var units = d * inverse + 0.5
                    units = 1 >= units ? 1 : units
                    units = 65535 < units ? 65535 : units
                    out[i] = d > 0 ? UInt16(units) : 0
                }
            }
            initialised = depth.count
        }
    }

    /// Units back to metres.
    public static func dequantise(_ units: [UInt16], metresPerUnit: Double) -> [Float] {
        units.map { Float(Double($0) * metresPerUnit) }
    }

    /// Rounds values to multiples of `quantum` (heightmap heights: see `ObservationStorage.heightQuantum`).
    public static func round(_ values: [Float], quantum: Double) -> [Float] {
        let inverse = 1 / quantum
        return [Float](unsafeUninitializedCapacity: values.count) { out, initialised in
            values.withUnsafeBufferPointer { input in
                for i in 0..<input.count { out[i] = Float(roundedHalfAway(Double(input[i]) * inverse) * quantum) }
            }
            initialised = values.count
        }
    }

    /// `x.rounded()` (half away from zero) without a call to libm's `round`: the fraction below |x| < 2^52 is
    /// exact, so comparing it with 0.5 decides as `round` does. Larger or non-finite x are returned by `rounded()`.
    @inline(__always)
    static func roundedHalfAway(_ x: Double) -> Double {
        let a = abs(x)
        guard a < 4_503_599_627_370_496 else { return x.rounded() }
        let whole = Double(Int64(a))
        let r = a - whole >= 0.5 ? whole + 1 : whole
        return x.sign == .minus ? -r : r
    }

    /// The text stored in the `encoding` attribute of depth datasets.
    public var attributeDescription: String {
        switch self {
        case .float32: return "float32 metres"
        case let .uint16(s):
            return "uint16: depth_m = value * \(s); 0 = no depth; 65535 = at or beyond \(String(format: "%.4f", 65535 * s)) m"
        }
    }
}

/// The chunking and filters of observation images. One chunk per image; gzip everywhere, so plain h5py
/// (and any libhdf5) reads the files without plugins.
public struct ObservationStorage: Equatable, Sendable {
    public var rgbFilters: [HDF5Filter]
    public var depthEncoding: DepthEncoding
    public var depthFilters: [HDF5Filter]
    public var heightFilters: [HDF5Filter]
    /// Heightmap heights are rounded to this many metres (nil: stored as given). Fused heights carry
    /// float noise of about 1e-7 m on the floor that costs ~90 KB per observation compressed; 0.1 mm,
    /// the precision of the stored depth they derive from, costs ~3 KB.
    public var heightQuantum: Double?
    /// Every array carries a Fletcher-32 checksum (`ArrayChecksum`); off only to write files as cliport did
    /// before it stored them.
    public var checksums: Bool

    public init(rgbFilters: [HDF5Filter], depthEncoding: DepthEncoding, depthFilters: [HDF5Filter],
                heightFilters: [HDF5Filter], heightQuantum: Double? = 0.0001, checksums: Bool = true) {
        self.rgbFilters = rgbFilters; self.depthEncoding = depthEncoding
        self.depthFilters = depthFilters; self.heightFilters = heightFilters; self.heightQuantum = heightQuantum
        self.checksums = checksums
    }

    /// The project's default, chosen by measurement (docs/dataset-format.md, "Choosing the depth encoding").
    public static let standard = ObservationStorage(rgbFilters: [.deflate(level: 2)], depthEncoding: .standard,
                                                    depthFilters: [.shuffle, .deflate(level: 1)],
                                                    heightFilters: [.shuffle, .deflate(level: 4)], heightQuantum: 0.0001)
}
