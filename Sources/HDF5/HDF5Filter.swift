/// A storage filter of a chunked dataset, applied in the order given. All of these are built into
/// libhdf5 (and h5py) without plugins; szip decoding needs a libhdf5 built with libaec.
public enum HDF5Filter: Equatable, Sendable {
    /// Byte shuffle: groups the bytes of multi-byte numbers so gzip finds the slowly changing high bytes.
    case shuffle
    /// gzip / zlib deflate, level 1 (fast) to 9 (small).
    case deflate(level: Int)
    /// Lossy for floats: keeps `decimalDigits` decimal digits, then packs into the minimum bits.
    case scaleOffsetFloat(decimalDigits: Int)
    /// Lossless for integers: packs into the minimum bits per chunk (`minBits` 0 lets HDF5 choose).
    case scaleOffsetInteger(minBits: Int)
    /// szip (Rice coding) with nearest-neighbour prediction.
    case szipNearestNeighbour(pixelsPerBlock: Int)
    /// Fletcher-32 checksum per chunk.
    case fletcher32
}

/// How a dataset is laid out: contiguous (nil chunk) or chunked with filters.
public struct HDF5Storage: Equatable, Sendable {
    public var chunk: [Int]?
    public var filters: [HDF5Filter]

    public init(chunk: [Int]? = nil, filters: [HDF5Filter] = []) {
        self.chunk = chunk; self.filters = filters
    }

    public static let contiguous = HDF5Storage()
}
